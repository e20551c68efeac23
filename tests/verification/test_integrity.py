"""Verdicts: one per measure (internal) or goal (panel) per year, grade A–D only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from strategy.models import BasicGoal, FiscalYear, Measure
from verification.models import InternalReview, PanelReview


@pytest.fixture
def measure(nemuro) -> Measure:
    return Measure.objects.get(strategy=nemuro, code="1ア①")


def test_it_refuses_grade_e_in_the_database_and_in_validation(nemuro, measure):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    review = InternalReview(measure=measure, fiscal_year=h29, grade="E", issues="…")
    with pytest.raises(ValidationError) as caught:
        review.full_clean()
    assert "grade" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        InternalReview.objects.create(measure=measure, fiscal_year=h29, grade="E")
    goal = BasicGoal.objects.get(strategy=nemuro, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelReview.objects.create(goal=goal, fiscal_year=h29, grade="E")


def test_it_refuses_a_second_internal_review_for_the_same_measure_and_year(nemuro, measure):
    h27 = FiscalYear.objects.get(strategy=nemuro, year=2015)
    with pytest.raises(ValidationError) as caught:
        InternalReview(measure=measure, fiscal_year=h27, grade="A").full_clean()
    assert "この施策のこの年度の内部検証結果は既に登録されています。" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        InternalReview.objects.create(measure=measure, fiscal_year=h27, grade="A")
    assert InternalReview.objects.get(measure=measure, fiscal_year=h27).grade == "B"


def test_it_refuses_a_second_panel_review_for_the_same_goal_and_year(nemuro):
    goal = BasicGoal.objects.get(strategy=nemuro, number=3)
    h27 = FiscalYear.objects.get(strategy=nemuro, year=2015)
    with pytest.raises(ValidationError) as caught:
        PanelReview(goal=goal, fiscal_year=h27, grade="A").full_clean()
    assert "この基本目標のこの年度の検証結果は既に登録されています。" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelReview.objects.create(goal=goal, fiscal_year=h27, grade="A")
