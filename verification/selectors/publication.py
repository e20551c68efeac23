"""Reads of the year publication pages: every fiscal year of a strategy with what it holds and
its publication records (who published or withdrew it, when and why), and the readiness check of
one year before it is published (``publication_readiness``: what is still missing)."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kpi.models import Achievement
from strategy.models import (
    BasicGoal,
    Department,
    FiscalYear,
    Measure,
    Strategy,
    revision_in_force,
)

from ..models import (
    DataCall,
    DepartmentSubmission,
    InternalReview,
    PanelReview,
    SubmissionStatus,
    YearPublication,
)
from .changes import user_label
from .data_call import EMPTY, adopted_revisions, year_coverage

Status = SubmissionStatus


def _count_of(model) -> Coalesce:
    """A correlated count of `model` rows pointing at the outer fiscal year."""
    rows = (
        model.objects.filter(fiscal_year=OuterRef("pk"))
        .order_by()
        .values("fiscal_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def publication_years(strategy: Strategy) -> list[FiscalYear]:
    """Every fiscal year of `strategy`, in order, with how many results (``result_count``),
    internal verdicts (``internal_count``) and panel verdicts (``panel_count``) it holds, and its
    publication records (``records``, newest first, with their user).

    Queries: the years with their counts (1), the publication records with users (1)."""
    records = YearPublication.objects.select_related("user").order_by("-created_at", "-pk")
    return list(
        FiscalYear.objects.for_strategy(strategy)
        .annotate(
            result_count=_count_of(Achievement),
            internal_count=_count_of(InternalReview),
            panel_count=_count_of(PanelReview),
        )
        .prefetch_related(Prefetch("publications", queryset=records, to_attr="records"))
    )


def publication_records(years: list[FiscalYear]) -> list[YearPublication]:
    """The records of `years` (from ``publication_years``) in one list, newest first, each with
    ``user_label`` set (no queries)."""
    records = [record for fiscal_year in years for record in fiscal_year.records]
    for record in records:
        record.user_label = user_label(record.user)
    return sorted(records, key=lambda r: (r.created_at, r.pk), reverse=True)


# --- The readiness check before publishing a year --------------------------------------------------


@dataclass
class Readiness:
    """What is missing before `fiscal_year` is published. Gaps: departments whose submission is
    not 確認済 (only when the year had a data call), indicators in force without any result (a
    result 集計中・未集計 is not a gap: the report prints it so), measures without an internal
    verdict, goals without a panel verdict."""

    fiscal_year: FiscalYear
    call: DataCall | None = None
    departments_not_accepted: list[tuple[str, str]] = field(default_factory=list)
    empty_indicators: list = field(default_factory=list)
    pending_indicators: int = 0
    indicator_count: int = 0
    measures_without_internal: list = field(default_factory=list)
    measure_count: int = 0
    goals_without_panel: list = field(default_factory=list)
    goal_count: int = 0

    @property
    def has_gaps(self) -> bool:
        return bool(
            self.departments_not_accepted
            or self.empty_indicators
            or self.measures_without_internal
            or self.goals_without_panel
        )

    def gap_summary(self) -> str:
        """The gaps in one line, for the publication record and the service's messages."""
        parts = []
        if self.departments_not_accepted:
            parts.append(_("確認済でない担当課 %(n)s") % {"n": len(self.departments_not_accepted)})
        if self.empty_indicators:
            parts.append(_("実績が未入力の指標 %(n)s") % {"n": len(self.empty_indicators)})
        if self.measures_without_internal:
            parts.append(_("内部検証のない施策 %(n)s") % {"n": len(self.measures_without_internal)})
        if self.goals_without_panel:
            parts.append(
                _("有識者会議の検証のない基本目標 %(n)s") % {"n": len(self.goals_without_panel)}
            )
        return "、".join(parts)


def publication_readiness(strategy: Strategy, fiscal_year: FiscalYear) -> Readiness:
    """The readiness check of `fiscal_year` (see ``Readiness``), for the publication page and the
    service that publishes.

    Queries: the year's call (1), the adopted revisions (1), the indicators and the year's results
    (2, ``year_coverage``), the measures and goals in force (2), the year's internal and panel
    verdicts (2), and with a call, its submissions and the departments (2)."""
    readiness = Readiness(fiscal_year)
    readiness.call = DataCall.objects.filter(fiscal_year=fiscal_year).first()
    revisions = adopted_revisions(strategy)
    coverage = year_coverage(strategy, [fiscal_year], revisions)
    for entries in coverage.values():
        for entry in entries.entries:
            readiness.indicator_count += 1
            if entry.state == EMPTY:
                readiness.empty_indicators.append(entry.indicator)
            elif not entry.is_recorded:
                readiness.pending_indicators += 1
    readiness.empty_indicators.sort(key=lambda indicator: indicator.tree_index)
    revision = revision_in_force(revisions, fiscal_year.year)
    if revision is not None:
        measures = list(
            Measure.objects.filter(strategy=strategy).in_force_at(revision).in_tree_order()
        )
        reviewed = set(
            InternalReview.objects.filter(fiscal_year=fiscal_year).values_list(
                "measure_id", flat=True
            )
        )
        readiness.measure_count = len(measures)
        readiness.measures_without_internal = [m for m in measures if m.pk not in reviewed]
        goals = list(
            BasicGoal.objects.filter(strategy=strategy).in_force_at(revision).in_tree_order()
        )
        judged = set(
            PanelReview.objects.filter(fiscal_year=fiscal_year).values_list("goal_id", flat=True)
        )
        readiness.goal_count = len(goals)
        readiness.goals_without_panel = [g for g in goals if g.pk not in judged]
    if readiness.call is not None:
        submissions = {
            s.department_id: s
            for s in DepartmentSubmission.objects.filter(call=readiness.call).with_started()
        }
        for department in Department.objects.filter(municipality_id=strategy.municipality_id):
            submission = submissions.get(department.pk)
            if submission is None:
                readiness.departments_not_accepted.append(
                    (department.name, Status.NOT_STARTED.label)
                )
            elif submission.status != Status.ACCEPTED:
                readiness.departments_not_accepted.append(
                    (department.name, submission.status_label)
                )
    return readiness
