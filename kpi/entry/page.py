"""Reads of the year-entry screen: the fiscal years with how far each one's results have got,
and the page of one year (every indicator in force, this year's and last year's result)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from strategy import fiscal
from strategy.models import FiscalYear, Revision, Strategy, revision_in_force
from strategy.selectors import year_and_revision_or_404

from ..amounts import exact_amount
from ..models import Achievement, Indicator
from ..selectors import achievement_text, lineages

State = Achievement.State


@dataclass
class YearStatus:
    fiscal_year: FiscalYear
    indicators: int  # in force that year
    recorded: int
    pending: int  # 集計中・未集計

    @property
    def entered(self) -> int:
        return self.recorded + self.pending


def _indicators(strategy: Strategy, department_ids):
    """The strategy's indicators a member works on: all (``department_ids`` None: the
    secretariat), else those of their departments (``Indicator.department_q``)."""
    indicators = Indicator.objects.filter(strategy=strategy)
    if department_ids is not None:
        indicators = indicators.filter(Indicator.department_q(department_ids))
    return indicators


def year_entry_years(strategy: Strategy, department_ids=None) -> list[YearStatus]:
    """Every fiscal year of the period with how many indicators are in force and how many have a
    result (only the indicators of `department_ids`, when given). Queries: fiscal years, adopted
    revisions, indicators with their revisions, result counts per year (4)."""
    years = list(FiscalYear.objects.for_strategy(strategy))
    revisions = list(strategy.revisions.exclude(status=Revision.Status.DRAFT).order_by("sequence"))
    indicators = list(
        _indicators(strategy, department_ids).select_related("introduced_in", "retired_in")
    )
    results = Achievement.objects.filter(fiscal_year__strategy=strategy)
    if department_ids is not None:
        results = results.filter(Achievement.department_q(department_ids))
    counts = {
        row["fiscal_year"]: row
        for row in results.values("fiscal_year").annotate(
            recorded=Count("pk", filter=Q(state=State.RECORDED)),
            pending=Count("pk", filter=~Q(state=State.RECORDED)),
        )
    }
    statuses = []
    for fiscal_year in years:
        revision = revision_in_force(revisions, fiscal_year.year)
        in_force = (
            sum(1 for i in indicators if i.is_in_force_at(revision)) if revision is not None else 0
        )
        count = counts.get(fiscal_year.pk, {})
        statuses.append(
            YearStatus(fiscal_year, in_force, count.get("recorded", 0), count.get("pending", 0))
        )
    return statuses


@dataclass
class EntryRow:
    """One indicator on the screen: what it is, last year's result (read-only) and this year's
    result as stored (None when there is none yet)."""

    indicator: Indicator
    current: Achievement | None = None
    previous: Achievement | None = None

    @property
    def version(self) -> str:
        return version_of(self.current)

    @property
    def baseline_text(self) -> str:
        indicator = self.indicator
        return indicator.baseline_text or indicator.format_value(indicator.baseline_value) or "—"

    @property
    def previous_text(self) -> str:
        return achievement_text(self.indicator, self.previous) if self.previous else ""

    @property
    def current_text(self) -> str:
        """This year's result as printed (the read-only page of a published year)."""
        return achievement_text(self.indicator, self.current) if self.current else ""

    @property
    def current_cumulative_text(self) -> str:
        if self.current is None or self.current.cumulative is None:
            return ""
        return self.indicator.format_value(self.current.cumulative)

    @property
    def previous_cumulative_text(self) -> str:
        if self.previous is None or self.previous.cumulative is None:
            return ""
        return self.indicator.format_value(self.previous.cumulative)

    def initial(self) -> dict:
        return {"indicator": self.indicator.pk, "version": self.version, **input_values(self)}


def input_values(row: EntryRow, achievement: Achievement | None = ...) -> dict:
    """The editable inputs as the form shows them for a stored result (or an empty row). The
    amounts are exact (``kpi.amounts.exact_amount``): saving the form again never rounds."""
    if achievement is ...:
        achievement = row.current
    if achievement is None:
        return {"value": "", "cumulative": "", "state": State.RECORDED, "note": ""}
    decimals = row.indicator.decimals
    return {
        "value": exact_amount(achievement.value, decimals=decimals, grouping=True),
        "cumulative": exact_amount(achievement.cumulative, decimals=decimals, grouping=True),
        "state": achievement.state,
        "note": achievement.note,
    }


def version_of(achievement: Achievement | None) -> str:
    return achievement.updated_at.isoformat() if achievement is not None else ""


@dataclass
class YearEntryPage:
    strategy: Strategy
    fiscal_year: FiscalYear
    revision: Revision
    rows: list[EntryRow] = field(default_factory=list)
    restricted: bool = False  # only the indicators of the member's departments

    @property
    def read_only(self) -> bool:
        """A published year is shown, not edited: it changes only by a correction."""
        return self.fiscal_year.is_published

    @property
    def goal_level_count(self) -> int:
        return sum(1 for row in self.rows if row.indicator.is_goal_level)

    @property
    def kpi_count(self) -> int:
        return len(self.rows) - self.goal_level_count

    @property
    def previous_year(self) -> int | None:
        year = self.fiscal_year.year - 1
        return year if year in self.strategy.fiscal_year_range else None

    @property
    def previous_label(self) -> str:
        return fiscal.short_label(self.previous_year) if self.previous_year else ""

    @property
    def neighbours(self) -> tuple[int | None, int | None]:
        year, period = self.fiscal_year.year, self.strategy.fiscal_year_range
        return (year - 1 if year - 1 in period else None, year + 1 if year + 1 in period else None)


def year_entry_page(strategy: Strategy, year: int, department_ids=None) -> YearEntryPage:
    """Every indicator in force in fiscal year `year` (the structure of the revision in force
    that year) — only those of `department_ids` when given: a department member's page holds
    their departments' indicators and nothing else, so a posted row of any other is refused —
    in the tree order (``in_tree_order``), with this year's result and last year's result across
    the indicator's lineage. 404 for a year outside the period.

    Queries: fiscal year, revision in force, indicators with their tree, indicator chains,
    results of this year and last year (5)."""
    fiscal_year, revision = year_and_revision_or_404(strategy, year)
    indicators = list(
        _indicators(strategy, department_ids).in_force_at(revision).with_tree().in_tree_order()
    )
    page = YearEntryPage(strategy, fiscal_year, revision)
    page.restricted = department_ids is not None
    chains = lineages(strategy)
    nodes = {pk for i in indicators for pk in chains.get(i.pk, [i.pk])}
    years = [year] if page.previous_year is None else [year, page.previous_year]
    results = {
        (a.indicator_id, a.fiscal_year.year): a
        for a in Achievement.objects.filter(
            indicator_id__in=nodes, fiscal_year__strategy=strategy, fiscal_year__year__in=years
        )
        .select_related("fiscal_year")
        .order_by()
    }
    for indicator in indicators:
        indicator.strategy = strategy
        row = EntryRow(indicator, current=results.get((indicator.pk, year)))
        if page.previous_year is not None:
            for node in chains.get(indicator.pk, [indicator.pk]):
                if (node, page.previous_year) in results:
                    row.previous = results[(node, page.previous_year)]
                    break
        page.rows.append(row)
    return page
