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


def test_every_constraint_names_its_error_code():
    from django.apps import apps

    for model in apps.get_app_config("verification").get_models():
        for constraint in model._meta.constraints:
            assert constraint.violation_error_code, (model._meta.label, constraint.name)
            assert constraint.violation_error_message, (model._meta.label, constraint.name)


def codes_of(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_a_duplicate_verdict_or_grade_definition_is_refused_with_its_code(nemuro, measure):
    from verification.models import GradeDefinition

    h27 = FiscalYear.objects.get(strategy=nemuro, year=2015)
    with pytest.raises(ValidationError) as caught:
        InternalReview(measure=measure, fiscal_year=h27, grade="A").full_clean()
    assert codes_of(caught.value) == {"internal_review_exists"}
    definition = GradeDefinition.objects.filter(strategy=nemuro).first()
    duplicate = GradeDefinition(strategy=nemuro, grade=definition.grade, label="x", description="y")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert codes_of(caught.value) == {"grade_definition_exists"}
    assert "この総合戦略のこの検証基準は既に登録されています。" in str(caught.value)


def test_a_withdrawal_without_a_reason_and_unordered_thresholds_are_refused_with_their_codes(
    nemuro,
):
    from verification.models import GradingPolicy, YearPublication

    h27 = FiscalYear.objects.get(strategy=nemuro, year=2015)
    withdrawal = YearPublication(fiscal_year=h27, action=YearPublication.Action.WITHDRAW)
    with pytest.raises(ValidationError) as caught:
        withdrawal.full_clean()
    assert codes_of(caught.value) == {"reason_required"}
    policy = GradingPolicy(strategy=nemuro, a_min=1, b_min=2, c_min=0)
    with pytest.raises(ValidationError) as caught:
        policy.full_clean(validate_unique=False)
    assert codes_of(caught.value) == {"thresholds_unordered"}
