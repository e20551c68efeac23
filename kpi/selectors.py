"""Reads the public pages need: indicator tables laid out like the report (策定時, H27–H31), with
the change from the previous year computed and only published years shown."""

from dataclasses import dataclass, field
from decimal import Decimal

from strategy.models import FiscalYear, Strategy

from .changes import format_change, year_change
from .corrections import with_last_correction
from .models import Achievement, Indicator, TargetKind
from .progress import Progress, ProgressStatus, progress_of


@dataclass
class YearCell:
    fiscal_year: FiscalYear
    achievement: Achievement | None = None
    change: Decimal | None = None
    change_text: str = ""
    value_text: str = ""
    cumulative_text: str = ""

    @property
    def is_pending(self) -> bool:
        return self.achievement is not None and self.achievement.state != Achievement.State.RECORDED

    @property
    def is_published(self) -> bool:
        return self.fiscal_year.published_at is not None

    @property
    def corrected_at(self):
        """When the result was last corrected after publication (None: never)."""
        return getattr(self.achievement, "corrected_at", None)

    @property
    def correction_reason(self) -> str:
        return getattr(self.achievement, "correction_reason", None) or ""


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[YearCell] = field(default_factory=list)
    progress: Progress | None = None
    alt: str = ""  # the chart's text alternative, filled in by the page that shows the chart
    # the indicators measuring the same thing under another goal whose results the row shows
    shared_with: list[Indicator] = field(default_factory=list)

    @property
    def baseline_text(self) -> str:
        indicator = self.indicator
        return indicator.baseline_text or indicator.format_value(indicator.baseline_value) or "—"

    @property
    def achievements(self) -> list[Achievement]:
        return [c.achievement for c in self.cells if c.achievement is not None]


def achievement_text(indicator: Indicator, achievement: Achievement) -> str:
    """A yearly value as printed: the printed text, the formatted number, or 集計中 / 未集計."""
    if achievement.text:
        return achievement.text
    if achievement.value is None:
        return achievement.get_state_display()
    return indicator.format_value(achievement.value)


def lineages(strategy: Strategy, *, shared: bool = False) -> dict[int, list[int]]:
    """For every indicator of the strategy, the ids of itself and all its predecessors (one query).

    With `shared`, each chain is followed by the chains of the indicators that measure the same
    thing under another goal (``same_measurements``), so that a result recorded under one of them
    shows under both: 20～39歳女性の人口 (goal 2) and 20～39歳女性人口 (goal 3)."""
    nodes = lineage_nodes(strategy)
    chains = chains_of({pk: parent for pk, parent, *_ in nodes})
    return with_shared(chains, nodes) if shared else chains


def lineage_nodes(strategy: Strategy) -> list[tuple]:
    """(id, predecessor id, name, unit, baseline value, target value) of every indicator of the
    strategy (one query)."""
    fields = ("pk", "predecessor_id", "name", "unit", "baseline_value", "target_value")
    return list(Indicator.objects.filter(strategy=strategy).values_list(*fields))


def with_shared(chains: dict[int, list[int]], nodes: list[tuple]) -> dict[int, list[int]]:
    """`chains` with the chains of the same measurements appended (`nodes`: (id, predecessor id,
    name, unit, baseline value, target value) of every indicator of the strategy)."""
    twins = same_measurements({pk: tuple(rest) for pk, _, *rest in nodes})
    shared = {}
    for pk, chain in chains.items():
        shared[pk] = Chain(
            chain
            + [
                n
                for twin in twins.get(pk, [])
                if twin not in chain and pk not in chains[twin]  # not a predecessor or successor
                for n in chains[twin]
                if n not in chain
            ]
        )
        shared[pk].own = len(chain)
    return shared


class Chain(list):
    """An indicator's own chain (itself, then its predecessors) followed by the chains of its
    twins; ``own`` is the length of the first part."""

    own: int


def _measurement_key(name: str, unit: str, baseline, target) -> tuple:
    """What makes two indicators the same measurement: the name without spaces and の (as the
    documents print it one way under one goal and the other way under another), the unit, the
    baseline and the target."""
    return ("".join(name.split()).replace("の", ""), unit, baseline, target)


def same_measurements(nodes: dict[int, tuple]) -> dict[int, list[int]]:
    """id → ids of the other indicators measuring the same thing (`nodes`: id → (name, unit,
    baseline value, target value)); only indicators with a baseline and a target are matched."""
    groups: dict[tuple, list[int]] = {}
    for pk, (name, unit, baseline, target) in nodes.items():
        if baseline is None or target is None:
            continue
        groups.setdefault(_measurement_key(name, unit, baseline, target), []).append(pk)
    return {pk: [o for o in group if o != pk] for group in groups.values() for pk in group}


def chains_of(parent: dict[int, int | None]) -> dict[int, list[int]]:
    """For each id of `parent` (id → predecessor id), itself and all its predecessors."""
    chains = {}
    for pk in parent:
        chain, node = [], pk
        while node is not None and node not in chain:
            chain.append(node)
            node = parent.get(node)
        chains[pk] = chain
    return chains


