"""参考評価: a reference grade A–D for a measure (its KPIs) or a goal (its 数値目標 and the KPIs of
its measures) as of a fiscal year, derived from the documented progress formula (kpi.progress),
with its inputs, so that staff can draft a verdict and see why the figure is what it is.

For each indicator in force that year with a recorded value up to that year:

    比率 = min(達成度 ÷ 期間の経過割合, 1)

(both from ``kpi.progress.progress_of``; 集計中, 未集計 and empty years are left out there, and an
indicator without any recorded value is left out here, never counted as zero). A ratio is capped at
1 — ahead of schedule counts as on schedule — so that one over-achieved KPI (a kept zero, or an
annual level already passed) cannot carry a measure whose other KPIs lag. The measure's (or
goal's) 比率 is the mean over its indicators; it is compared with the strategy's GradingPolicy:
A at or above ``a_min`` (at or ahead of schedule), B at or above ``b_min``, C at or above ``c_min``,
D below. No indicator with data → no reference grade, with the reason.

The reference grade never replaces a human verdict: ``verification.services.internal_review_record``
stores it next to the verdict at save time and asks for a reason when the two differ.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kpi.models import Achievement, Indicator
from kpi.progress import Progress, progress_of
from kpi.selectors import IndicatorRow, indicator_rows
from strategy.models import BasicGoal, FiscalYear, Measure, Revision, Strategy

from .models import Grade, GradingPolicy


@dataclass(frozen=True)
class Thresholds:
    a_min: Decimal
    b_min: Decimal
    c_min: Decimal

    @classmethod
    def of(cls, policy: GradingPolicy) -> "Thresholds":
        return cls(*(Decimal(str(getattr(policy, f))) for f in ("a_min", "b_min", "c_min")))

    def grade(self, ratio: Decimal) -> str:
        if ratio >= self.a_min:
            return Grade.A
        if ratio >= self.b_min:
            return Grade.B
        if ratio >= self.c_min:
            return Grade.C
        return Grade.D

    @property
    def text(self) -> str:
        return "A：{a} 以上、B：{b} 以上、C：{c} 以上、D：{c} 未満".format(
            a=_plain(self.a_min), b=_plain(self.b_min), c=_plain(self.c_min)
        )


def _plain(value: Decimal) -> str:
    """1.000 → 「1.0」, 0.850 → 「0.85」."""
    text = f"{value.normalize():f}"
    return text if "." in text else f"{text}.0"


def _two(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


EXPLANATION = gettext_noop(
    "参考評価は、指標ごとに「達成度 ÷ 期間の経過割合」（比率）を求め、その平均を基準と比べて"
    "決めます（{thresholds}）。比率 1.0 は計画どおりの進み具合で、計画より進んでいる指標も 1.0 として"
    "平均します（1つの指標の大幅な超過でほかの指標の遅れが見えなくならないように）。達成度は指標の種類ごとの式"
    "（到達水準・年間の水準は（実績 − 基準値）÷（目標値 − 基準値）、低いほど良い指標は逆向き、"
    "累計は 累計 ÷ 目標値、維持は維持していれば100%）で、その年度までの最新の実績から求めます。"
    "集計中・未集計の年度や実績のない指標は平均に含めません（0 とはみなしません）。"
    "参考評価は検証結果の案を作るための目安であり、検証結果に代わるものではありません。"
)


@dataclass
class IndicatorInput:
    """One indicator's part in a reference grade: its progress (達成度, with the formula and the
    figures it used), the share of the period elapsed, and their ratio."""

    indicator: Indicator
    progress: Progress
    ratio: Decimal | None = None  # capped at 1: what goes into the mean
    raw_ratio: Decimal | None = None  # 達成度 ÷ 期間の経過割合 before the cap
    left_out: str = ""  # why the indicator is not in the mean (empty when it is)

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def formula(self) -> str:
        return self.progress.formula

    @property
    def rate(self) -> Decimal | None:
        return self.progress.rate

    @property
    def expected(self) -> Decimal | None:
        return self.progress.expected

    @property
    def ratio_text(self) -> str:
        return _two(self.ratio)

    @property
    def raw_ratio_text(self) -> str:
        return _two(self.raw_ratio)


@dataclass
class ReferenceGrade:
    """A reference grade as of `year`: the grade (None when nothing can be computed, with the
    reason), the mean ratio, every indicator's inputs and the formula in Japanese."""

    year: int
    grade: str | None
    ratio: Decimal | None
    thresholds: Thresholds
    inputs: list[IndicatorInput] = field(default_factory=list)
    reason: str = ""

    @property
    def used(self) -> list[IndicatorInput]:
        return [item for item in self.inputs if not item.left_out]

    @property
    def left_out(self) -> list[IndicatorInput]:
        return [item for item in self.inputs if item.left_out]

    @property
    def ratio_text(self) -> str:
        return _two(self.ratio)

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label if self.grade else _("参考評価なし")

    @property
    def explanation(self) -> str:
        return _(EXPLANATION).format(thresholds=self.thresholds.text)

    @property
    def calculation(self) -> str:
        """The mean written out: 「(1.00 + 0.90) ÷ 2 = 0.95」."""
        used = self.used
        if not used:
            return ""
        terms = " + ".join(item.ratio_text for item in used)
        return f"（{terms}）÷ {len(used)} = {self.ratio_text}"


