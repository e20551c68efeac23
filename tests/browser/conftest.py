"""Browser tests: a live server driven by Playwright in the system Chromium.

``live_server`` makes every test here transactional: the database is flushed after each one, so
the session-seeded data and the role groups of the data migration are gone. Each browser test
therefore re-seeds at its start (``sync_roles()`` + ``seed_load()``, both idempotent), the browser
tests are moved to the end of the run, and should any other test follow a browser test anyway,
the database is re-seeded for it.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + Django ORM

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
SLUG = "nemuro-sousei-2015"
PASSWORD = "correct-horse-battery-9"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_tool(*paths_or_commands: str | Path) -> str | None:
    """The first tool not present (a path or a command), else None. With CI=true the tests fail
    instead of skipping: nothing here may be skipped in CI."""
    for tool in paths_or_commands:
        present = Path(tool).exists() if isinstance(tool, Path) or "/" in str(tool) else None
        if present is None:
            present = shutil.which(str(tool)) is not None
        if not present:
            return str(tool)
    return None


def require(*tools: str | Path) -> None:
    tool = missing_tool(*tools)
    if tool is None:
        return
    message = f"{tool} is missing: run `.venv/bin/python scripts/install_test_tools.py`"
    if CI:
        pytest.fail(message + " (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


def _is_browser(item) -> bool:
    return item.get_closest_marker("browser") is not None


def pytest_collection_modifyitems(session, config, items):
    """Run the browser tests last: each flushes the database when it ends."""
    items.sort(key=_is_browser)  # stable: keeps the order within each group


def _reseed() -> None:
    from django.contrib.contenttypes.models import ContentType

    from nemuro_strategy.data.seeding import seed_load
    from strategy.roles import sync_roles

    ContentType.objects.clear_cache()  # a flush recreates content types with new ids
    sync_roles()
    seed_load()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _is_browser(item) and nextitem is not None and not _is_browser(nextitem):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _reseed()


@pytest.fixture
def seeded(live_server):
    """The seed data and the roles, present again after the previous browser test's flush."""
    _reseed()
    return live_server


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("playwright (pip)")
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh contexts (one per user); a failing test saves a screenshot of each.
    The site's Content-Security-Policy is enforced (never bypassed): a test fails when the browser
    reports that the policy refused anything (an inline script or style, a foreign source)."""
    contexts = []
    refused = []

    def make():
        context = browser.new_context(accept_downloads=True, locale="ja-JP")
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                name = f"{request.node.name}-{number}-{index}.png"
                try:
                    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
                except Exception:  # noqa: BLE001 - a screenshot must not hide the failure
                    pass
    for context in contexts:
        context.close()
    assert not refused, "Content-Security-Policy violations:\n" + "\n".join(refused)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def make_user(seeded):
    def make(role: str, username: str, departments=None):
        """A user holding `role` in Nemuro; a 担当課 member works in `departments` (by default a
        department that owns every indicator)."""
        from django.contrib.auth import get_user_model

        from strategy.models import Membership, Municipality
        from strategy.roles import ADMIN_ROLES
        from tests.conftest import department_owning_everything

        user = get_user_model().objects.create_user(
            username, password=PASSWORD, is_staff=role in ADMIN_ROLES
        )
        membership = Membership.objects.create(
            user=user, municipality=Municipality.objects.get(code="012238"), role=role
        )
        if role == "担当課":
            membership.departments.set(
                departments if departments is not None else [department_owning_everything()]
            )
        return user

    return make


def login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("ログイン名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
