"""The 効果検証調書 of one fiscal year, assembled from the database with the structure of the H28
report: 第1章 (why and how the strategy is verified, the 検証基準), 第2章 (the population targets),
第3章 per goal (基本的な方向, 数値目標 tables, the panel's verdicts, and per measure its KPI tables,
internal verdicts and what its projects did).

The report shows the strategy as it stood in its year: the nodes in force at
``strategy.revision_for_year(year)``, worded as they were then (``strategy.revisions.as_of``), and
only the years up to the report's year. The HTML page, the PDF (printed from the page) and 資料-1
(XLSX) all render the one ``Report`` built here, so they cannot disagree.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from kpi.models import Indicator
from kpi.selectors import IndicatorRow, chains_of, indicator_rows
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
from verification.models import (
    Grade,
    GradeDefinition,
    InternalReview,
    PanelOpinion,
    PanelReview,
    VerificationReport,
)

from .chapter_one import chapter_one
from .document import (
    Cell,
    GoalSection,
    IndicatorBlock,
    MeasureSection,
    OutputEntry,
    OverviewRow,
    PolicySection,
    Report,
    ReviewRow,
    paragraphs,
)
from .population import population_chapter


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


def _indicator_block(row: IndicatorRow, number: str, year: int) -> IndicatorBlock:
    cells = []
    for cell in row.cells:
        shown = Cell(label=cell.fiscal_year.short_label)
        if cell.fiscal_year.year <= year and cell.achievement is not None:
            note = cell.achievement.note
            shown.recorded = True
            shown.value = cell.value_text
            shown.cumulative = cell.cumulative_text
            if note and note not in cell.value_text:
                shown.note = note
            shown.change = cell.change_text
            shown.pending = cell.is_pending
        cells.append(shown)
    return IndicatorBlock(
        indicator=row.indicator,
        number=number,
        baseline=row.baseline_text,
        baseline_note=row.indicator.baseline_note,
        cells=cells,
        row=row,
    )


def _output_entry(output: ProjectOutput) -> OutputEntry:
    lines = []
    for line in output.lines.all():
        text = f"{line.label} {line.text}".strip()
        lines.append(f"・{text}" if line.label else text)
    return OutputEntry(output=output, lines=lines)


def _output_years(report_row: VerificationReport | None, outputs: list[ProjectOutput]) -> int:
    """How many years the 事業量 cover: the report's own period, else the period its outputs
    give (1 when there are none)."""
    if report_row is not None:
        first, last = report_row.output_period_start.year, report_row.output_period_end.year
    elif outputs:
        first = min(o.period_start.year for o in outputs)
        last = max(o.period_end.year for o in outputs)
    else:
        return 1
    return last - first + 1


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
            section.indicators.append(_indicator_block(row, circled(n), year))
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
                    measure_section.indicators.append(_indicator_block(row, "", year))
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

    report = Report(
        strategy=strategy,
        fiscal_year=fiscal_year,
        revision=revision,
        is_preview=is_preview,
        title=report_row.title if report_row else "",
        date_text=report_row.date_text if report_row else "",
        years=years,
        review_years=review_years,
        output_years=_output_years(report_row, outputs),
        chapter1=chapter_one(strategy, goal_sections, grades, first_revision),
        overview=_overview(goal_sections, fiscal_year),
        population=population_chapter(strategy, figures),
        goals=goal_sections,
        other_outputs=other_outputs,
    )
    report.corrections = _corrections(rows, fiscal_year)
    return report


@dataclass(frozen=True)
class ReportCorrection:
    """One line of 「公表後の訂正」: which result, its value now, when and why it was corrected."""

    indicator: Indicator
    value: str
    corrected_at: datetime
    reason: str


def _corrections(rows: list[IndicatorRow], fiscal_year: FiscalYear) -> list[ReportCorrection]:
    """「公表後の訂正」: the report year's results corrected after publication (applied
    corrections only), from the latest correction ``indicator_rows`` annotates on each result
    (no query). None in a preview: an unpublished year is not corrected, it is entered."""
    found = []
    for row in rows:
        for cell in row.cells:
            if cell.fiscal_year.pk == fiscal_year.pk and cell.is_published and cell.corrected_at:
                found.append(
                    ReportCorrection(
                        indicator=row.indicator,
                        value=cell.value_text,
                        corrected_at=cell.corrected_at,
                        reason=cell.correction_reason,
                    )
                )
    return found


def _overview(goals: list[GoalSection], fiscal_year: FiscalYear) -> list[OverviewRow]:
    rows = []
    for section in goals:
        panel = next((r for r in section.panel_reviews if r.year.pk == fiscal_year.pk), None)
        for policy in section.policies:
            for measure in policy.measures:
                internal = next((r for r in measure.reviews if r.year.pk == fiscal_year.pk), None)
                rows.append(
                    OverviewRow(
                        goal=section.goal,
                        policy=policy.policy,
                        measure=measure.measure,
                        internal=internal.grade_text if internal else "",
                        panel=panel.grade_text if panel else "",
                    )
                )
    return rows
