"""CACHE_URL selects the cache: Redis (shared by every host) when it says redis://, the file
cache of ``make run`` when unset, and a start-up error for anything else. Against a throwaway
redis-server (tests/conftest.py ``redis_url``) the public page cache stores and invalidates
pages in Redis."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from kpi.models import Achievement
from nemuro_strategy.env import cache_from_url

SLUG = "nemuro-sousei-2015"
INDICATOR = reverse("kpi:indicator", kwargs={"slug": SLUG, "code": "G1-1"})


def test_a_redis_url_selects_djangos_redis_backend():
    config = cache_from_url("redis://cache.internal:6379/1", "/unused")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://cache.internal:6379/1"
    assert config["OPTIONS"]["socket_timeout"] <= 1  # a silent Redis cannot hang a request


def test_without_a_cache_url_the_cache_is_the_file_cache_of_make_run(tmp_path):
    config = cache_from_url("", str(tmp_path))
    assert config == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path),
    }


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "redis:/x", "file://relative"])
def test_an_unknown_cache_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url(url, "/unused")


def test_the_settings_refuse_to_start_with_a_bad_cache_url():
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="nemuro_strategy.settings",
        SECRET_KEY="x" * 50,
        CACHE_URL="memcache://127.0.0.1",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "CACHE_URL" in done.stderr


@pytest.fixture
def redis_cache(redis_url):
    with override_settings(CACHES={"default": cache_from_url(redis_url, "")}):
        cache.clear()
        yield cache
        cache.clear()


def test_public_pages_are_stored_in_and_invalidated_through_redis(client, nemuro, redis_cache):
    assert isinstance(caches["default"], RedisCache)
    assert client.get(INDICATOR)["X-Page-Cache"] == "miss"
    assert client.get(INDICATOR)["X-Page-Cache"] == "hit"
    result = Achievement.objects.get(indicator__code="G1-1", fiscal_year__year=2016)
    result.value = Decimal("1.87")
    result.save()
    again = client.get(INDICATOR)
    assert again["X-Page-Cache"] == "miss" and "1.87" in again.content.decode()