def indicator_rows(
    strategy: Strategy,
    indicators,
    *,
    published_only: bool = True,
    chains: dict | None = None,
    shared: bool = False,
) -> list[IndicatorRow]:
    """Rows for `indicators` (current nodes): one cell per fiscal year of the strategy holding the
    result of the node in force that year, so a moved KPI shows its whole history. With `shared`
    (the public pages), a year without a result of its own shows the result recorded for the same
    measurement under another goal (``lineages``), so the indicator reads the same everywhere.

    Queries: fiscal years (1), the strategy's indicator chains (1), the results (1)."""
    indicators = list(indicators)
    years = list(FiscalYear.objects.for_strategy(strategy))
    if chains is None:
        chains = lineages(strategy, shared=shared)
    owners: dict[int, list[tuple[int, int]]] = {}  # node → (indicator, rank: 0 its own first)
    borrowed: dict[int, set[int]] = {}  # indicator → the nodes of its twins
    for indicator in indicators:
        chain = chains.get(indicator.pk, [indicator.pk])
        borrowed[indicator.pk] = set(chain[getattr(chain, "own", len(chain)) :])
        for rank, node in enumerate(chain):
            owners.setdefault(node, []).append((indicator.pk, rank))
    related = ("fiscal_year", "indicator__goal") if shared else ("fiscal_year",)
    results = with_last_correction(
        Achievement.objects.filter(indicator_id__in=list(owners)).select_related(*related)
    )  # each result with its latest applied correction (訂正あり), in the same query
    if published_only:
        results = results.published()
    by_key, ranks = {}, {}
    for a in results:
        for owner, rank in owners[a.indicator_id]:
            key = (owner, a.fiscal_year_id)
            if key not in ranks or rank < ranks[key]:
                by_key[key], ranks[key] = a, rank
    rows = []
    for indicator in indicators:
        row = IndicatorRow(indicator=indicator)
        previous = indicator.baseline_value
        for fiscal_year in years:
            achievement = by_key.get((indicator.pk, fiscal_year.pk))
            cell = YearCell(fiscal_year=fiscal_year, achievement=achievement)
            if achievement is not None:
                cell.value_text = achievement_text(indicator, achievement)
                if achievement.indicator_id in borrowed[indicator.pk]:
                    if achievement.indicator not in row.shared_with:
                        row.shared_with.append(achievement.indicator)
                if achievement.cumulative is not None:
                    cell.cumulative_text = indicator.format_value(achievement.cumulative)
            if achievement is not None:
                if indicator.kind != TargetKind.CUMULATIVE and not achievement.text:
                    cell.change = year_change(achievement.value, previous)
                    cell.change_text = format_change(
                        cell.change, unit=indicator.unit, decimals=indicator.decimals
                    )
                previous = achievement.value
            else:
                previous = None
            row.cells.append(cell)
        row.progress = progress_of(indicator, row.achievements, strategy)
        rows.append(row)
    return rows


def progress_summary(rows: list[IndicatorRow]) -> dict[str, int]:
    """How many indicators are on track, behind, or without data."""
    summary = dict.fromkeys(ProgressStatus.values, 0)
    for row in rows:
        summary[row.progress.status] += 1
    return summary


@dataclass
class TargetVersion:
    revision: object
    target_text: str
    place: str
    note: str = ""


def indicator_page(strategy: Strategy, code: str) -> dict:
    """One indicator with its whole result history, its target history (old → new) and its
    progress. Queries: the indicator, its chain, amendments, and those of indicator_rows."""
    from django.http import Http404

    from strategy.models import Amendment

    indicator = Indicator.objects.with_tree().filter(strategy=strategy, code=code).first()
    if indicator is None:
        raise Http404("指標が見つかりません。")
    nodes = lineage_nodes(strategy)
    own = chains_of({pk: parent for pk, parent, *_ in nodes})
    chains = with_shared(own, nodes)  # the results of the same measurement under another goal
    chain_ids = own.get(indicator.pk, [indicator.pk])
    nodes = {node.pk: node for node in Indicator.objects.with_tree().filter(pk__in=chain_ids)}
    history = [nodes[pk] for pk in reversed(chain_ids) if pk in nodes]
    versions = []
    for node in history:
        place = node.measure.code if node.measure_id else f"基本目標{node.goal.number}"
        versions.append(TargetVersion(node.introduced_in, node.target_text, place))
    for amendment in Amendment.objects.for_objects(history).filter(field="target_text"):
        versions.append(
            TargetVersion(
                amendment.revision, amendment.new_value, "", f"改訂前：{amendment.old_value}"
            )
        )
    versions.sort(key=lambda v: v.revision.sequence)
    successor = (
        Indicator.objects.filter(predecessor=indicator).select_related("introduced_in").first()
        if indicator.retired_in_id
        else None
    )
    (row,) = indicator_rows(strategy, [indicator], chains=chains, shared=True)
    return {
        "indicator": indicator,
        "row": row,
        "versions": versions,
        "successor": successor,
        "target_amount": indicator.format_value(indicator.target_value),
    }


def with_chart_alt(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    """Give each row the text alternative of its chart (no queries)."""
    from .charts import alt_text, indicator_chart_data

    for row in rows:
        row.alt = alt_text(indicator_chart_data(row))
    return rows
