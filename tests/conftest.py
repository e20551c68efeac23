"""Shared set-up: the seed documents are loaded once per test session, after migrations, so every
test starts from the transcribed data (each test's own writes are rolled back)."""

from pathlib import Path

import pytest

from nemuro_strategy.data.seeding import seed_load
from strategy.models import Strategy

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
NEMURO = "nemuro-sousei-2015"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_load()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test's writes are rolled back without the commit
    that would invalidate the public pages it cached (nemuro_strategy.cache.pages)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def nemuro(db) -> Strategy:
    return Strategy.objects.get(slug=NEMURO)


@pytest.fixture(scope="session")
def report_text() -> str:
    """The H28 効果検証調書 excerpt (seed 000) as extracted."""
    return (SOURCES / "000_4da5df307f4704a2.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def strategy_text() -> str:
    """The revised strategy (seed 001) as extracted."""
    return (SOURCES / "001_092a267d93fd693b.txt").read_text(encoding="utf-8")


@pytest.fixture
def warm_caches(db):
    """Fill Django's ContentType cache so pinned query counts do not depend on test order."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())


NEMURO_CODE = "012238"


def _user_in(role: str, username: str, municipality_code: str = NEMURO_CODE):
    """A user holding `role` in the municipality (Nemuro unless told otherwise)."""
    from django.contrib.auth import get_user_model

    from strategy.models import Membership, Municipality
    from strategy.roles import ADMIN_ROLES

    user = get_user_model().objects.create_user(
        username, password="correct-horse-battery-9", is_staff=role in ADMIN_ROLES
    )
    Membership.objects.create(
        user=user, municipality=Municipality.objects.get(code=municipality_code), role=role
    )
    return user


@pytest.fixture
def secretariat(db):
    """事務局 (総合政策部) staff member."""
    return _user_in("事務局", "jimukyoku")


def department_owning_everything(name: str = "テスト担当課"):
    """A department of Nemuro (the seeds name none) that owns every measure and every 数値目標,
    so that its members enter every indicator, as the department staff of the tests always did."""
    from kpi.models import Indicator
    from strategy.models import Department, Measure, Municipality

    owner = Department.objects.create(
        municipality=Municipality.objects.get(code=NEMURO_CODE), name=name
    )
    Measure.objects.filter(strategy__slug=NEMURO).update(department=owner)
    Indicator.objects.filter(strategy__slug=NEMURO, measure=None).update(department=owner)
    return owner


@pytest.fixture
def department(db):
    """担当課 staff member who enters results (of a department that owns every indicator)."""
    user = _user_in("担当課", "tantouka")
    user.memberships.get().departments.add(department_owning_everything())
    return user


@pytest.fixture
def panel_member(db):
    """有識者会議 member."""
    return _user_in("有識者", "yushikisha")


@pytest.fixture
def as_user(client):
    """Log the test client in as the given user: ``as_user(department).get(...)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on a free loopback port for this test session (no persistence),
    stopped at the end. Installed from Debian by ``make tools`` (scripts/install_test_tools.py).
    Without it the shared-cache tests skip, unless CI=true: then they fail."""
    import os
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install -y redis-server; make tools)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + " — CI=true, so this is an error")
        pytest.skip(message)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail(f"redis-server did not start on port {port}")
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def other_strategy(db) -> Strategy:
    """A second municipality's strategy beside Nemuro's (synthetic, shaped like the seed)."""
    from nemuro_strategy.data.synthetic import strategies_generate

    (strategy,) = strategies_generate(count=1, seed=3, prefix="other")
    return Strategy.objects.with_municipality().get(pk=strategy.pk)


@pytest.fixture
def other_municipality(other_strategy):
    return other_strategy.municipality


@pytest.fixture
def nemuro_departments(db):
    """Two departments of Nemuro for the tests (the seeds name none): 第一課 owns goals 1 and 2's
    measures and 数値目標, 第二課 goal 3's."""
    from kpi.models import Indicator
    from strategy.models import Department, Measure, Municipality

    nemuro = Municipality.objects.get(code=NEMURO_CODE)
    first = Department.objects.create(municipality=nemuro, name="第一課", order=1)
    second = Department.objects.create(municipality=nemuro, name="第二課", order=2)
    measures = Measure.objects.filter(strategy__slug=NEMURO)
    measures.filter(policy__goal__number__in=[1, 2]).update(department=first)
    measures.filter(policy__goal__number=3).update(department=second)
    goal_level = Indicator.objects.filter(strategy__slug=NEMURO, measure=None)
    goal_level.filter(goal__number__in=[1, 2]).update(department=first)
    goal_level.filter(goal__number=3).update(department=second)
    return first, second


def member_of(user, *departments):
    """Put a department member in departments (their Nemuro membership)."""
    user.memberships.get().departments.set(departments)
    user.__dict__.pop("_memberships", None)
    return user


@pytest.fixture(autouse=True)
def _logins_carry_the_staff_marker(monkeypatch):
    """The test client's ``login``/``force_login`` skip the login view, which sets the signed
    staff marker that keeps logged-in users out of the public page cache
    (nemuro_strategy.cache.pages): give the client the same cookie a real login gets."""
    from django.test.client import ClientMixin

    from nemuro_strategy.cache import pages

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        self.cookies[pages.STAFF_MARKER] = pages.staff_marker_value()

    monkeypatch.setattr(ClientMixin, "_login", _login)
