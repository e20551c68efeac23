"""The 効果検証調書 of one fiscal year, assembled from the database with the structure of the H28
report: 第1章 (why and how the strategy is verified, the 検証基準), 第2章 (the population targets),
第3章 per goal (基本的な方向, 数値目標 tables, the panel's verdicts, and per measure its KPI tables,
internal verdicts and what its projects did).

The report shows the strategy as it stood in its year: the nodes in force at
``strategy.revision_for_year(year)``, worded as they were then (``strategy.revisions.as_of``), and
only the years up to the report's year. The HTML page, the PDF and 資料-1 (XLSX) all render the one
``Report`` built here, so they cannot disagree.

Who may see which year lives in ``report_year``: a published year for everyone, an unpublished one
only for users with ``strategy.view_unpublished`` (a preview, marked 未公表（プレビュー）). A
published report shows published results only; a preview shows what is recorded.

Texts the database does not hold (the purpose and mechanism of the verification) are written here
once, generic for any strategy (its name, municipality, adoption date, goals), in the seed's words.
The names of the bodies (「根室市人口問題・少子化対策推進本部」, 「根室市創生有識者会議」, the
assembly's committee) are not stored either: they are built from the municipality's name.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from kpi.models import Indicator
from kpi.selectors import IndicatorRow, chains_of, indicator_rows
from strategy.access import can_view_unpublished, get_public_strategy
from strategy.models import (
    BasicGoal,
    FiscalYear,
    GoalDirection,
    Measure,
    Policy,
    PopulationFigure,
    ProjectOutput,
    Revision,
    Strategy,
)
from strategy.models.tree import circled
from strategy.revisions import as_of

from .models import (
    Grade,
    GradeDefinition,
    InternalReview,
    PanelOpinion,
    PanelReview,
    VerificationReport,
)

PREVIEW_MARK = "未公表（プレビュー）"
AGE_METRICS = ("age_0_14", "age_15_64", "age_65_over")
TARGET_METRICS = ("total", *AGE_METRICS)


# -- who may see which year -------------------------------------------------------------------------


def report_year(user, slug: str, year: int) -> tuple[Strategy, FiscalYear, bool]:
    """The strategy and fiscal year of a report, and whether it is a preview. 404 for an unknown
    strategy or year, and for an unpublished year unless `user` may view unpublished years."""
    strategy = get_public_strategy(slug)
    fiscal_year = FiscalYear.objects.filter(strategy=strategy, year=year).first()
    if fiscal_year is None:
        raise Http404(_("この年度の効果検証調書はありません。"))
    if fiscal_year.is_published:
        return strategy, fiscal_year, False
    if can_view_unpublished(user):
        return strategy, fiscal_year, True
    raise Http404(_("この年度の効果検証調書はありません。"))


def report_years(strategy: Strategy, user) -> list[FiscalYear]:
    """Years with a report: the published ones, and for users who may view unpublished years all
    of the strategy's years (the others are previews). One query, with each year's report row."""
    years = FiscalYear.objects.for_strategy(strategy).select_related("report")
    if not can_view_unpublished(user):
        years = years.published()
    return list(years)


# -- what the report holds ---------------------------------------------------------------------------


@dataclass
class Cell:
    """One year of an indicator's table, as printed: 「1.53」「(H25 数値)」「(0.16↑)」."""

    label: str
    parts: list[str] = field(default_factory=list)
    pending: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.parts)


@dataclass
class IndicatorBlock:
    indicator: Indicator
    heading: str  # 「① 合計特殊出生率」 or 「・独身者の出会いの場に参加した人数」
    baseline: list[str]
    cells: list[Cell]
    row: IndicatorRow  # the yearly results behind the cells (資料-1 shows them as numbers)


@dataclass
class ReviewRow:
    """One year of a verdict table; `review` is None when nothing was recorded (empty cells)."""

    year: FiscalYear
    review: object = None
    grade_text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    opinions: list[str] = field(default_factory=list)


