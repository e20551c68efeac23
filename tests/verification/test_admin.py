"""The verification admin changelists run a fixed number of queries, whatever the number of rows:
pinned as the secretariat (a superuser) sees them, on the seeded data and again after more rows
(two more strategies with every kind of verification row) — like the public pages."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strategy.models import BasicGoal, FiscalYear, Measure
from tests.factory import make_strategy, make_tree
from tests.verification.data_call_rows import add_data_call_rows
from verification.models import (
    Grade,
    GradeDefinition,
    GradingPolicy,
    InternalReview,
    PanelDraft,
    PanelOpinion,
    PanelReview,
    VerificationReport,
    YearPublication,
)

# Each changelist as a superuser: the session (1), the user (1), the paginator's count (1), the
# count without filters (1, the admin's show_full_result_count), the page's rows with their related
# rows in the same query (1), and one query per list filter that reads its choices from the
# database (related rows or distinct values).
PINNED = {
    # + the strategy filter's strategies
    "verification.gradedefinition": 6,
    # + the filters' distinct years and goal numbers
    "verification.internalreview": 7,
    "verification.panelreview": 7,
    "verification.panelopinion": 7,
    "verification.paneldraft": 7,
    # + the filter's distinct years
    "verification.yearpublication": 6,
    "verification.verificationreport": 5,
    "verification.gradingpolicy": 5,
    "verification.datacall": 5,
    "verification.departmentsubmission": 5,
    "verification.submissiontransition": 5,
    "verification.reminderlog": 5,
}


@pytest.fixture
def superuser_client(client, db, warm_caches):
    user = get_user_model().objects.create_superuser("kanri", "k@example.invalid", "pw-secret-123")
    client.force_login(user)
    return client


def changelist(client, label: str) -> tuple[int, int]:
    """(queries, rows listed) of the changelist of `label`, opened the second time (the first
    fills the caches every later visit finds filled)."""
    model = apps.get_model(label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


def add_verification_rows(index: int) -> None:
    """A strategy (factory) with every kind of verification row: 検証基準 A–D, a grading policy,
    for each of its five years an internal and a panel verdict with three 意見等, two members'
    drafts, a report, and a publication and withdrawal."""
    strategy = make_strategy(code=f"0110{index:02d}", slug=f"city-{index}", name=f"市{index}")
    make_tree(strategy)
    goal = BasicGoal.objects.get(strategy=strategy)
    measure = Measure.objects.get(strategy=strategy)
    members = [
        get_user_model().objects.create_user(f"member-{index}-{n}", password="x") for n in (1, 2)
    ]
    GradingPolicy.objects.create(strategy=strategy)
    for grade in Grade.values:
        GradeDefinition.objects.create(
            strategy=strategy, grade=grade, label=grade, description=f"{grade} の考え方"
        )
    years = list(FiscalYear.objects.for_strategy(strategy))
    for fiscal_year in years:
        InternalReview.objects.create(measure=measure, fiscal_year=fiscal_year, grade="B")
        review = PanelReview.objects.create(goal=goal, fiscal_year=fiscal_year, grade="A")
        for position in (1, 2, 3):
            PanelOpinion.objects.create(review=review, position=position, text=f"意見{position}")
        for author in members:
            PanelDraft.objects.create(goal=goal, fiscal_year=fiscal_year, author=author, grade="C")
        VerificationReport.objects.create(
            fiscal_year=fiscal_year,
            title=f"{fiscal_year.long_label} 効果検証調書",
            output_period_start=years[0],
            output_period_end=fiscal_year,
        )
        YearPublication.objects.create(
            fiscal_year=fiscal_year, action=YearPublication.Action.PUBLISH, user=members[0]
        )
        YearPublication.objects.create(
            fiscal_year=fiscal_year,
            action=YearPublication.Action.WITHDRAW,
            reason="訂正のため",
        )
    add_data_call_rows(strategy, members[0])


def test_every_verification_changelist_is_pinned():
    registered = {
        model._meta.label_lower
        for model in admin.site._registry
        if model._meta.app_label == "verification"
    }
    assert registered == set(PINNED)


@pytest.mark.parametrize("label", sorted(PINNED))
def test_a_changelist_runs_the_same_number_of_queries_whatever_the_number_of_rows(
    superuser_client, label
):
    queries, seeded_rows = changelist(superuser_client, label)
    assert queries == PINNED[label]

    add_verification_rows(1)
    add_verification_rows(2)

    queries, rows = changelist(superuser_client, label)
    assert rows > seeded_rows
    assert queries == PINNED[label]
