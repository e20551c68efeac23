"""内部検証結果の入力 (事務局): the rules of a verdict, the service that records it, and the reads
of the year page and the entry page. The reference grade comes from verification.grading."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from strategy.models import BasicGoal, FiscalYear, Measure, Revision, Strategy
from strategy.revisions import as_of

from .grading import ReferenceGrade, measure_evidence, reference_grades_for_year
from .models import Grade, InternalReview

ISSUES_REQUIRED = gettext_noop("C・D の場合は今後の課題と対応方向を入力してください。")
REASON_REQUIRED = gettext_noop(
    "参考評価（%(reference)s）と異なる評価にする理由を入力してください。"
)


def review_errors(
    *, grade: str, issues: str, departure_reason: str, reference: str | None
) -> dict[str, ValidationError]:
    """The rules of an internal verdict as field errors (empty when it may be saved): C and D
    need 今後の課題と対応方向; a grade other than the reference grade needs a reason (none is
    asked for when there is no reference grade)."""
    errors = {}
    if grade in (Grade.C, Grade.D) and not issues.strip():
        errors["issues"] = ValidationError(_(ISSUES_REQUIRED), code="issues_required")
    if reference and grade and grade != reference and not departure_reason.strip():
        errors["departure_reason"] = ValidationError(
            _(REASON_REQUIRED), code="reason_required", params={"reference": reference}
        )
    return errors


@transaction.atomic
def internal_review_record(
    *,
    measure: Measure,
    fiscal_year: FiscalYear,
    grade: str,
    issues: str,
    departure_reason: str = "",
    user=None,
) -> InternalReview:
    """Record the 推進本部's verdict on a measure for a year: create or update its one review,
    store the reference grade computed now (as of that year, unpublished results included),
    check the rules and the model, and record `user` in the history."""
    reference = measure_evidence(measure, fiscal_year)[1].grade
    issues, departure_reason = issues.strip(), departure_reason.strip()
    errors = review_errors(
        grade=grade, issues=issues, departure_reason=departure_reason, reference=reference
    )
    if errors:
        raise ValidationError(errors)
    review = InternalReview.objects.select_for_update().filter(
        measure=measure, fiscal_year=fiscal_year
    ).first() or InternalReview(measure=measure, fiscal_year=fiscal_year)
    review.grade = grade
    review.issues = issues
    review.departure_reason = departure_reason
    review.reference_grade = reference or ""
    review._history_user = user
    review.full_clean()
    review.save()
    return review


def _revision(strategy: Strategy, year: int) -> Revision:
    try:
        return strategy.revision_for_year(year)
    except Revision.DoesNotExist as error:
        raise Http404(_("この年度に効力のある版がありません。")) from error


@dataclass
class MeasureLine:
    """One line of the year page: a measure, its reference grade and the verdict so far."""

    measure: Measure
    reference: ReferenceGrade
    review: InternalReview | None

    @property
    def differs(self) -> bool:
        """The verdict is not the reference grade computed now."""
        return bool(
            self.review and self.reference.grade and self.review.grade != self.reference.grade
        )


@dataclass
class GoalLine:
    goal: BasicGoal
    reference: ReferenceGrade


def review_year_page(strategy: Strategy, fiscal_year: FiscalYear) -> dict:
    """Every measure in force in the year with its reference grade and current verdict, and each
    goal's reference grade. Queries: reference_grades_for_year (8), the measures' wording at the
    year's revision (1), the year's verdicts (1)."""
    try:
        grades = reference_grades_for_year(strategy, fiscal_year.year)
    except Revision.DoesNotExist as error:
        raise Http404(_("この年度に効力のある版がありません。")) from error
    reviews = {r.measure_id: r for r in InternalReview.objects.filter(fiscal_year=fiscal_year)}
    measures = as_of(grades.measures, grades.revision)
    return {
        "revision": grades.revision,
        "lines": [MeasureLine(m, grades.by_measure[m.pk], reviews.get(m.pk)) for m in measures],
        "goals": [GoalLine(g, grades.by_goal[g.pk]) for g in grades.goals],
    }


def review_entry_page(strategy: Strategy, fiscal_year: FiscalYear, code: str) -> dict:
    """One measure in force in the year (404 otherwise) worded as it stood then, its KPI rows up
    to that year (unpublished included), its reference grade, its verdict and the verdict's
    history. Queries: revision (1), measure (1), wording (1), measure_evidence without the
    revision (5), the verdict (1), its history (1)."""
    revision = _revision(strategy, fiscal_year.year)
    found = (
        Measure.objects.filter(strategy=strategy, code=code)
        .in_force_at(revision)
        .select_related("strategy", "policy", "policy__goal")
        .first()
    )
    if found is None:
        raise Http404(_("この年度の施策の基本的方向が見つかりません。"))
    (measure,) = as_of([found], revision)
    rows, reference = measure_evidence(found, fiscal_year.year, revision=revision)
    review = InternalReview.objects.filter(measure=found, fiscal_year=fiscal_year).first()
    history = (
        list(review.history.select_related("history_user").order_by("-history_date")[:20])
        if review
        else []
    )
    return {
        "revision": revision,
        "measure": measure,
        "rows": rows,
        "reference": reference,
        "review": review,
        "history": history,
    }