@dataclass
class OutputEntry:
    """One project of 具体的な事業の実施状況: 「1 児童相談室設置事業」, 目的, 内容, 事業量."""

    output: ProjectOutput
    heading: str
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

    @property
    def heading(self) -> str:
        return f"（{self.policy.letter}）{self.policy.name}"


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
class PopulationTarget:
    """① 短期目標／2020年: the 社人研 and city projections and the decline to be averted."""

    number: str  # ①
    term: str
    year: int
    total: str  # 「26,043」
    averted: str  # 「653」
    rows: list[tuple[str, list[str]]]  # (row label, [総人口, 年少, 生産, 老年])


@dataclass
class PopulationPoint:
    """One of the points the targets rest on: 現状 → 目標 → 目指すべき将来の姿."""

    subject: str
    current: str
    target: str
    outcome: str


@dataclass
class PopulationChapter:
    summary: list[str] = field(default_factory=list)
    comparison_header: list[str] = field(default_factory=list)
    comparison: list[list[str]] = field(default_factory=list)
    shares: list[list[str]] = field(default_factory=list)
    points: list[PopulationPoint] = field(default_factory=list)
    targets: list[PopulationTarget] = field(default_factory=list)
    target_columns: list[str] = field(default_factory=list)


@dataclass
class ChapterOne:
    """第1章: text generic for any strategy, in the seed report's words."""

    purpose: list[str]
    philosophy: str
    packages: list[str]
    purpose_closing: str
    mechanism: str
    pdca: list[tuple[str, list[str]]]
    mechanism_closing: list[str]
    internal_body: str
    internal: list[str]
    panel_body: str
    panel: list[str]
    grades: list[tuple[str, str]]
    survey: str


@dataclass
class OverviewRow:
    """表 効果検証の進め方: each measure with the year's internal and panel verdicts."""

    goal: str
    policy: str
    measure: str
    internal: str
    panel: str


@dataclass
class Report:
    strategy: Strategy
    fiscal_year: FiscalYear
    revision: Revision
    is_preview: bool
    title: str
    date_text: str
    years: list[FiscalYear]  # every fiscal year of the strategy: the columns of the tables
    review_years: list[FiscalYear]  # the years up to the report's: the rows of verdict tables
    output_label: str  # 「事業量（2カ年分）」
    chapter1: ChapterOne
    overview: list[OverviewRow]
    population: PopulationChapter
    goals: list[GoalSection]
    other_outputs: list[OutputEntry]  # outputs of measures not in the year's structure

    @property
    def year_label(self) -> str:
        return self.fiscal_year.short_label

    @property
    def shiryo1_title(self) -> str:
        return shiryo1_title(self.strategy)


def shiryo1_title(strategy: Strategy) -> str:
    return _("「%(name)s（基本目標・KPI・事業）実績一覧」") % {"name": strategy.name}


# -- assembling it -----------------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    """A stored text split at blank lines (one paragraph each)."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [part for part in parts if part]


def grade_texts(strategy_grades: list[GradeDefinition]) -> dict[str, str]:
    """「B 概ね順調に進んでいる」 per letter: the strategy's 検証基準, else the standard wording."""
    texts = {value: str(label) for value, label in Grade.choices}
    texts.update({g.grade: f"{g.grade} {g.label}" for g in strategy_grades})
    return texts


def _in_force(nodes, revision: Revision) -> list:
    return [node for node in nodes if node.is_in_force_at(revision)]


def _owners(nodes, in_force) -> dict[int, int]:
    """Every node id (in force or an earlier version) → the id of the node in force that carries
    its history, following `predecessor` (verdicts stay on the node of their year)."""
    chains = chains_of({node.pk: node.predecessor_id for node in nodes})
    owners = {}
    for node in in_force:
        for pk in chains[node.pk]:
            owners.setdefault(pk, node.pk)
    return owners


