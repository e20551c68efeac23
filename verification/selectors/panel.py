"""有識者会議の検証ページ: the reads behind the panel pages.

Panel members (and the secretariat) see every piece of evidence of one fiscal year and goal,
unpublished years included: the goal's 数値目標, each measure in force that year with its KPIs,
its internal verdict and its projects' 事業量, and every member's draft. Drafts are read here only:
no public page reads PanelDraft. The tree is shown as it stood in the revision in force that year,
worded as it was then (``strategy.revisions.as_of``). The writes (a member's draft, the final
verdict) are verification.services' ``panel_draft_save`` and ``panel_review_record``."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from kpi.models import Indicator
from kpi.selectors import IndicatorRow, indicator_rows
from strategy.models import (
    BasicGoal,
    FiscalYear,
    Measure,
    Policy,
    ProjectOutput,
    ProjectOutputLine,
    Revision,
    Strategy,
    revision_in_force,
)
from strategy.revisions import as_of
from strategy.selectors import revision_for_year_or_404

from ..grading import rows_cut_at_year
from ..models import InternalReview, PanelDraft, PanelOpinion, PanelReview


@dataclass
class IndexCell:
    goal: BasicGoal
    drafts: int = 0
    own_draft: bool = False
    review: PanelReview | None = None


@dataclass
class IndexRow:
    fiscal_year: FiscalYear
    revision: Revision | None
    cells: list[IndexCell | None] = field(default_factory=list)  # None: no such goal that year


def panel_index_page(strategy: Strategy, user) -> dict:
    """Years × goals: for each goal in force in a year, how many members drafted a verdict,
    whether `user` did, and the final verdict if the secretariat recorded one.

    Queries: fiscal years (1), revisions (1), goals with their revisions (1), draft counts (1),
    final verdicts (1)."""
    years = list(FiscalYear.objects.for_strategy(strategy))
    revisions = list(strategy.revisions.order_by("sequence"))
    goals = list(
        BasicGoal.objects.filter(strategy=strategy)
        .select_related("introduced_in", "retired_in")
        .order_by("number", "introduced_in__sequence")
    )
    numbers = sorted({goal.number for goal in goals})
    counts = {
        (row["goal_id"], row["fiscal_year_id"]): row
        for row in PanelDraft.objects.filter(fiscal_year__strategy=strategy)
        .values("goal_id", "fiscal_year_id")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(author_id=user.pk)))
        .order_by()
    }
    reviews = {
        (review.goal_id, review.fiscal_year_id): review
        for review in PanelReview.objects.filter(fiscal_year__strategy=strategy)
    }
    rows = []
    for fiscal_year in years:
        revision = revision_in_force(revisions, fiscal_year.year)
        row = IndexRow(fiscal_year=fiscal_year, revision=revision)
        for number in numbers:
            goal = None
            if revision is not None:
                goal = next(
                    (g for g in goals if g.number == number and g.is_in_force_at(revision)), None
                )
            if goal is None:
                row.cells.append(None)
                continue
            count = counts.get((goal.pk, fiscal_year.pk), {"n": 0, "mine": 0})
            row.cells.append(
                IndexCell(
                    goal=goal,
                    drafts=count["n"],
                    own_draft=count["mine"] > 0,
                    review=reviews.get((goal.pk, fiscal_year.pk)),
                )
            )
        rows.append(row)
    return {"rows": rows, "numbers": numbers}


@dataclass
class PanelTarget:
    """The fiscal year, the revision in force then and the goal (as it stood then) of one page."""

    fiscal_year: FiscalYear
    revision: Revision
    goal: BasicGoal


def panel_target(strategy: Strategy, year: int, number: int) -> PanelTarget:
    """404 unless the year is one of the strategy's and goal `number` was in force that year.

    Queries: the fiscal year (1), the revision in force (1), the goal (1)."""
    fiscal_year = FiscalYear.objects.filter(strategy=strategy, year=year).first()
    if fiscal_year is None:
        raise Http404(_("年度が見つかりません。"))
    fiscal_year.strategy = strategy
    revision = revision_for_year_or_404(strategy, year)
    goal = BasicGoal.objects.filter(strategy=strategy, number=number).in_force_at(revision).first()
    if goal is None:
        raise Http404(_("基本目標が見つかりません。"))
    goal.strategy = strategy
    return PanelTarget(fiscal_year, revision, goal)


@dataclass
class MeasureEvidence:
    measure: Measure
    rows: list[IndicatorRow] = field(default_factory=list)
    review: InternalReview | None = None
    outputs: list[ProjectOutput] = field(default_factory=list)


@dataclass
class PolicyEvidence:
    policy: Policy
    measures: list[MeasureEvidence] = field(default_factory=list)


def panel_review_page(strategy: Strategy, target: PanelTarget, user) -> dict:
    """Everything the panel weighs for one goal and year, unpublished results included, the tree
    as it stood in the revision in force that year; the drafts of every member; the final verdict.

    Queries: policies (1), measures (1), indicators (1), their wording at the revision (1), those
    of ``indicator_rows`` (3), internal verdicts (1), 事業量 (1) and their lines (1), drafts with
    their authors (1), the final verdict (1) and its opinions (1) — 13, whatever the data size."""
    fiscal_year, revision, goal = target.fiscal_year, target.revision, target.goal
    policies = list(Policy.objects.filter(goal=goal).in_force_at(revision).order_by("position"))
    measures = list(
        Measure.objects.filter(policy__goal=goal).in_force_at(revision).order_by("number")
    )
    measure_ids = [m.pk for m in measures]
    indicators = list(
        Indicator.objects.filter(strategy=strategy)
        .filter(Q(goal=goal, measure__isnull=True) | Q(measure__in=measure_ids))
        .in_force_at(revision)
        .order_by("position", "code")
    )
    worded = as_of([goal, *policies, *measures, *indicators], revision)
    goal = worded[0]
    policies = worded[1 : 1 + len(policies)]
    measures = worded[1 + len(policies) : 1 + len(policies) + len(measures)]
    indicators = worded[1 + len(policies) + len(measures) :]

    rows = rows_cut_at_year(
        indicator_rows(strategy, indicators, published_only=False),
        fiscal_year.year,
        strategy=strategy,
    )
    evidence = {m.pk: MeasureEvidence(measure=m) for m in measures}
    goal_rows = []
    for row in rows:
        if row.indicator.measure_id is None:
            goal_rows.append(row)
        elif row.indicator.measure_id in evidence:
            evidence[row.indicator.measure_id].rows.append(row)
    for review in InternalReview.objects.filter(measure__in=measure_ids, fiscal_year=fiscal_year):
        review.fiscal_year = fiscal_year
        evidence[review.measure_id].review = review

    outputs = list(
        ProjectOutput.objects.filter(fiscal_year=fiscal_year, measure__in=measure_ids)
        .select_related("project", "period_start", "period_end")
        .order_by("position")
    )
    lines = defaultdict(list)
    for line in ProjectOutputLine.objects.filter(
        output__fiscal_year=fiscal_year, output__measure__in=measure_ids
    ).order_by("output_id", "position"):
        lines[line.output_id].append(line)
    for output in outputs:
        output.line_items = lines[output.pk]
        evidence[output.measure_id].outputs.append(output)

    items = {p.pk: PolicyEvidence(policy=p) for p in policies}
    for measure in measures:
        if measure.policy_id in items:
            items[measure.policy_id].measures.append(evidence[measure.pk])

    drafts = list(
        PanelDraft.objects.filter(goal=goal, fiscal_year=fiscal_year)
        .select_related("author")
        .order_by("pk")
    )
    review = (
        PanelReview.objects.filter(goal=goal, fiscal_year=fiscal_year)
        .select_related("recorded_by")
        .first()
    )
    opinions = list(
        PanelOpinion.objects.filter(review__goal=goal, review__fiscal_year=fiscal_year).order_by(
            "position"
        )
    )
    return {
        "fiscal_year": fiscal_year,
        "revision": revision,
        "goal": goal,
        "goal_rows": goal_rows,
        "policies": list(items.values()),
        "drafts": drafts,
        "own_draft": next((d for d in drafts if d.author_id == user.pk), None),
        "review": review,
        "opinions": opinions if review is not None else [],
    }
