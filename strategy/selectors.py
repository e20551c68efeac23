"""Reads of the strategy app's own public pages: the project list (every row of the 具体的な事業
tables in force, with what its columns and filters show) and the population table. Pages that
combine the strategy with its indicators and verdicts are assembled in nemuro_strategy.pages."""

from dataclasses import dataclass, field

from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from strategy.models import (
    Amendment,
    FiscalYear,
    Measure,
    ProjectListing,
    ProjectOutput,
    Revision,
    Strategy,
)
from strategy.services import LineInput, lines_version, stored_lines
from strategy.tables import DOCUMENT_ORDER


def worded_at(revision: Revision, model, field: str, *, pk: str = "pk", path: str | None = None):
    """An expression for `field` of a `model` node as worded at `revision`: the old value of the
    first amendment a later revision made to it, else the value the row holds (the newest). The
    database counterpart of `strategy.revisions.as_of`, so that filters and sorting see the same
    wording as the page; a subquery, no query of its own. `pk` names the node's id and `path` the
    field, relative to the queryset being annotated."""
    later = (
        Amendment.objects.filter(
            revision__strategy_id=revision.strategy_id,
            revision__sequence__gt=revision.sequence,
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id=OuterRef(pk),
            field=field,
        )
        .order_by("revision__sequence")
        .values("old_value")[:1]
    )
    return Coalesce(Subquery(later), F(path or field), output_field=CharField())


def listing_rows(strategy: Strategy, revision: Revision | None):
    """The listings in force at `revision`, in the printed order, with measure, policy, goal and
    project preloaded, and their 区分, 内容, 実施主体 and measure name as worded at `revision`
    (`category_then`, `content_then`, `partner_then`, `measure_name_then`). One query."""
    if revision is None:  # a strategy with nothing adopted yet (only a draft) has nothing in force
        return ProjectListing.objects.none()
    return (
        ProjectListing.objects.filter(measure__strategy=strategy)
        .in_force_at(revision)
        .select_related("measure__policy__goal", "project")
        .annotate(
            category_then=worded_at(revision, ProjectListing, "category"),
            content_then=worded_at(revision, ProjectListing, "content"),
            partner_then=worded_at(revision, ProjectListing, "partner"),
            measure_name_then=worded_at(
                revision, Measure, "name", pk="measure_id", path="measure__name"
            ),
        )
        .order_by(*DOCUMENT_ORDER)
    )


def measures_in_force(strategy: Strategy, revision: Revision | None) -> list[Measure]:
    """The measures in force at `revision` with their policy and goal, named as at `revision`
    (`name_then`), in the printed order: the choices of the filters. One query."""
    if revision is None:
        return []
    return list(
        Measure.objects.filter(strategy=strategy)
        .in_force_at(revision)
        .select_related("policy__goal")
        .annotate(name_then=worded_at(revision, Measure, "name"))
        .order_by("policy__goal__number", "policy__position", "number")
    )


@dataclass
class PopulationRow:
    year: int
    ipss: object = None
    city: object = None
    actual: object = None

    @property
    def difference(self):
        if self.ipss is None or self.city is None:
            return None
        return self.city - self.ipss


def population_table(figures) -> list[PopulationRow]:
    """Total population by year: actual, 社人研推計 and 根室市推計 (the city's targets)."""
    rows: dict[int, PopulationRow] = {}
    for figure in figures:
        row = rows.setdefault(figure.year, PopulationRow(year=figure.year))
        if figure.series in ("ipss", "city", "actual"):
            setattr(row, figure.series, figure.value)
    return list(rows.values())


NO_REVISION = "この年度に効力のある総合戦略の版がありません。"


def revision_for_year_or_404(strategy: Strategy, year: int) -> Revision:
    """``strategy.revision_for_year(year)`` (the one rule, ``revision_in_force``), or 404 when no
    adopted revision is in force in `year`. Queries: 1, none when the strategy instance already
    asked for that year."""
    try:
        return strategy.revision_for_year(year)
    except Revision.DoesNotExist as error:
        raise Http404(_(NO_REVISION)) from error