def _indicator_block(row: IndicatorRow, heading: str, year: int) -> IndicatorBlock:
    indicator = row.indicator
    baseline = [row.baseline_text]
    if indicator.baseline_note:
        baseline.append(f"({indicator.baseline_note})")
    cells = []
    for cell in row.cells:
        shown = Cell(label=cell.fiscal_year.short_label)
        if cell.fiscal_year.year <= year and cell.achievement is not None:
            note = cell.achievement.note
            shown.parts.append(cell.value_text)
            if cell.cumulative_text:
                shown.parts.append(_("(累計%(total)s)") % {"total": cell.cumulative_text})
            if note and note not in cell.value_text:
                shown.parts.append(f"({note})")
            if cell.change_text:
                shown.parts.append(cell.change_text)
            shown.pending = cell.is_pending
        cells.append(shown)
    return IndicatorBlock(
        indicator=indicator, heading=heading, baseline=baseline, cells=cells, row=row
    )


def _output_entry(output: ProjectOutput) -> OutputEntry:
    marks = ""
    if output.reprint:
        marks += _("【再掲】")
    if output.private_sector:
        marks += _("【民間等】")
    heading = (
        f"{output.number} {output.title}{marks}".strip()
    )  # 「- 地域おこし協力隊推進事業【再掲】」
    lines = []
    for line in output.lines.all():
        text = f"{line.label} {line.text}".strip()
        lines.append(f"・{text}" if line.label else text)
    return OutputEntry(output=output, heading=heading, lines=lines)


def _output_label(report_row: VerificationReport | None, outputs: list[ProjectOutput]) -> str:
    """「事業量（2カ年分）」 when the 事業量 cover several years (the report's own period, else the
    period its outputs give)."""
    if report_row is not None:
        first, last = report_row.output_period_start.year, report_row.output_period_end.year
    elif outputs:
        first = min(o.period_start.year for o in outputs)
        last = max(o.period_end.year for o in outputs)
    else:
        return _("事業量")
    years = last - first + 1
    if years > 1:
        return _("事業量（%(years)sカ年分）") % {"years": years}
    return _("事業量")


def _japanese_month(date: datetime.date | None) -> str:
    """「平成27年10月」."""
    if date is None:
        return ""
    if date >= datetime.date(2019, 5, 1):
        era, number = "令和", date.year - 2018
    elif date >= datetime.date(1989, 1, 8):
        era, number = "平成", date.year - 1988
    else:
        return f"{date.year}年{date.month}月"
    return f"{era}{'元' if number == 1 else number}年{date.month}月"


