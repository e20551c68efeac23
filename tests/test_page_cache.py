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
    fiscal_year_publish(fiscal_year=h29, user=secretariat)
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
    before = page_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            Indicator.objects.filter(strategy=nemuro, code="G1-1").update(unit="人")
            during = page_cache.data_version()
            Indicator.objects.filter(strategy=nemuro, code="G1-2").update(unit="人")
    assert during != before
    assert [c.__name__ for c in callbacks] == ["bump_data_version"]
    assert page_cache.data_version() not in {before, during}


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


def test_a_request_with_a_session_cookie_is_always_rendered(client, nemuro):
    visit(client)
    client.cookies["sessionid"] = "not-a-session"
    response, queries = visit(client)
    assert "X-Page-Cache" not in response and queries > 0
