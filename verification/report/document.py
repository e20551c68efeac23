"""What a 効果検証調書 holds: the values the templates print, nothing of their wording.

``build.build_report`` fills a ``Report``; ``templates/verification/report*.html`` print it (the
HTML page and, through WeasyPrint, the PDF) and ``xlsx.py`` writes 資料-1 from it. Every label,
heading and sentence of the report lives in the templates; these classes carry the facts the
sentences are made of (names, years, numbers already formatted as the report prints them).
"""

from dataclasses import dataclass, field

from kpi.models import Indicator
from kpi.selectors import IndicatorRow
from strategy.models import (
    BasicGoal,
    FiscalYear,
    Measure,
    Policy,
    ProjectOutput,
    Revision,
    Strategy,
)
from verification.models import GradeDefinition


def paragraphs(text: str) -> list[str]:
    """A stored text split at blank lines (one paragraph each)."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


@dataclass
class Cell:
    """One year of an indicator's table, as printed: 「1.53」「(H25 数値)」「(0.16↑)」. Empty
    (`recorded` False) for a year after the report's or without a result."""

    label: str
    recorded: bool = False
    value: str = ""
    cumulative: str = ""  # 「46.0億円」, printed 「(累計46.0億円)」
    note: str = ""  # printed in brackets
    change: str = ""  # 「(0.16↑)」
    pending: bool = False


@dataclass
class IndicatorBlock:
    indicator: Indicator
    number: str  # 「①」 for a 数値目標 (goal level); "" for a KPI, printed 「・」
    baseline: str  # 「1.44」 or 「—」
    baseline_note: str  # 「H23 数値」, printed in brackets
    cells: list[Cell]
    row: IndicatorRow  # the yearly results behind the cells (資料-1 shows them as numbers)


@dataclass
class ReviewRow:
    """One year of a verdict table; `review` is None when nothing was recorded (empty cells)."""

    year: FiscalYear
    review: object = None
    grade_text: str = ""  # 「B 概ね順調に進んでいる」: the strategy's 検証基準, else the standard
    paragraphs: list[str] = field(default_factory=list)
    opinions: list[str] = field(default_factory=list)


@dataclass
class OutputEntry:
    """One project of 具体的な事業の実施状況 (its number, title, marks, 目的 and 内容 are on
    `output`) with its 事業量 lines as printed: 「・延べ 947 人」."""

    output: ProjectOutput
    lines: list[str]


@dataclass
class MeasureSection:
    measure: Measure
    indicators: list[IndicatorBlock] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    outputs: list[OutputEntry] = field(default_factory=list)

    @property
    def description_paragraphs(self) -> list[str]:
        return paragraphs(self.measure.description)


@dataclass
class PolicySection:
    policy: Policy
    measures: list[MeasureSection] = field(default_factory=list)


@dataclass
class GoalSection:
    goal: BasicGoal
    directions: list[str] = field(default_factory=list)
    indicators: list[IndicatorBlock] = field(default_factory=list)
    panel_reviews: list[ReviewRow] = field(default_factory=list)
    policies: list[PolicySection] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return paragraphs(self.goal.notes)


@dataclass
class ChapterOne:
    """The facts 第1章 is written from (templates/verification/report_chapter1.html words it)."""

    city: str  # 「根室市」: the bodies are named after it
    adopted: str  # 「平成27年10月」, the month of the first revision
    philosophy: str
    packages: str  # 「「子育て支援」、「雇用対策」、「人材育成」」
    package_count: int
    goal_count: int
    grades: list[GradeDefinition]


@dataclass
class OverviewRow:
    """表 効果検証の進め方: each measure with the year's internal and panel verdicts."""

    goal: BasicGoal
    policy: Policy
    measure: Measure
    internal: str
    panel: str


@dataclass
class PopulationSummary:
    """The two paragraphs of 第2章 1.: the 社人研 projection from the base year, and (when the
    constant-fertility projection is stored) the decline the strategy means to avert."""

    base: int
    start: str  # the population in the base year
    steps: list[tuple[int, str]]  # the projected years in between and their population
    last: int
    end: str
    natural: str = ""  # 自然減少抑制
    social: str = ""  # 社会減少抑制
    averted: str = ""  # both
    target_year: int | None = None
    target_total: str = ""


@dataclass
class PopulationPoint:
    """One of the points the targets rest on: 現状 → 目標 → 目指すべき将来の姿. `metric` is
    "female_20_39" or "age_15_64" (people kept, against the 社人研 projection) or
    "fertility_rate" (the total kept in `outcome_year`, against the projection at constant
    fertility); numbers as printed."""

    metric: str
    label: str  # the metric's name
    now_year: int
    now: str
    target_year: int
    target: str
    outcome: str  # people kept
    outcome_year: int
    reference: str  # the projection they are kept against


@dataclass
class PopulationTarget:
    """① 短期目標／2020年: the 社人研 and city projections and the decline to be averted.
    `term` is "short", "middle" or "long"."""

    number: str  # ①
    term: str
    year: int
    total: str  # 「26,043」
    averted: str  # 「653」
    ipss: list[str]  # [総人口, 年少, 生産, 老年]
    city: list[str]
    difference: list[str]


@dataclass
class PopulationChapter:
    city: str = ""
    summary: PopulationSummary | None = None
    base: int | None = None  # the columns of the comparison tables
    last: int | None = None
    comparison: list[list[str]] = field(default_factory=list)  # [label, 6 values]
    shares: list[list[str]] = field(default_factory=list)
    points: list[PopulationPoint] = field(default_factory=list)
    targets: list[PopulationTarget] = field(default_factory=list)
    target_columns: list[str] = field(default_factory=list)


@dataclass
class Report:
    strategy: Strategy
    fiscal_year: FiscalYear
    revision: Revision
    is_preview: bool
    title: str  # the stored title (「効果検証調書（H28）【案】」); "" prints the standard one
    date_text: str
    years: list[FiscalYear]  # every fiscal year of the strategy: the columns of the tables
    review_years: list[FiscalYear]  # the years up to the report's: the rows of verdict tables
    output_years: int  # how many years the 事業量 cover: 「事業量（2カ年分）」 when more than one
    chapter1: ChapterOne
    overview: list[OverviewRow]
    population: PopulationChapter
    goals: list[GoalSection]
    other_outputs: list[OutputEntry]  # outputs of measures not in the year's structure

    @property
    def year_label(self) -> str:
        return self.fiscal_year.short_label