def build_report(strategy: Strategy, fiscal_year: FiscalYear, *, is_preview: bool) -> Report:
    """The whole report of `fiscal_year`; `is_preview` (an unpublished year) shows what is
    recorded, otherwise published results and verdicts only.

    A fixed number of queries whatever the data size, 18 with the ContentType cache warm:
    revision in force, first revision, report row, 検証基準, population (5); goals, directions,
    policies, measures, indicators of every revision (5), filtered in Python so that earlier
    versions give the history; their wording at the revision (1); indicator_rows' fiscal years
    and results (2); internal verdicts (1); panel verdicts and their opinions (2); project outputs
    and their 事業量 lines (2; a prefetch with nothing to fetch runs no query)."""
    year = fiscal_year.year
    try:
        revision = strategy.revision_for_year(year)
    except Revision.DoesNotExist as error:
        raise Http404(_("この年度に効力のある総合戦略の版がありません。")) from error
    first_revision = strategy.revisions.order_by("sequence").first()
    report_row = (
        VerificationReport.objects.filter(fiscal_year=fiscal_year)
        .select_related("output_period_start", "output_period_end")
        .first()
    )
    grades = list(GradeDefinition.objects.filter(strategy=strategy).order_by("grade"))
    figures = list(PopulationFigure.objects.filter(strategy=strategy))

    def nodes(model, **filters):
        return list(model.objects.filter(**filters).select_related("introduced_in", "retired_in"))

    all_goals = nodes(BasicGoal, strategy=strategy)
    all_directions = nodes(GoalDirection, goal__strategy=strategy)
    all_policies = nodes(Policy, strategy=strategy)
    all_measures = nodes(Measure, strategy=strategy)
    all_indicators = nodes(Indicator, strategy=strategy)
    goals = _in_force(all_goals, revision)
    directions = _in_force(all_directions, revision)
    policies = _in_force(all_policies, revision)
    measures = _in_force(all_measures, revision)
    indicators = _in_force(all_indicators, revision)
    worded = as_of([*goals, *directions, *policies, *measures, *indicators], revision)
    goals, worded = worded[: len(goals)], worded[len(goals) :]
    directions, worded = worded[: len(directions)], worded[len(directions) :]
    policies, worded = worded[: len(policies)], worded[len(policies) :]
    measures, indicators = worded[: len(measures)], worded[len(measures) :]

    published_only = not is_preview
    indicators.sort(key=lambda i: i.position)
    rows = indicator_rows(
        strategy,
        indicators,
        published_only=published_only,
        chains=chains_of({i.pk: i.predecessor_id for i in all_indicators}),
    )
    years = [cell.fiscal_year for cell in rows[0].cells] if rows else []
    if not rows:
        years = list(FiscalYear.objects.for_strategy(strategy))
    review_years = [fy for fy in years if fy.year <= year]

    measure_owner = _owners(all_measures, measures)
    goal_owner = _owners(all_goals, goals)
    internal = InternalReview.objects.filter(
        measure_id__in=list(measure_owner),
        fiscal_year__strategy=strategy,
        fiscal_year__year__lte=year,
    ).select_related("fiscal_year")
    panel = (
        PanelReview.objects.filter(
            goal_id__in=list(goal_owner),
            fiscal_year__strategy=strategy,
            fiscal_year__year__lte=year,
        )
        .select_related("fiscal_year")
        .prefetch_related(Prefetch("opinions", queryset=PanelOpinion.objects.order_by("position")))
    )
    if published_only:
        internal, panel = internal.published(), panel.published()
    outputs = list(
        ProjectOutput.objects.filter(fiscal_year=fiscal_year)
        .select_related("project", "period_start", "period_end")
        .prefetch_related("lines")
        .order_by("position")
    )

    texts = grade_texts(grades)
    internal_by = {(measure_owner[r.measure_id], r.fiscal_year_id): r for r in internal}
    panel_by = {(goal_owner[r.goal_id], r.fiscal_year_id): r for r in panel}
    outputs_by = defaultdict(list)
    other_outputs = []
    for output in outputs:
        owner = measure_owner.get(output.measure_id)
        entry = _output_entry(output)
        (outputs_by[owner] if owner else other_outputs).append(entry)

    rows_by_goal, rows_by_measure = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.indicator.measure_id is None:
            rows_by_goal[row.indicator.goal_id].append(row)
        else:
            rows_by_measure[row.indicator.measure_id].append(row)

    goal_sections = []
    for goal in sorted(goals, key=lambda g: g.number):
        section = GoalSection(goal=goal)
        section.directions = [
            d.text for d in sorted(directions, key=lambda d: d.position) if d.goal_id == goal.pk
        ]
        for n, row in enumerate(rows_by_goal[goal.pk], start=1):
            heading = f"{circled(n)} {row.indicator.name}"
            section.indicators.append(_indicator_block(row, heading, year))
        for fy in review_years:
            review = panel_by.get((goal.pk, fy.pk))
            item = ReviewRow(year=fy, review=review)
            if review is not None:
                item.grade_text = texts.get(review.grade, review.grade)
                item.paragraphs = paragraphs(review.supplementary_opinion)
                item.opinions = [o.text for o in review.opinions.all()]
            section.panel_reviews.append(item)
        for policy in sorted(policies, key=lambda p: p.position):
            if policy.goal_id != goal.pk:
                continue
            policy_section = PolicySection(policy=policy)
            for measure in sorted(measures, key=lambda m: m.number):
                if measure.policy_id != policy.pk:
                    continue
                measure_section = MeasureSection(measure=measure)
                for row in rows_by_measure[measure.pk]:
                    heading = f"・{row.indicator.name}"
                    measure_section.indicators.append(_indicator_block(row, heading, year))
                for fy in review_years:
                    review = internal_by.get((measure.pk, fy.pk))
                    item = ReviewRow(year=fy, review=review)
                    if review is not None:
                        item.grade_text = texts.get(review.grade, review.grade)
                        item.paragraphs = paragraphs(review.issues)
                    measure_section.reviews.append(item)
                measure_section.outputs = outputs_by[measure.pk]
                policy_section.measures.append(measure_section)
            section.policies.append(policy_section)
        goal_sections.append(section)

    return Report(
        strategy=strategy,
        fiscal_year=fiscal_year,
        revision=revision,
        is_preview=is_preview,
        title=(report_row.title if report_row else "")
        or _("効果検証調書（%(year)s）") % {"year": fiscal_year.short_label},
        date_text=report_row.date_text if report_row else "",
        years=years,
        review_years=review_years,
        output_label=_output_label(report_row, outputs),
        chapter1=chapter_one(strategy, goal_sections, grades, first_revision),
        overview=_overview(goal_sections, fiscal_year),
        population=population_chapter(strategy, figures),
        goals=goal_sections,
        other_outputs=other_outputs,
    )


