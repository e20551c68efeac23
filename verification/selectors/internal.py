"""内部検証結果の入力 (事務局): the reads of the year page and of the entry page. The reference
grade comes from verification.grading; recording a verdict is verification.services'
``internal_review_record``."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from strategy.models import BasicGoal, FiscalYear, Measure, Strategy
from strategy.revisions import as_of
from strategy.selectors import revision_for_year_or_404

from ..grading import ReferenceGrade, measure_evidence, reference_grades_for_year
from ..models import InternalReview


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
    revision_for_year_or_404(strategy, fiscal_year.year)  # remembered on `strategy`
    grades = reference_grades_for_year(strategy, fiscal_year.year)
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
    revision = revision_for_year_or_404(strategy, fiscal_year.year)
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
