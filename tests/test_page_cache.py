"""The public page cache: a second anonymous visit is served without rendering, and any write to
what the pages show (an edit, a bulk update, a publication, a withdrawal) makes the next visit
render afresh; logged-in staff never read from it nor write to it."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.models import Achievement, Indicator
from nemuro_strategy.cache import pages as page_cache
from strategy.models import FiscalYear

pytestmark = pytest.mark.django_db
SLUG = "nemuro-sousei-2015"
INDICATOR = reverse("kpi:indicator", kwargs={"slug": SLUG, "code": "G1-1"})


def visit(client, url=INDICATOR):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("strategy:home"),
        reverse("strategy:top", kwargs={"slug": SLUG}),
        reverse("strategy:goal", kwargs={"slug": SLUG, "number": 1}),
        reverse("strategy:measure", kwargs={"slug": SLUG, "code": "1ア①"}),
        reverse("strategy:projects", kwargs={"slug": SLUG}) + "?page=2",
        reverse("strategy:revisions", kwargs={"slug": SLUG}),
        reverse("strategy:revision_tree", kwargs={"slug": SLUG, "sequence": 2}),
        INDICATOR,
        reverse("kpi:opendata", kwargs={"slug": SLUG}),
        reverse("verification:report_index", kwargs={"slug": SLUG}),
        reverse("verification:report", kwargs={"slug": SLUG, "year": 2016}),
    ],
)
def test_a_second_anonymous_visit_is_served_from_the_cache(client, nemuro, url):
    first, rendered = visit(client, url)
    second, served = visit(client, url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert rendered > served == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_each_query_string_is_a_page_of_its_own(client, nemuro):
    url = reverse("strategy:projects", kwargs={"slug": SLUG})
    one, _ = visit(client, url + "?page=1")
    two, _ = visit(client, url + "?page=2")
    assert two["X-Page-Cache"] == "miss" and one.content != two.content


def test_an_edited_result_is_shown_on_the_next_visit(client, nemuro):
    visit(client)
    result = Achievement.objects.get(indicator__code="G1-1", fiscal_year__year=2016)
    result.value = Decimal("1.87")
    result.save()
    response, queries = visit(client)
    assert response["X-Page-Cache"] == "miss" and queries >= 5
    assert "1.87" in response.content.decode()


def test_a_bulk_update_invalidates_as_well(client, nemuro):
    visit(client)
    Indicator.objects.filter(strategy=nemuro, code="G1-1").update(name="合計特殊出生率（改）")
    response, _ = visit(client)
    assert response["X-Page-Cache"] == "miss"
    assert "合計特殊出生率（改）" in response.content.decode()


def test_publication_and_withdrawal_change_the_next_visit(client, nemuro, secretariat):
    from verification.services import fiscal_year_publish, fiscal_year_withdraw

    Achievement.objects.create(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
        value=Decimal("1.91"),
    )
    before, _ = visit(client)
    assert "1.91" not in before.content.decode()  # 2017 is not published
    assert visit(client)[0]["X-Page-Cache"] == "hit"

    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    fiscal_year_publish(fiscal_year=h29, user=secretariat, confirmed=True, reason="速報のため")
    published, _ = visit(client)
    assert published["X-Page-Cache"] == "miss" and "1.91" in published.content.decode()
    assert visit(client)[0]["X-Page-Cache"] == "hit"

    fiscal_year_withdraw(fiscal_year=h29, user=secretariat, reason="数値の誤り")
    withdrawn, _ = visit(client)
    assert withdrawn["X-Page-Cache"] == "miss" and "1.91" not in withdrawn.content.decode()


def test_staff_neither_read_nor_fill_the_cache(client, nemuro, secretariat):
    report = reverse("verification:report", kwargs={"slug": SLUG, "year": 2017})
    client.force_login(secretariat)
    preview = client.get(report)  # an unpublished year, which staff may preview
    assert preview.status_code == 200 and "X-Page-Cache" not in preview
    assert "private" in preview["Cache-Control"]
    visit(client)
    assert "X-Page-Cache" not in client.get(INDICATOR)
    client.logout()
    assert client.get(report).status_code == 404  # the preview was not stored for the public
    assert client.get(INDICATOR)["X-Page-Cache"] == "miss"


def test_a_write_replaces_the_version_again_when_its_transaction_commits(
    nemuro, django_capture_on_commit_callbacks
):
    before = page_cache.page_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            Indicator.objects.filter(strategy=nemuro, code="G1-1").update(unit="人")
            during = page_cache.page_version()
            Indicator.objects.filter(strategy=nemuro, code="G1-2").update(unit="人")
    assert during != before
    assert [c.__name__ for c in callbacks] == ["bump_data_version"]
    assert page_cache.page_version() not in {before, during}


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('UPDATE "strategy_fiscalyear" SET "published_at" = NULL', True),
        ('INSERT INTO "kpi_achievement" ("value") VALUES (1)', True),
        ('DELETE FROM "verification_internalreview" WHERE 1', True),
        ("TRUNCATE strategy_project", True),
        ('INSERT INTO "kpi_historicalachievement" ("value") VALUES (1)', False),
        ('UPDATE "kpi_importjob" SET "status" = 1', False),
        ('UPDATE "django_session" SET "session_data" = 1', False),
        ('SELECT * FROM "kpi_achievement"', False),
    ],
)
def test_it_watches_writes_to_the_tables_public_pages_read(sql, watched):
    assert page_cache.is_watched(sql) is watched


def test_a_hit_keeps_the_headers_of_the_rendered_page(client, nemuro):
    first, _ = visit(client)
    second, _ = visit(client)
    assert second["X-Page-Cache"] == "hit"
    for name in ("Content-Type", "X-Frame-Options", "Content-Language"):
        assert second[name] == first[name], name
    assert "Set-Cookie" not in second


def test_a_cookie_that_authenticates_no_one_is_served_from_the_cache(client, nemuro):
    visit(client)
    client.cookies["sessionid"] = "not-a-session"
    client.cookies[page_cache.STAFF_MARKER] = "1:forged:signature"
    response, queries = visit(client)
    assert response["X-Page-Cache"] == "hit" and queries == 0


def test_a_login_sets_a_signed_marker_that_bypasses_the_cache_and_a_logout_removes_it(
    client, nemuro, secretariat
):
    visit(client)
    logged_in = client.post(
        reverse("login"), {"username": secretariat.username, "password": "correct-horse-battery-9"}
    )
    assert logged_in.status_code == 302
    marker = logged_in.cookies[page_cache.STAFF_MARKER]
    assert marker.value and marker["httponly"]
    staff_view = client.get(INDICATOR)
    assert "X-Page-Cache" not in staff_view and "private" in staff_view["Cache-Control"]

    logged_out = client.post(reverse("logout"))
    assert logged_out.cookies[page_cache.STAFF_MARKER].value == ""
    assert visit(client)[0]["X-Page-Cache"] == "hit"


def test_junk_query_parameters_make_no_new_entry(client, nemuro):
    first, _ = visit(client)
    for junk in ("?utm_source=x", "?a=1&b=2", "?_=123456789"):
        response, queries = visit(client, INDICATOR + junk)
        assert response["X-Page-Cache"] == "hit" and queries == 0, junk
        assert response.content == first.content


def test_the_parameters_a_page_reads_are_keyed_in_a_canonical_order(client, nemuro):
    url = reverse("strategy:projects", kwargs={"slug": SLUG})
    one, _ = visit(client, url + "?page=2&sort=project")
    two, queries = visit(client, url + "?sort=project&junk=1&page=2")
    assert two["X-Page-Cache"] == "hit" and queries == 0 and two.content == one.content
    filtered, _ = visit(client, url + "?q=%E5%A9%9A%E6%B4%BB&junk=1")
    assert filtered["X-Page-Cache"] == "miss"
    assert b"junk" not in filtered.content  # the view never saw the junk parameter


def test_each_version_holds_a_bounded_number_of_pages(client, nemuro, settings):
    settings.PUBLIC_PAGE_CACHE_MAX_ENTRIES = 3
    url = reverse("strategy:projects", kwargs={"slug": SLUG})
    stored = [visit(client, f"{url}?q=word{n}")[0].get("X-Page-Cache") for n in range(5)]
    assert stored == ["miss", "miss", "miss", None, None]
    assert visit(client, f"{url}?q=word0")[0]["X-Page-Cache"] == "hit"


def test_an_edit_of_one_strategy_leaves_the_other_strategies_pages_cached(client, nemuro):
    from strategy import data_version
    from tests.factory import make_strategy, make_tree

    other = make_strategy()
    make_tree(other)
    theirs = reverse("strategy:top", kwargs={"slug": other.slug})
    mine = reverse("strategy:top", kwargs={"slug": SLUG})
    listing = reverse("strategy:index")
    for url in (theirs, mine, listing, INDICATOR):
        visit(client, url)
        assert visit(client, url)[0]["X-Page-Cache"] == "hit"

    with data_version.writing(nemuro):
        Indicator.objects.filter(strategy=nemuro, code="G1-1").update(name="出生率（改）")

    assert visit(client, theirs)[0]["X-Page-Cache"] == "hit"
    assert visit(client, mine)[0]["X-Page-Cache"] == "miss"
    assert visit(client, listing)[0]["X-Page-Cache"] == "miss"
    changed, _ = visit(client, INDICATOR)
    assert changed["X-Page-Cache"] == "miss" and "出生率（改）" in changed.content.decode()


def test_a_write_through_a_staff_url_is_attributed_to_its_strategy(client, nemuro, secretariat):
    from tests.factory import make_strategy, make_tree

    other = make_strategy()
    make_tree(other)
    theirs = reverse("strategy:top", kwargs={"slug": other.slug})
    visit(client, theirs)
    visit(client)
    client.force_login(secretariat)
    response = client.post(
        reverse("staff:publish", kwargs={"slug": SLUG, "year": 2017}),
        {"confirmed": "on", "reason": "速報のため"},
    )
    assert response.status_code == 302
    assert FiscalYear.objects.get(strategy=nemuro, year=2017).published_at is not None
    client.logout()
    assert visit(client, theirs)[0]["X-Page-Cache"] == "hit"
    assert visit(client)[0]["X-Page-Cache"] == "miss"


def test_a_write_that_names_no_strategy_drops_every_strategys_pages(client, nemuro):
    from tests.factory import make_strategy, make_tree

    other = make_strategy()
    make_tree(other)
    theirs = reverse("strategy:top", kwargs={"slug": other.slug})
    visit(client, theirs)
    assert visit(client, theirs)[0]["X-Page-Cache"] == "hit"
    Indicator.objects.filter(strategy=nemuro, code="G1-1").update(unit="人")  # no writing()
    assert visit(client, theirs)[0]["X-Page-Cache"] == "miss"


def test_the_strategy_of_a_url_comes_from_its_path():
    assert page_cache.strategy_of_path("/s/nemuro-sousei-2015/goals/1/") == "nemuro-sousei-2015"
    assert page_cache.strategy_of_path("/staff/s/sapporo-2020/entry/") == "sapporo-2020"
    assert page_cache.strategy_of_path("/strategies/") is None
    assert page_cache.strategy_of_path("/admin/kpi/indicator/") is None