def _overview(goals: list[GoalSection], fiscal_year: FiscalYear) -> list[OverviewRow]:
    rows = []
    for section in goals:
        panel = next((r for r in section.panel_reviews if r.year.pk == fiscal_year.pk), None)
        goal_text = f"{section.goal.label} {section.goal.title}"
        for policy in section.policies:
            for measure in policy.measures:
                internal = next((r for r in measure.reviews if r.year.pk == fiscal_year.pk), None)
                rows.append(
                    OverviewRow(
                        goal=goal_text,
                        policy=policy.heading,
                        measure=measure.measure.label,
                        internal=internal.grade_text if internal else "",
                        panel=panel.grade_text if panel else "",
                    )
                )
    return rows


# -- 第1章 ---------------------------------------------------------------------------------------------


def chapter_one(
    strategy: Strategy,
    goals: list[GoalSection],
    grades: list[GradeDefinition],
    first_revision: Revision | None,
) -> ChapterOne:
    city = strategy.municipality.name
    words = {
        "city": city,
        "name": strategy.name,
        "adopted": _japanese_month(first_revision.date if first_revision else None),
        "philosophy": strategy.philosophy,
        "goals": len(goals),
        "internal": _("%(city)s人口問題・少子化対策推進本部") % {"city": city},
        "panel": _("%(city)s創生有識者会議") % {"city": city},
        "assembly": _("%(city)s議会人口ビジョン・総合戦略策定等に関する特別委員会")
        % {"city": city},
    }
    packages = [s.goal.package for s in goals if s.goal.package]
    words["packages"] = "、".join(f"「{p}」" for p in packages)
    words["package_count"] = len(packages)
    purpose = [
        _(
            "日本全体において人口減少や少子高齢化が進展する中、%(city)sでは、若者の更なる市外流出や"
            "それに起因して人口減少が招く生産活動の規模縮小の課題に向き合うために、特に重要となる"
            "少子化や地域活性化などの政策を盛り込む「%(name)s」を%(adopted)sに策定したところである。"
        )
        % words
    ]
    if strategy.philosophy and packages:
        purpose.append(
            _(
                "総合戦略では、%(city)sならではの暮らしやすさを再認識する機会や、より一層、%(city)sの"
                "魅力を市内外に発信するために、戦略理念として「%(philosophy)s」を掲げ、政策パッケージ"
                "として、以下%(packages)sの%(package_count)sつの取組みを一体的に推進することとしている。"
            )
            % words
        )
    return ChapterOne(
        purpose=purpose,
        philosophy=strategy.philosophy,
        packages=[f"{s.goal.label} {s.goal.title}" for s in goals],
        purpose_closing=_(
            "効果検証は、総合戦略に掲げる施策やその基本的方向がそれぞれ%(goals)sつの基本目標の達成に"
            "向かって効果的に進んでいるかどうかを検証し、より良い進め方を探すとともに、必要に応じて"
            "総合戦略を改善しながら目標の達成を図ることを目的に行うものとする。"
        )
        % words,
        mechanism=_(
            "%(name)sにおいては、その効果的な推進を図るため、PDCAサイクルを構築し、客観性を保ち"
            "ながら、戦略の成果を検証することとしている。"
        )
        % words,
        pdca=[
            (
                _("実施方法"),
                [
                    _("計画(Plan)：数値目標や客観的な指標を設定した戦略策定"),
                    _("実施(Do)：総合戦略に基づく具体的な施策の実施"),
                    _("評価(Check)：達成度を通じて戦略の成果を客観的に検証"),
                    _("改善(Action)：検証結果を踏まえた施策の見直しや戦略の改訂"),
                ],
            ),
            (
                _("数値目標・客観的な指標の設定方法"),
                [
                    _(
                        "① 基本目標　実現すべき成果（アウトカム）に係る数値目標を設定し、後年度、"
                        "基本目標の実施状況を検証する。"
                    ),
                    _("② 具体的な施策　施策ごとに客観的な重要業績評価指標（KPI）を設定した。"),
                ],
            ),
            (
                _("検証方法"),
                [
                    _(
                        "外部有識者等を含む検証機関として、「%(panel)s」を継続的に運営し、基本目標の"
                        "数値目標及び具体的な施策に係るKPIの達成度を検証する。その他必要に応じて市民の"
                        "意見聴取等を行い、総合戦略の見直し等を行う。"
                    )
                    % words
                ],
            ),
            (
                _("その他"),
                [
                    _(
                        "外部有識者等による検証に加え、市議会における施策の効果等についての審議等も"
                        "踏まえ、必要に応じて、総合戦略の改訂を行う。"
                    )
                ],
            ),
        ],
        mechanism_closing=[
            _(
                "具体的には、内部検証として「%(internal)s」が主としてKPIの達成度により施策の効果を"
                "検証・分析を行い、外部検証として「%(panel)s」が基本目標に定める数値目標やKPIの"
                "達成度により、その進捗状況を審議・検証するもので毎年度実施する。"
            )
            % words,
            _(
                "また、「%(panel)s」による検証後、「%(assembly)s」における意見等も踏まえ、必要に"
                "応じて「%(name)s」を改訂していくものである。"
            )
            % words,
        ],
        internal_body=words["internal"],
        internal=[
            _(
                "%(internal)sにおいては、具体的な事業の実施状況を踏まえながら、重要業績評価指標"
                "（KPI）の達成度等により各施策の基本的方向について効果検証・分析するとともに、今後の"
                "課題と対応方向を示すものとする。"
            )
            % words
        ],
        panel_body=words["panel"],
        panel=[
            _(
                "%(panel)sにおいては、%(goals)sつの基本目標を達成するため、重要業績評価指標（KPI）の"
                "達成度や市の内部検証等を踏まえながら、基本目標全体に対する施策の進捗状況を総合的に"
                "検証する。"
            )
            % words,
            _(
                "また、内部検証で示す施策の基本的方向ごとの「今後の課題と対応方向」を踏まえ、今後、"
                "施策を推進する上で対応が求められる課題や施策運営の改善を図るべき事項を示すものと"
                "する。"
            ),
        ],
        grades=[(f"{g.grade} {g.label}。", g.description) for g in grades],
        survey=_(
            "%(name)sは、市民意識調査をはじめ広く市民から意見収集を行いながら策定したところであり、"
            "施策の基本的方向の重要業績評価指標（KPI）の中には市民満足度指数を定めているものも多く"
            "ある。このため検証に当たっては、それらの状況把握を行う必要があることから、毎年度市民"
            "意識調査を実施する。"
        )
        % words,
    )


