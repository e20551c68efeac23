"""The secretariat publishes a fiscal year, or withdraws it with a reason, on the publication page;
until then nothing of that year reaches a public page, chart or download."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kpi.models import Achievement, Indicator
from strategy.models import BasicGoal, FiscalYear, Measure
from tests.factory import grow_strategy
from verification.models import InternalReview, PanelOpinion, PanelReview, YearPublication

SLUG = "nemuro-sousei-2015"
LIST_URL = reverse("staff:publication", kwargs={"slug": SLUG})


def publish_url(year: int) -> str:
    return reverse("staff:publish", kwargs={"slug": SLUG, "year": year})


def withdraw_url(year: int) -> str:
    return reverse("staff:withdraw", kwargs={"slug": SLUG, "year": year})


def year(strategy, value: int) -> FiscalYear:
    return FiscalYear.objects.get(strategy=strategy, year=value)


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def secretariat_client(as_user, secretariat):
    return as_user(secretariat)


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_every_year_with_its_state_what_it_holds_and_its_records(
    secretariat_client, nemuro
):
    response = secretariat_client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("平成27年度", "平成28年度", "平成29年度", "平成30年度", "平成31年度"):
        assert label in html
    years = {fy.year: fy for fy in response.context["years"]}
    assert [y for y, fy in years.items() if fy.is_published] == [2015, 2016]
    assert html.count("公表済み</span>") == 2 and html.count("未公表") == 3
    # H27: 25 results, 9 internal verdicts and the panel's verdicts on goals 1 and 3
    assert (years[2015].result_count, years[2015].internal_count) == (25, 9)
    assert years[2015].panel_count == 2
    assert (years[2017].result_count, years[2017].internal_count, years[2017].panel_count) == (
        0,
        0,
        0,
    )
    # the seed's publication records, made without a user
    assert "種データ（効果検証調書（H28）【案】）の対象年度" in html
    assert html.count("<td>種データ</td>") == 2
    # a link to the readiness check for each unpublished year, a withdrawal form with a label for
    # the others
    assert html.count("の公表前の確認へ</a>") == 3
    assert '<label for="id_reason_2016">H28の取り下げの理由（必須）</label>' in html
    assert 'id="id_reason_2016"' in html and "required" in html
    assert '<th scope="col">状態</th>' in html and "<caption>" in html


def test_the_list_runs_the_same_number_of_queries_whatever_the_data_size(
    secretariat_client, nemuro, warm_caches
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert secretariat_client.get(LIST_URL).status_code == 200
    grow_strategy(nemuro, 25)
    with CaptureQueriesContext(connection) as large:
        assert secretariat_client.get(LIST_URL).status_code == 200
    # session, user, the user's and the groups' permissions, strategy, years with their counts,
    # publication records with their users, the user's groups (header)
    assert len(small) == len(large) == 8, [q["sql"][:80] for q in large.captured_queries]


# --- Who may publish ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["department", "panel_member"])
def test_department_staff_and_panel_members_may_not_publish_or_withdraw(
    request, as_user, nemuro, role
):
    client = as_user(request.getfixturevalue(role))
    assert client.get(LIST_URL).status_code == 403
    assert client.post(publish_url(2017)).status_code == 403
    assert client.post(withdraw_url(2016), {"reason": "誤り"}).status_code == 403
    assert year(nemuro, 2017).published_at is None
    assert year(nemuro, 2016).published_at is not None
    assert not YearPublication.objects.filter(user__isnull=False).exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST_URL), ("post", publish_url(2017)), ("post", withdraw_url(2016))],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, nemuro, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert year(nemuro, 2017).published_at is None


def test_publish_and_withdraw_only_accept_post(secretariat_client, nemuro):
    assert secretariat_client.get(publish_url(2017)).status_code == 405
    assert secretariat_client.get(withdraw_url(2016)).status_code == 405


def test_a_year_outside_the_strategy_is_404(secretariat_client, nemuro):
    assert secretariat_client.post(publish_url(2020)).status_code == 404
    other = reverse("staff:publication", kwargs={"slug": "no-such"})
    assert secretariat_client.get(other).status_code == 404


# --- Publishing and withdrawing ----------------------------------------------------------------


PUBLISH_REASON = "H29は実績の集計途中だが、速報として公表する"
CONFIRMED = {"confirmed": "on", "reason": PUBLISH_REASON}  # H29 has gaps: a reason is needed


def test_publishing_a_year_records_who_did_it_and_says_so(secretariat_client, secretariat, nemuro):
    response = secretariat_client.post(publish_url(2017), CONFIRMED, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert shown_messages(response) == [
        "平成29年度を公表しました。実績と検証結果が公開ページに表示されます。"
    ]
    h29 = year(nemuro, 2017)
    assert h29.published_at is not None
    record = YearPublication.objects.get(fiscal_year=h29)
    assert (record.action, record.user, record.reason) == ("publish", secretariat, PUBLISH_REASON)
    html = response.content.decode()
    assert "<td>jimukyoku</td>" in html and "H29の公表を取り下げる" in html


def test_publishing_a_year_already_published_is_refused_with_the_services_message(
    secretariat_client, nemuro
):
    before = year(nemuro, 2015).published_at
    response = secretariat_client.post(publish_url(2015), follow=True)
    assert shown_messages(response) == ["平成27年度は既に公表されています。"]
    assert year(nemuro, 2015).published_at == before
    assert YearPublication.objects.filter(fiscal_year__strategy=nemuro).count() == 2


def test_withdrawing_a_year_records_the_reason_and_who_did_it(
    secretariat_client, secretariat, nemuro
):
    reason = "H28の実績値に転記誤りがあったため"
    response = secretariat_client.post(withdraw_url(2016), {"reason": reason}, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert shown_messages(response) == [
        "平成28年度の公表を取り下げました。実績と検証結果は公開ページに表示されません。"
    ]
    h28 = year(nemuro, 2016)
    assert h28.published_at is None
    record = h28.publications.first()
    assert (record.action, record.user, record.reason) == ("withdraw", secretariat, reason)
    assert reason in response.content.decode()


def test_a_withdrawal_without_a_reason_is_refused_and_keeps_what_was_typed(
    secretariat_client, nemuro
):
    typed = "\u3000\u3000"  # two ideographic spaces: no reason at all
    response = secretariat_client.post(withdraw_url(2016), {"reason": typed})
    assert response.status_code == 200  # shown again, not redirected
    html = response.content.decode()
    assert "取り下げの理由を入力してください。" in html
    assert f'aria-invalid="true" aria-describedby="id_reason_2016_error">{typed}</textarea>' in html
    assert year(nemuro, 2016).published_at is not None
    assert not YearPublication.objects.filter(action="withdraw").exists()
    # the other years' forms are empty and without an error
    assert (
        '<textarea name="reason" id="id_reason_2015" rows="2" cols="30" maxlength="2000" ' in html
    )
    assert html.count('role="alert"') == 1


def test_withdrawing_a_year_that_is_not_published_is_refused(secretariat_client, nemuro):
    response = secretariat_client.post(withdraw_url(2018), {"reason": "念のため"}, follow=True)
    assert shown_messages(response) == ["平成30年度は公表されていません。"]
    assert not YearPublication.objects.filter(action="withdraw").exists()


# --- The gate, end to end ----------------------------------------------------------------------

H29_ISSUES = "H29の内部検証（下書き）：相談体制の周知が課題"
H29_OPINION = "H29の付帯意見（下書き）：出生率の改善を継続して注視すること"
H29_BULLET = "H29の意見等（下書き）：子育て世帯への支援の周知"


def h29_drafts(nemuro):
    """An H29 result for 合計特殊出生率 (G1-1), an internal verdict for 1ア① and a panel verdict
    with an opinion for goal 1: entered, not yet published."""
    h29 = year(nemuro, 2017)
    Achievement.objects.create(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=h29,
        value=Decimal("1.77"),
        note="H27 数値",
        data_year=2015,
    )
    InternalReview.objects.create(
        measure=Measure.objects.get(strategy=nemuro, code="1ア①"),
        fiscal_year=h29,
        grade="A",
        issues=H29_ISSUES,
    )
    review = PanelReview.objects.create(
        goal=BasicGoal.objects.get(strategy=nemuro, number=1),
        fiscal_year=h29,
        grade="A",
        supplementary_opinion=H29_OPINION,
    )
    PanelOpinion.objects.create(review=review, position=1, text=H29_BULLET)


def public_view(public: Client) -> dict:
    """What a citizen sees of H29 on every public page, chart and download."""

    def get(name, **kwargs):
        response = public.get(reverse(name, kwargs={"slug": SLUG, **kwargs}))
        assert response.status_code == 200, name
        if getattr(response, "streaming", False):
            return response, b"".join(response.streaming_content).decode("utf-8-sig")
        return response, response.content

    top = get("strategy:top")[1].decode()
    goal = get("strategy:goal", number=1)[1].decode()
    measure = get("strategy:measure", code="1ア①")[1].decode()
    indicator = get("kpi:indicator", code="G1-1")[1].decode()
    indicator_csv = get("kpi:indicator_csv", code="G1-1")[1].decode("utf-8-sig")
    chart, png = get("kpi:indicator_chart", code="G1-1")
    opendata_csv = list(csv.DictReader(io.StringIO(get("kpi:opendata_csv")[1], newline="")))
    opendata_json = json.loads(get("kpi:opendata_json")[1], parse_float=str)
    return {
        "top": "（H29）" in top,
        "goal: result": "1.77" in goal,
        "goal: panel verdict": H29_OPINION in goal or H29_BULLET in goal,
        "measure: internal verdict": H29_ISSUES in measure,
        "indicator": "1.77" in indicator,
        "indicator csv": "1.77" in indicator_csv,
        "chart": (chart["ETag"], png),
        "open data csv": [r["実績値"] for r in opendata_csv if r["年度"] == "2017"],
        "open data json": [r["実績値"] for r in opendata_json["rows"] if r["年度"] == 2017],
    }


HIDDEN = {
    "top": False,
    "goal: result": False,
    "goal: panel verdict": False,
    "measure: internal verdict": False,
    "indicator": False,
    "indicator csv": False,
    "open data csv": [],
    "open data json": [],
}


def shown(view: dict) -> dict:
    return {key: value for key, value in view.items() if key in HIDDEN}


def test_an_h29_result_and_verdicts_reach_the_public_only_while_h29_is_published(
    secretariat_client, secretariat, nemuro
):
    cache.clear()
    public = Client()
    untouched = public_view(public)
    h29_drafts(nemuro)

    entered = public_view(public)
    assert shown(entered) == HIDDEN
    assert entered["chart"] == untouched["chart"]  # same ETag, same PNG bytes

    secretariat_client.post(publish_url(2017), CONFIRMED)
    published = public_view(public)
    assert {key: bool(value) for key, value in shown(published).items()} == dict.fromkeys(
        HIDDEN, True
    )
    assert "1.77" in published["open data csv"] and "1.77" in published["open data json"]
    assert len(published["open data csv"]) == 53  # every indicator gets an H29 row
    assert published["chart"][0] != untouched["chart"][0]
    assert published["chart"][1] != untouched["chart"][1]

    secretariat_client.post(withdraw_url(2017), {"reason": "有識者会議の確認前に公表したため"})
    withdrawn = public_view(public)
    assert shown(withdrawn) == HIDDEN
    assert withdrawn["chart"] == untouched["chart"]

    records = YearPublication.objects.filter(fiscal_year__year=2017, fiscal_year__strategy=nemuro)
    assert [(r.action, r.user, r.reason) for r in records] == [
        ("withdraw", secretariat, "有識者会議の確認前に公表したため"),
        ("publish", secretariat, PUBLISH_REASON),
    ]
