"""Shared set-up: the seed documents are loaded once per test session, after migrations, so every
test starts from the transcribed data (each test's own writes are rolled back)."""

from pathlib import Path

import pytest

from strategy.models import Strategy
from strategy.seeding import seed_load

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
NEMURO = "nemuro-sousei-2015"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_load()


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