def policy_for(strategy: Strategy) -> Thresholds:
    """The strategy's thresholds, or the model's defaults when it has none (1 query)."""
    policy = GradingPolicy.objects.filter(strategy=strategy).first()
    return Thresholds.of(policy or GradingPolicy(strategy=strategy))


def rows_cut_at_year(
    rows: list[IndicatorRow], year: int, *, strategy: Strategy
) -> list[IndicatorRow]:
    """Copies of `rows` cut at `year`: only the cells of that year and earlier, and the progress
    recomputed from them — the rows as they stood then (no queries). `rows` are left as they
    were."""
    cut = []
    for row in rows:
        new = replace(row, cells=[cell for cell in row.cells if cell.fiscal_year.year <= year])
        new.progress = progress_of(row.indicator, new.achievements, strategy)
        cut.append(new)
    return cut


NO_RESULTS = gettext_noop("この年度までの実績がないため含めません")


def _indicator_input(row: IndicatorRow) -> IndicatorInput:
    progress = row.progress
    item = IndicatorInput(indicator=row.indicator, progress=progress)
    recorded = any(
        a.state == Achievement.State.RECORDED and a.value is not None for a in row.achievements
    )
    if not recorded:
        item.left_out = _(NO_RESULTS)
    elif row.indicator.target_value is None:
        item.left_out = _("目標値が数値でないため含めません")
    elif progress.rate is None:
        item.left_out = _("達成度を算出できないため含めません")
    elif not progress.expected:
        item.left_out = _("期間の経過割合が0%のため含めません")
    else:
        item.raw_ratio = progress.rate / progress.expected
        item.ratio = min(item.raw_ratio, Decimal(1))
    return item


def grade_of(rows: list[IndicatorRow], *, year: int, thresholds: Thresholds) -> ReferenceGrade:
    """The reference grade of a set of indicators from their rows (already cut at `year`)."""
    inputs = [_indicator_input(row) for row in rows]
    ratios = [item.ratio for item in inputs if item.ratio is not None]
    if not ratios:
        if not inputs:
            reason = _("この年度に評価の対象となる指標がないため、参考評価は算出できません。")
        elif all(item.left_out == _(NO_RESULTS) for item in inputs):
            reason = _("この年度までに実績のある指標がないため、参考評価は算出できません。")
        else:
            reason = _("この年度までに達成度を算出できる指標がないため、参考評価は算出できません。")
        return ReferenceGrade(year, None, None, thresholds, inputs, reason)
    ratio = sum(ratios, Decimal(0)) / len(ratios)
    return ReferenceGrade(year, thresholds.grade(ratio), ratio, thresholds, inputs)