# -- 第2章 ---------------------------------------------------------------------------------------------


def _people(value) -> str:
    return f"{int(value):,}"


def _signed(value) -> str:
    """「▲2,652」 for a decrease, as the report prints it."""
    value = int(value)
    return f"▲{-value:,}" if value < 0 else f"{value:,}"


def _signed_points(value: Decimal) -> str:
    return f"▲{-value:.1f}" if value < 0 else f"{value:.1f}"


def population_chapter(strategy: Strategy, figures: list[PopulationFigure]) -> PopulationChapter:
    """The projections and targets of 第2章, from the stored figures; every derived number
    (▲ differences, 減少抑制目標人数) is computed here, none is stored."""
    chapter = PopulationChapter()
    if not figures:
        return chapter
    city = strategy.municipality.name
    at = {(f.series, f.year, f.metric): f for f in figures}

    def value(series, year, metric):
        figure = at.get((series, year, metric))
        return figure.value if figure else None

    target_years = sorted(
        {
            f.year
            for f in figures
            if f.series == "city"
            and f.metric == "total"
            and value("ipss", f.year, "total") is not None
        }
    )
    actual_years = sorted({f.year for f in figures if f.series == "actual" and f.metric == "total"})
    base = actual_years[0] if actual_years else None
    labels = dict(PopulationFigure.Metric.choices)

    if base and target_years:
        last = target_years[-1]
        ipss_years = sorted(
            f.year for f in figures if f.series == "ipss" and f.metric == "total" and f.year > base
        )
        steps = "、".join(
            _("%(year)s年の%(people)s人")
            % {"year": y, "people": _people(value("ipss", y, "total"))}
            for y in ipss_years[:-1]
        )
        if steps:
            steps = _("%(steps)sを経て、") % {"steps": steps}
        chapter.summary.append(
            _(
                "%(city)sの総人口は、国立社会保障・人口問題研究所（社人研）の推計を基にすると、"
                "%(base)s年の%(start)s人から、%(steps)s%(last)s年には総人口%(end)s人となることが"
                "見込まれている。"
            )
            % {
                "city": city,
                "base": base,
                "start": _people(value("actual", base, "total")),
                "steps": steps,
                "last": ipss_years[-1] if ipss_years else last,
                "end": _people(value("ipss", ipss_years[-1] if ipss_years else last, "total")),
            }
        )
        city_total, ipss_total = value("city", last, "total"), value("ipss", last, "total")
        constant = value("fertility_constant", last, "total")
        if constant is not None:
            natural = city_total - constant
            chapter.summary.append(
                _(
                    "このため、合計特殊出生率の向上による%(natural)s人の減少抑制（自然減少抑制）に"
                    "加え、転出超過対策による%(social)s人の減少抑制（社会減少抑制）を図ることによって、"
                    "全体で社人研推計から%(all)s人の人口減少を抑制し、%(year)s年における総人口"
                    "%(total)s人の確保を目指すものとする。"
                )
                % {
                    "natural": _people(natural),
                    "social": _people(city_total - ipss_total - natural),
                    "all": _people(city_total - ipss_total),
                    "year": last,
                    "total": _people(city_total),
                }
            )
        chapter.comparison_header = [
            _("区分"),
            _("%(year)s年 人口") % {"year": base},
            _("%(year)s年 社人研推計") % {"year": last},
            _("%(year)s年 %(city)s推計") % {"year": last, "city": city},
            _("増減（社人研推計）"),
            _("増減（%(city)s推計）") % {"city": city},
            _("%(city)s−社人研") % {"city": city},
        ]
        for metric in TARGET_METRICS[1:] + TARGET_METRICS[:1]:
            now, ipss, mine = (
                value(s, y, metric) for s, y in (("actual", base), ("ipss", last), ("city", last))
            )
            if None in (now, ipss, mine):
                continue
            chapter.comparison.append(
                [labels[metric], _people(now), _people(ipss), _people(mine)]
                + [_signed(ipss - now), _signed(mine - now), _signed(mine - ipss)]
            )
        for metric in AGE_METRICS:
            shares = [
                at.get(key)
                for key in (
                    ("actual", base, metric),
                    ("ipss", last, metric),
                    ("city", last, metric),
                )
            ]
            if any(f is None or f.share is None for f in shares):
                continue
            now, ipss, mine = (f.share for f in shares)
            chapter.shares.append(
                [labels[metric], f"{now:.1f}%", f"{ipss:.1f}%", f"{mine:.1f}%"]
                + [
                    _signed_points(ipss - now),
                    _signed_points(mine - now),
                    _signed_points(mine - ipss),
                ]
            )
        chapter.points = _points(at, base, last, labels)

    terms = {0: _("短期"), len(target_years) - 1: _("長期")}
    chapter.target_columns = [labels[m] for m in TARGET_METRICS]
    for index, y in enumerate(target_years):
        ipss = [value("ipss", y, m) for m in TARGET_METRICS]
        mine = [value("city", y, m) for m in TARGET_METRICS]
        averted = [
            (i - m) if i is not None and m is not None else None
            for i, m in zip(ipss, mine, strict=True)
        ]
        chapter.targets.append(
            PopulationTarget(
                number=circled(index + 1),
                term=terms.get(index, _("中期")),
                year=y,
                total=_people(mine[0]),
                averted=_people(-averted[0]),
                rows=[
                    (_("社人研推計"), ["" if v is None else _people(v) for v in ipss]),
                    (
                        _("%(city)s推計") % {"city": city},
                        ["" if v is None else _people(v) for v in mine],
                    ),
                    (_("減少抑制目標人数"), ["" if v is None else _signed(v) for v in averted]),
                ],
            )
        )
    return chapter


