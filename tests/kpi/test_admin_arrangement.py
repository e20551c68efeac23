"""The admin is arranged for the yearly work: results filtered by year, goal, measure and state,
searched by indicator, with the change from the previous year and the progress on the list, and
each result's 履歴 page showing who changed what."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.factory import grow_strategy

CHANGELIST = reverse("admin:kpi_achievement_changelist")


@pytest.fixture
def admin_client_as_secretariat(as_user, secretariat):
    return as_user(secretariat)


def row_of(html: str, label: str) -> str:
    """The changelist row whose checkbox is labelled `label` (「G1-1 H27」)."""
    start = html.index(f'オブジェクトを選択 - {label}"')
    return html[start : html.index("</tr>", start)]


def results_on(response) -> list[Achievement]:
    return list(response.context["cl"].result_list)


def test_the_list_shows_the_change_from_the_baseline_for_the_first_year(
    admin_client_as_secretariat, nemuro
):
    html = admin_client_as_secretariat.get(CHANGELIST).content.decode()
    assert "前年度からの変化" in html and "達成度" in html
    # 合計特殊出生率: 1.37 at 策定時 (H23), 1.53 in H27 (H25 数値), 1.53 again in H28
    assert '<td class="field-change_from_previous">(0.16↑)</td>' in row_of(html, "G1-1 H27")
    assert '<td class="field-change_from_previous">(→)</td>' in row_of(html, "G1-1 H28")
    # 年少人口割合 11.3% → 11.0%
    assert '<td class="field-change_from_previous">(0.3↓)</td>' in row_of(html, "G1-2 H28")


def test_the_list_shows_the_progress_as_of_each_rows_year(admin_client_as_secretariat, nemuro):
    html = admin_client_as_secretariat.get(CHANGELIST).content.decode()
    g11 = Indicator.objects.get(strategy=nemuro, code="G1-1")
    expected = (Decimal("1.53") - g11.baseline_value) / (g11.target_value - g11.baseline_value)
    assert f'<td class="field-progress">{expected * 100:.1f}%（順調）</td>' in row_of(
        html, "G1-1 H27"
    )


def test_a_cumulative_target_shows_no_yearly_change_and_its_running_total_progress(
    admin_client_as_secretariat, nemuro
):
    # ふるさと納税 寄附受納額 under 3イ②, before the 2017 revision moved it to 3ウ① and raised its
    # target: 5年で総額10億円増加, 33.1億円 in H28, 累計46.0億円
    response = admin_client_as_secretariat.get(CHANGELIST, {"q": "3イ②-2"})
    [h28] = [a for a in results_on(response) if a.fiscal_year.year == 2016]
    html = response.content.decode()
    row = row_of(html, str(h28))
    assert '<td class="field-change_from_previous">-</td>' in row
    assert '<td class="field-progress">460.0%（順調）</td>' in row  # the 累計, not 33.1
    assert '<td class="field-shown_cumulative">46.0億円</td>' in row


def test_the_list_filters_by_year_goal_measure_and_state(admin_client_as_secretariat, nemuro):
    client = admin_client_as_secretariat
    h27 = results_on(client.get(CHANGELIST, {"fiscal_year__year": "2015"}))
    assert len(h27) == 25 and {a.fiscal_year.year for a in h27} == {2015}
    goal3 = results_on(client.get(CHANGELIST, {"indicator__goal__number": "3"}))
    assert goal3 and {a.indicator.goal.number for a in goal3} == {3}
    measure = Indicator.objects.get(strategy=nemuro, code="3イ②-2").measure
    by_measure = results_on(client.get(CHANGELIST, {"indicator__measure__id__exact": measure.pk}))
    assert by_measure and {a.indicator.measure_id for a in by_measure} == {measure.pk}
    pending = results_on(client.get(CHANGELIST, {"state__exact": "aggregating"}))
    assert {a.state for a in pending} == {"aggregating"}
    html = client.get(CHANGELIST).content.decode()
    assert "H27（2015年度）" in html and "基本目標3" in html


def test_results_are_found_by_indicator_name_or_code(admin_client_as_secretariat, nemuro):
    by_name = results_on(admin_client_as_secretariat.get(CHANGELIST, {"q": "合計特殊出生率"}))
    assert {a.indicator.code for a in by_name} == {"G1-1"} and len(by_name) == 2
    by_code = results_on(admin_client_as_secretariat.get(CHANGELIST, {"q": "G1-2"}))
    assert {a.indicator.code for a in by_code} == {"G1-2"}


def test_the_indicator_list_filters_by_goal_measure_kind_and_revision(
    admin_client_as_secretariat, nemuro
):
    url = reverse("admin:kpi_indicator_changelist")
    client = admin_client_as_secretariat
    goal1 = list(client.get(url, {"goal__number": "1"}).context["cl"].result_list)
    assert goal1 and {i.goal.number for i in goal1} == {1}
    cumulative = list(client.get(url, {"kind__exact": "cumulative"}).context["cl"].result_list)
    assert cumulative and {i.kind for i in cumulative} == {"cumulative"}
    revised = nemuro.revisions.get(sequence=2)
    retired = list(client.get(url, {"retired_in__id__exact": revised.pk}).context["cl"].result_list)
    assert {i.code for i in retired} >= {"3イ②-2", "3イ②-3"}
    html = client.get(url).content.decode()
    assert "施策の基本的方向" in html and "目標の種類" in html and "廃止した版" in html


def test_the_result_list_runs_the_same_number_of_queries_whatever_the_data_size(
    admin_client_as_secretariat, nemuro, warm_caches
):
    with CaptureQueriesContext(connection) as small:
        assert admin_client_as_secretariat.get(CHANGELIST).status_code == 200
    grow_strategy(nemuro, 25)  # 150 more results: a full page of 100
    with CaptureQueriesContext(connection) as large:
        assert admin_client_as_secretariat.get(CHANGELIST).status_code == 200
    # session, user, the user's and the groups' permissions, the user's memberships (the rows of
    # their municipality), the year, goal and measure filters, the filtered and the total count,
    # the page of results, the indicator chains, the results of the page's indicators
    assert len(small) == len(large) == 13, [q["sql"][:80] for q in large.captured_queries]


def test_a_change_made_in_the_admin_is_on_the_results_history_page_with_its_user(
    admin_client_as_secretariat, secretariat, nemuro
):
    secretariat.first_name = "根室花子"
    secretariat.save()
    # H28 is published (its results change only through a correction): reopen it for this test
    FiscalYear.objects.filter(strategy=nemuro, year=2016).update(published_at=None)
    result = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2016
    )
    form = {
        "indicator": result.indicator_id,
        "fiscal_year": result.fiscal_year_id,
        "state": "recorded",
        "value": "1.56",
        "cumulative": "",
        "note": "H26 数値（確定値）",
        "data_year": "2014",
        "text": "",
    }
    response = admin_client_as_secretariat.post(
        reverse("admin:kpi_achievement_change", args=[result.pk]), form
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    result.refresh_from_db()
    assert result.value == Decimal("1.56")
    assert result.history.first().history_user == secretariat

    history = admin_client_as_secretariat.get(
        reverse("admin:kpi_achievement_history", args=[result.pk])
    )
    assert history.status_code == 200
    html = history.content.decode()
    assert "jimukyoku" in html  # the user who made the change
    assert "<strong>実績値:</strong>\n                    1.53" in html
    assert "&rarr;&nbsp;&nbsp;1.56" in html
    assert "H26 数値（確定値）" in html


def test_the_history_page_names_states_by_their_label(
    admin_client_as_secretariat, secretariat, nemuro
):
    result = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2016
    )
    result.state, result.value, result.note = "aggregating", None, ""
    result._history_user = secretariat
    result.save()
    html = admin_client_as_secretariat.get(
        reverse("admin:kpi_achievement_history", args=[result.pk])
    ).content.decode()
    assert "実績あり" in html and "集計中" in html and "（空欄）" in html
    assert FiscalYear.objects.get(strategy=nemuro, year=2016).is_published
