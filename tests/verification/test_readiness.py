"""The readiness check before a year is published (verification.selectors.publication) and the
service that enforces it (fiscal_year_publish): it lists departments not accepted (when the year
had a call), indicators without a result, measures without an internal verdict and goals without
a panel verdict; publishing needs a confirmation, and a reason when anything is missing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kpi.models import Achievement, Indicator
from strategy.models import BasicGoal, FiscalYear, Measure
from tests.factory import grow_strategy
from verification.models import (
    DataCall,
    DepartmentSubmission,
    InternalReview,
    PanelReview,
    SubmissionStatus,
    YearPublication,
)
from verification.selectors.publication import publication_readiness
from verification.services import fiscal_year_publish

SLUG = "nemuro-sousei-2015"


def h29(nemuro) -> FiscalYear:
    return FiscalYear.objects.get(strategy=nemuro, year=2017)


def complete(nemuro, fiscal_year) -> None:
    """Everything H29 needs: a result (集計中 counts) for every indicator in force, an internal
    verdict for every measure, a panel verdict for every goal."""
    for indicator in Indicator.objects.filter(strategy=nemuro).in_force_in_year(nemuro, 2017):
        Achievement.objects.create(
            indicator=indicator, fiscal_year=fiscal_year, state=Achievement.State.AGGREGATING
        )
    for measure in Measure.objects.filter(strategy=nemuro).in_force_in_year(nemuro, 2017):
        InternalReview.objects.create(measure=measure, fiscal_year=fiscal_year, grade="B")
    for goal in BasicGoal.objects.filter(strategy=nemuro).in_force_in_year(nemuro, 2017):
        PanelReview.objects.create(goal=goal, fiscal_year=fiscal_year, grade="B")


def codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_an_untouched_year_lists_every_gap_and_no_department_without_a_call(nemuro):
    readiness = publication_readiness(nemuro, h29(nemuro))
    assert readiness.call is None and readiness.departments_not_accepted == []
    assert readiness.indicator_count == len(readiness.empty_indicators) > 0
    assert readiness.measure_count == len(readiness.measures_without_internal) > 0
    assert [g.number for g in readiness.goals_without_panel] == [1, 2, 3]
    assert readiness.has_gaps
    # in the tree order, like the report
    assert readiness.empty_indicators[0].code == "G1-1"
    assert "実績が未入力の指標" in readiness.gap_summary()


def test_a_complete_year_has_no_gap_and_publishes_with_the_confirmation_alone(nemuro, secretariat):
    fiscal_year = h29(nemuro)
    complete(nemuro, fiscal_year)
    readiness = publication_readiness(nemuro, fiscal_year)
    assert not readiness.has_gaps
    assert readiness.pending_indicators == readiness.indicator_count  # 集計中 is not a gap
    record = fiscal_year_publish(fiscal_year=fiscal_year, user=secretariat, confirmed=True)
    assert record.reason == "" and h29(nemuro).published_at is not None


def test_a_call_adds_the_departments_not_accepted(nemuro, nemuro_departments, secretariat):
    first, second = nemuro_departments
    fiscal_year = h29(nemuro)
    complete(nemuro, fiscal_year)
    call = DataCall.objects.create(
        fiscal_year=fiscal_year, deadline=timezone.localdate(), opened_by=secretariat
    )
    DepartmentSubmission.objects.create(call=call, department=first, status="accepted")
    DepartmentSubmission.objects.create(call=call, department=second, status="submitted")
    readiness = publication_readiness(nemuro, fiscal_year)
    assert readiness.departments_not_accepted == [("第二課", "提出済")]
    assert readiness.has_gaps and readiness.gap_summary() == "確認済でない担当課 1"
    DepartmentSubmission.objects.filter(department=second).update(status=SubmissionStatus.ACCEPTED)
    assert not publication_readiness(nemuro, fiscal_year).has_gaps


def test_the_service_refuses_without_confirmation_and_gaps_without_a_reason(nemuro, secretariat):
    fiscal_year = h29(nemuro)
    with pytest.raises(ValidationError) as caught:
        fiscal_year_publish(fiscal_year=fiscal_year, user=secretariat, reason="速報")
    assert codes(caught.value) == {"confirmation_required"}
    assert caught.value.message_dict["confirmed"] == [
        "公表前の確認結果を確かめ、確認欄にチェックを入れてください。"
    ]
    with pytest.raises(ValidationError) as caught:
        fiscal_year_publish(fiscal_year=fiscal_year, user=secretariat, confirmed=True, reason=" ")
    assert codes(caught.value) == {"reason_required"}
    [message] = caught.value.message_dict["reason"]
    assert message.startswith("確認結果に不足があります（実績が未入力の指標")
    assert message.endswith("このまま公表する場合は理由を入力してください。")
    assert h29(nemuro).published_at is None
    assert not YearPublication.objects.filter(fiscal_year=fiscal_year).exists()
    record = fiscal_year_publish(
        fiscal_year=fiscal_year, user=secretariat, confirmed=True, reason=" 速報として公表 "
    )
    assert record.reason == "速報として公表"


@pytest.mark.parametrize("role", ["department", "panel_member"])
def test_only_the_secretariat_sees_the_readiness_check(request, client, nemuro, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("staff:publication_check", kwargs={"slug": SLUG, "year": 2017})
    assert client.get(url).status_code == 403


def test_the_check_page_shows_the_gaps_with_labels_and_a_required_confirmation(
    client, nemuro, secretariat
):
    client.force_login(secretariat)
    url = reverse("staff:publication_check", kwargs={"slug": SLUG, "year": 2017})
    html = client.get(url).content.decode()
    assert "<h1>平成29年度の公表前の確認</h1>" in html
    assert "この年度の照会はありません" in html
    assert (
        '<label for="id_confirmed">上の確認結果を確認したうえで公表します（必須）</label>' in html
    )
    assert '<label for="id_reason">未確認の項目があるまま公表する理由（必須）</label>' in html
    assert "G1-1 合計特殊出生率" in html
    published = reverse("staff:publication_check", kwargs={"slug": SLUG, "year": 2016})
    assert "既に公表されています" in client.get(published).content.decode()


def test_the_check_page_runs_the_same_queries_whatever_the_data_size(
    client, nemuro, secretariat, nemuro_departments, warm_caches
):
    client.force_login(secretariat)
    DataCall.objects.create(fiscal_year=h29(nemuro), deadline=timezone.localdate())
    url = reverse("staff:publication_check", kwargs={"slug": SLUG, "year": 2017})

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    grow_strategy(nemuro, 25)
    # session, user, the user's and the roles' permissions (2, staff_required), memberships,
    # strategy, the year, its call, the adopted revisions, indicators, results, measures,
    # internal verdicts, goals, panel verdicts, the call's submissions, the departments
    assert small == count() == 17
