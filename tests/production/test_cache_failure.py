"""A cache that fails never takes the site down: with Redis gone, the cache folder unwritable or
the disk full, public pages render without it (a warning is logged), staff saves go through, and
the write watcher's version replacement only logs."""

import errno
import logging
import socket

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.test import override_settings
from django.urls import reverse

from kpi.models import Indicator
from strategy.models import FiscalYear

SLUG = "nemuro-sousei-2015"
PAGES = [
    reverse("strategy:home"),
    reverse("strategy:index"),
    reverse("strategy:top", kwargs={"slug": SLUG}),
    reverse("strategy:goal", kwargs={"slug": SLUG, "number": 1}),
    reverse("kpi:indicator", kwargs={"slug": SLUG, "code": "G1-1"}),
    reverse("strategy:projects", kwargs={"slug": SLUG}),
    reverse("login"),
]


class DiskFullCache(FileBasedCache):
    """A file cache on a full disk: reads miss, every write fails with ENOSPC."""

    def _full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    set = add = incr = set_many = touch = _full


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_down(tmp_path):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def _folder_unwritable(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(blocker / "cache"),
    }


def _disk_full(tmp_path):
    return {"BACKEND": f"{__name__}.DiskFullCache", "LOCATION": str(tmp_path / "cache")}


BROKEN = {
    "redis down": _redis_down,
    "folder unwritable": _folder_unwritable,
    "disk full": _disk_full,
}


@pytest.fixture(params=list(BROKEN))
def broken_cache(request, tmp_path):
    with override_settings(CACHES={"default": BROKEN[request.param](tmp_path)}):
        yield request.param


def test_pages_render_without_a_failing_cache_and_say_so_in_the_log(
    client, nemuro, broken_cache, caplog
):
    with caplog.at_level(logging.WARNING):
        for url in PAGES:
            for _visit in range(2):
                response = client.get(url)
                assert response.status_code == 200, (broken_cache, url)
                assert response.get("X-Page-Cache") != "hit"
    assert any(
        "cache" in r.getMessage() or "data version" in r.getMessage() for r in caplog.records
    )


def test_a_staff_save_goes_through_a_failing_cache(client, nemuro, secretariat, broken_cache):
    client.force_login(secretariat)
    response = client.post(
        reverse("staff:publish", kwargs={"slug": SLUG, "year": 2017}),
        {"confirmed": "on", "reason": "速報のため"},
    )
    assert response.status_code == 302
    assert FiscalYear.objects.get(strategy=nemuro, year=2017).published_at is not None
    assert client.get(reverse("staff:publication", kwargs={"slug": SLUG})).status_code == 200


def test_the_write_watcher_only_logs_when_it_cannot_replace_a_version(nemuro, broken_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="strategy.data_version"):
        Indicator.objects.filter(strategy=nemuro, code="G1-1").update(unit="人")
    assert Indicator.objects.get(strategy=nemuro, code="G1-1").unit == "人"
    assert any("could not be replaced" in r.getMessage() for r in caplog.records)