def _points(at: dict, base: int, last: int, labels: dict) -> list[PopulationPoint]:
    """The points the population vision rests on (20–39歳の女性人口, 生産年齢人口, 合計特殊出生率),
    each only when its figures are stored."""

    def value(series, year, metric):
        figure = at.get((series, year, metric))
        return figure.value if figure else None

    points = []
    for metric in ("female_20_39", "age_15_64"):
        now, ipss = value("actual", base, metric), value("ipss", last, metric)
        mine = value("city", last, metric)
        if None in (now, ipss, mine):
            continue
        subject = labels[metric] if metric != "age_15_64" else _("生産年齢人口")
        words = {"subject": subject, "base": base, "last": last}
        points.append(
            PopulationPoint(
                subject=_("%(subject)sの減少を抑制する") % words,
                current=_("%(base)s年／%(subject)s%(people)s人")
                % {**words, "people": _people(now)},
                target=_("%(last)s年／%(subject)s%(people)s人")
                % {**words, "people": _people(mine)},
                outcome=_("%(subject)s%(people)s人の減少抑制（社人研推計の%(ipss)s人に対して）")
                % {**words, "people": _people(mine - ipss), "ipss": _people(ipss)},
            )
        )
    actual = sorted(
        (y, f.value) for (s, y, m), f in at.items() if (s, m) == ("actual", "fertility_rate")
    )
    planned = sorted(
        (y, f.value) for (s, y, m), f in at.items() if (s, m) == ("city", "fertility_rate")
    )
    mine, constant = value("city", last, "total"), value("fertility_constant", last, "total")
    if actual and planned and mine is not None and constant is not None:
        (now_year, now), (goal_year, goal) = actual[0], planned[-1]
        points.append(
            PopulationPoint(
                subject=_("合計特殊出生率の向上を図る"),
                current=_("%(year)s年／合計特殊出生率 %(rate)s") % {"year": now_year, "rate": now},
                target=_("%(year)s年／合計特殊出生率 %(rate)s") % {"year": goal_year, "rate": goal},
                outcome=_(
                    "総人口%(people)s人の減少抑制（%(year)s年、出生率が現状のまま推移した場合の"
                    "%(constant)s人に対して）"
                )
                % {"people": _people(mine - constant), "year": last, "constant": _people(constant)},
            )
        )
    return points
