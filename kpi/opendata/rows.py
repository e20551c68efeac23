"""The rows of the open data set: one per indicator (retired nodes included) × published fiscal
year, read in a fixed number of queries with ``.iterator()``, so memory stays flat whatever the
size of the data."""

from collections.abc import Iterator

from django.utils import translation

from strategy.models import FiscalYear, Revision, Strategy

from ..corrections import with_last_correction
from ..models import Achievement, Indicator
from .fields import FIELDS, DatasetCell

CHUNK_SIZE = 2000

NO_RESULT = "未登録"
NOT_IN_FORCE = "対象外"


def vocabulary() -> tuple[dict[str, str], dict[str, str]]:
    """The labels of result states and revision kinds, always in Japanese: they are data, so they
    must not change with the visitor's language (and are looked up once, not once per row)."""
    with translation.override("ja"):
        states = {value: str(label) for value, label in Achievement.State.choices}
        kinds = {value: str(label) for value, label in Revision.Status.choices}
    return states, kinds


def revision_text(revision: Revision | None, kinds: dict[str, str]) -> str:
    """「2015-10-30 策定」; a draft has no date yet: 「改訂案（日付未定）」."""
    if revision is None:
        return ""
    if revision.date is None:
        return f"{kinds[revision.status]}（日付未定）"
    return f"{revision.date:%Y-%m-%d} {kinds[revision.status]}"


def in_force_in(indicator: Indicator, year: int) -> bool:
    """Whether the node stood in the tree adopted for `year`: the revision that introduced it
    applies by then and the one that retired it (if any) does not yet (``Revision.applies_in``,
    the rule behind ``revision_in_force``; a draft never applies). Reads only the two revisions
    loaded with the indicator."""
    retired = indicator.retired_in
    return indicator.introduced_in.applies_in(year) and not (
        retired is not None and retired.applies_in(year)
    )


def published_years(strategy: Strategy) -> list[FiscalYear]:
    """The strategy's published fiscal years, oldest first (one query)."""
    return list(FiscalYear.objects.for_strategy(strategy).published())


def _indicators(strategy: Strategy):
    """Every indicator of the strategy, retired ones included, in the tree order
    (``in_tree_order``: goal, its 数値目標 first, then its measures' KPIs)."""
    return (
        Indicator.objects.filter(strategy=strategy)
        .select_related("goal", "measure", "introduced_in", "retired_in", "predecessor")
        .in_tree_order()
    )


def _results(strategy: Strategy):
    """The results of the strategy's published years in the same order as `_indicators` (the
    tree order of their indicators, then the year), so the two streams can be merged."""
    return with_last_correction(  # 訂正日・訂正理由, in the same query
        Achievement.objects.published()
        .filter(indicator__strategy=strategy, fiscal_year__strategy=strategy)
        .in_tree_order()
    )


def dataset_cells(
    strategy: Strategy, years: list[FiscalYear] | None = None
) -> Iterator[DatasetCell]:
    """One cell per indicator × published year, in tree order then year order.

    Queries, whatever the size of the data: the published years (1, unless `years` is given),
    the indicators with their tree and revisions (1), the published results (1). Both big reads
    are streamed with `.iterator()` in the same order (the database sorts both, so the order is
    the same whatever its collation), every result belongs to an indicator of the first stream,
    and so the results of each indicator are the ones at the head of the second stream."""
    if years is None:
        years = published_years(strategy)
    if not years:
        return
    states, kinds = vocabulary()
    revisions: dict[int | None, str] = {None: ""}

    def revision_of(revision: Revision | None) -> str:
        key = revision.pk if revision else None
        if key not in revisions:
            revisions[key] = revision_text(revision, kinds)
        return revisions[key]

    results = _results(strategy).iterator(chunk_size=CHUNK_SIZE)
    pending = next(results, None)
    for indicator in _indicators(strategy).iterator(chunk_size=CHUNK_SIZE):
        found = {}
        while pending is not None and pending.indicator_id == indicator.pk:
            found[pending.fiscal_year_id] = pending
            pending = next(results, None)
        introduced = revision_of(indicator.introduced_in)
        retired = revision_of(indicator.retired_in)
        for fiscal_year in years:
            achievement = found.get(fiscal_year.pk)
            if achievement is not None:
                state = states[achievement.state]
            elif in_force_in(indicator, fiscal_year.year):
                state = NO_RESULT
            else:
                state = NOT_IN_FORCE
            yield DatasetCell(
                strategy, indicator, fiscal_year, achievement, state, introduced, retired
            )


def dataset_row(cell: DatasetCell) -> list[str]:
    """One row as the CSV writes it: a string per field ("" for empty)."""
    return [field.value(cell) for field in FIELDS]


def dataset_rows(strategy: Strategy, years: list[FiscalYear] | None = None) -> Iterator[list[str]]:
    """The rows of the data set, in `FIELDS` order (see `dataset_cells` for the queries)."""
    for cell in dataset_cells(strategy, years):
        yield dataset_row(cell)