def _year_number(year) -> int:
    return year.year if isinstance(year, FiscalYear) else int(year)


@dataclass
class YearGrades:
    """Reference grades of every measure and goal in force in a year, and the rows behind them."""

    year: int
    revision: Revision
    measures: list[Measure]
    goals: list[BasicGoal]
    by_measure: dict[int, ReferenceGrade]
    by_goal: dict[int, ReferenceGrade]


def reference_grades_for_year(strategy: Strategy, year) -> YearGrades:
    """Every measure and goal in force in `year` (a FiscalYear or its Western year) with its
    reference grade as of that year, results of unpublished years included (staff only).

    Queries (8, whatever the size of the data): the revision in force, the measures, the goals,
    the indicators, the grading policy, and indicator_rows' fiscal years, chains and results."""
    year = _year_number(year)
    revision = strategy.revision_for_year(year)
    measures = list(
        Measure.objects.filter(strategy=strategy)
        .in_force_at(revision)
        .select_related("policy", "policy__goal")
    )
    goals = list(BasicGoal.objects.filter(strategy=strategy).in_force_at(revision))
    indicators = list(
        Indicator.objects.filter(strategy=strategy).in_force_at(revision).in_tree_order()
    )
    thresholds = policy_for(strategy)
    rows = indicator_rows(strategy, indicators, published_only=False)
    rows_by_measure, rows_by_goal = defaultdict(list), defaultdict(list)
    for row in rows_cut_at_year(rows, year, strategy=strategy):
        rows_by_goal[row.indicator.goal_id].append(row)
        if row.indicator.measure_id:
            rows_by_measure[row.indicator.measure_id].append(row)
    return YearGrades(
        year=year,
        revision=revision,
        measures=measures,
        goals=goals,
        by_measure={
            m.pk: grade_of(rows_by_measure[m.pk], year=year, thresholds=thresholds)
            for m in measures
        },
        by_goal={
            g.pk: grade_of(rows_by_goal[g.pk], year=year, thresholds=thresholds) for g in goals
        },
    )


def measure_evidence(
    measure: Measure, year, *, revision: Revision | None = None
) -> tuple[list[IndicatorRow], ReferenceGrade]:
    """A measure's KPIs in force in `year`, their rows up to that year (unpublished years
    included), and the measure's reference grade as of that year.

    Queries: the revision (1, unless given), the KPIs (1), the grading policy (1) and
    indicator_rows (3); the measure's strategy too unless it was loaded with it."""
    year = _year_number(year)
    strategy = measure.strategy
    revision = revision or strategy.revision_for_year(year)
    kpis = Indicator.objects.filter(measure=measure).in_force_at(revision).order_by("position")
    rows = rows_cut_at_year(
        indicator_rows(strategy, kpis, published_only=False), year, strategy=strategy
    )
    return rows, grade_of(rows, year=year, thresholds=policy_for(strategy))


def measure_reference_grade(measure: Measure, year) -> ReferenceGrade:
    """The reference grade of one measure as of `year` (its KPIs in force that year)."""
    return measure_evidence(measure, year)[1]


def goal_reference_grade(goal: BasicGoal, year) -> ReferenceGrade:
    """The reference grade of one goal as of `year`: its 数値目標 and the KPIs of its measures
    in force that year, all in one mean."""
    year = _year_number(year)
    strategy = goal.strategy
    revision = strategy.revision_for_year(year)
    indicators = Indicator.objects.filter(goal=goal).in_force_at(revision).in_tree_order()
    rows = rows_cut_at_year(
        indicator_rows(strategy, indicators, published_only=False), year, strategy=strategy
    )
    return grade_of(rows, year=year, thresholds=policy_for(strategy))