def year_and_revision_or_404(strategy: Strategy, year: int) -> tuple[FiscalYear, Revision]:
    """The fiscal year `year` of `strategy` (knowing its strategy) and the revision in force
    then, for the pages that enter a year's data; 404 for a year outside the period, one not
    registered, or one no adopted revision applies to. Queries: fiscal year, revision (2)."""
    if year not in strategy.fiscal_year_range:
        raise Http404(_("計画期間外の年度です。"))
    fiscal_year = FiscalYear.objects.filter(strategy=strategy, year=year).first()
    if fiscal_year is None:
        raise Http404(_("年度が登録されていません。"))
    fiscal_year.strategy = strategy
    return fiscal_year, revision_for_year_or_404(strategy, year)


# --- the 事業量 entry page ------------------------------------------------------------------


@dataclass
class OutputGroup:
    """One project on the page: its listing, its output of the year (None when it has none
    yet) and the version of its lines as loaded."""

    listing: ProjectListing
    output: ProjectOutput | None = None

    @property
    def key(self) -> str:
        return f"o{self.output.pk}" if self.output is not None else f"l{self.listing.pk}"

    @property
    def lines(self) -> list[LineInput]:
        return stored_lines(self.output.lines.all()) if self.output is not None else []

    @property
    def version(self) -> str:
        return lines_version(self.lines)

    @property
    def title(self) -> str:
        if self.output is not None and self.output.title:
            return self.output.title
        return self.listing.project.name


@dataclass
class OutputEntryPage:
    strategy: Strategy
    fiscal_year: FiscalYear
    revision: Revision
    goals: list = field(default_factory=list)  # the goals the member has projects under
    goal: object = None  # the goal shown
    groups: list[OutputGroup] = field(default_factory=list)
    restricted: bool = False  # only the listings of the member's departments

    @property
    def neighbours(self) -> tuple[int | None, int | None]:
        year, period = self.fiscal_year.year, self.strategy.fiscal_year_range
        return (year - 1 if year - 1 in period else None, year + 1 if year + 1 in period else None)


def output_entry_page(
    strategy: Strategy, year: int, department_ids=None, goal_number: int | None = None
) -> OutputEntryPage:
    """The projects in force in fiscal year `year` under one goal (the first one the member has
    when `goal_number` is not one of theirs): only the listings of `department_ids` when given,
    in the document's order, with their outputs of that year and the outputs' lines. 404 for a
    year outside the period.

    Queries: fiscal year, revision in force, listings with measure, policy, goal and project,
    the goal's outputs of the year, their lines (5; 4 when the member has no listing)."""
    fiscal_year, revision = year_and_revision_or_404(strategy, year)
    listings = (
        ProjectListing.objects.filter(measure__strategy=strategy)
        .in_force_at(revision)
        .select_related("measure__policy__goal", "project")
        .in_tree_order()
    )
    if department_ids is not None:
        listings = listings.filter(ProjectListing.department_q(department_ids))
    listings = list(listings)
    page = OutputEntryPage(strategy, fiscal_year, revision, restricted=department_ids is not None)
    goals = {}
    for listing in listings:
        goals.setdefault(listing.measure.policy.goal.number, listing.measure.policy.goal)
    page.goals = list(goals.values())
    if not page.goals:
        return page
    page.goal = goals.get(goal_number) or page.goals[0]
    listings = [x for x in listings if x.measure.policy.goal.number == page.goal.number]
    outputs: dict = {}
    for output in (
        ProjectOutput.objects.filter(
            fiscal_year=fiscal_year, measure_id__in={x.measure_id for x in listings}
        )
        .prefetch_related("lines")
        .order_by("position", "pk")
    ):
        output.fiscal_year = fiscal_year
        outputs.setdefault((output.measure_id, output.project_id), []).append(output)
    for listing in listings:
        found = outputs.get((listing.measure_id, listing.project_id)) or [None]
        page.groups.extend(OutputGroup(listing, output) for output in found)
    return page
