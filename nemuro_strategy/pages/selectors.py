"""Reads for the public pages that combine the apps: the top page, a goal, a measure (the tree with
its indicators and verdicts) and the revision history. Each function preloads what its page
shows and runs a fixed number of queries whatever the size of the data; only published years are
shown."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from kpi.charts import alt_text, population_chart_data
from kpi.models import Indicator
from kpi.selectors import IndicatorRow, indicator_rows, progress_summary, with_chart_alt
from strategy.models import (
    BasicGoal,
    GoalDirection,
    Measure,
    Policy,
    PopulationFigure,
    ProjectListing,
    ProjectOutput,
    Strategy,
    revision_in_force,
)
from strategy.revisions import as_of, change_items, strategy_changes, wordings
from strategy.selectors import population_table
from verification.models import InternalReview, PanelOpinion, PanelReview


@dataclass
class GoalCard:
    goal: BasicGoal
    panel_review: PanelReview | None
    summary: dict


def top_page(strategy: Strategy) -> dict:
    """Goals in force with their latest published panel verdict and a progress summary of all
    their indicators; the population outlook."""
    revision = strategy.current_revision()
    goals = list(BasicGoal.objects.filter(strategy=strategy).in_force_at(revision))
    indicators = list(
        Indicator.objects.filter(strategy=strategy).in_force_at(revision).select_related("goal")
    )
    rows = indicator_rows(strategy, indicators, shared=True)
    rows_by_goal = defaultdict(list)
    for row in rows:
        rows_by_goal[row.indicator.goal_id].append(row)
    latest_panel = {}
    for review in (
        PanelReview.objects.published()
        .filter(goal__strategy=strategy)
        .select_related("fiscal_year")
        .order_by("fiscal_year__year")
    ):
        latest_panel[review.goal_id] = review
    cards = [
        GoalCard(goal, latest_panel.get(goal.pk), progress_summary(rows_by_goal[goal.pk]))
        for goal in goals
    ]
    figures = list(
        PopulationFigure.objects.filter(strategy=strategy, metric="total").order_by("year")
    )
    return {
        "revision": revision,
        "cards": cards,
        "population": population_table(figures),
        "population_alt": population_alt(figures),
        # the other plans of the same municipality; every strategy is in the directory
        "strategies": list(
            Strategy.objects.with_municipality().filter(municipality_id=strategy.municipality_id)
        ),
        "strategy_count": Strategy.objects.count(),
    }


def population_alt(figures) -> str:
    return alt_text(population_chart_data(figures)) if figures else ""


@dataclass
class MeasureItem:
    measure: Measure
    latest_review: InternalReview | None


@dataclass
class PolicyItem:
    policy: Policy
    measures: list[MeasureItem] = field(default_factory=list)


def goal_page(strategy: Strategy, number: int) -> dict:
    revision = strategy.current_revision()
    goal = BasicGoal.objects.filter(strategy=strategy, number=number).in_force_at(revision).first()
    if goal is None:
        raise Http404("基本目標が見つかりません。")
    directions = as_of(GoalDirection.objects.filter(goal=goal).in_force_at(revision), revision)
    indicators = Indicator.objects.filter(goal=goal).goal_level().in_force_at(revision)
    rows = with_chart_alt(indicator_rows(strategy, indicators, shared=True))
    panel = (
        PanelReview.objects.published()
        .filter(goal=goal)
        .select_related("fiscal_year")
        .prefetch_related(Prefetch("opinions", queryset=PanelOpinion.objects.order_by("position")))
        .order_by("fiscal_year__year")
    )
    policies = list(Policy.objects.filter(goal=goal).in_force_at(revision).order_by("position"))
    measures = as_of(
        Measure.objects.filter(policy__goal=goal).in_force_at(revision).order_by("number"),
        revision,
    )
    latest = {}
    for review in (
        InternalReview.objects.published()
        .filter(measure__in=[m.pk for m in measures])
        .select_related("fiscal_year")
        .order_by("fiscal_year__year")
    ):
        latest[review.measure_id] = review
    items = {p.pk: PolicyItem(policy=p) for p in policies}
    for measure in measures:
        if measure.policy_id in items:
            items[measure.policy_id].measures.append(MeasureItem(measure, latest.get(measure.pk)))
    return {
        "revision": revision,
        "goal": goal,
        "directions": directions,
        "rows": rows,
        "panel_reviews": list(panel),
        "policies": list(items.values()),
    }


@dataclass
class ReviewItem:
    review: InternalReview
    name_then: str  # the measure's name in the year of the verdict


@dataclass
class ListingItem:
    listing: ProjectListing
    outputs: list[ProjectOutput] = field(default_factory=list)


def measure_page(strategy: Strategy, code: str) -> dict:
    revision = strategy.current_revision()
    found = (
        Measure.objects.filter(strategy=strategy, code=code)
        .in_force_at(revision)
        .select_related("policy", "policy__goal")
        .first()
    )
    if found is None:
        raise Http404("施策が見つかりません。")
    (measure,) = as_of([found], revision)
    indicators = (
        Indicator.objects.filter(measure=measure).in_force_at(revision).order_by("position")
    )
    rows: list[IndicatorRow] = indicator_rows(strategy, indicators, shared=True)
    reviews = list(
        InternalReview.objects.published()
        .filter(measure=measure)
        .select_related("fiscal_year")
        .order_by("fiscal_year__year")
    )
    revisions = list(strategy.revisions.order_by("sequence"))
    worded = wordings(found, revisions)
    review_items = []
    for review in reviews:
        then = revision_in_force(revisions, review.fiscal_year.year)
        review_items.append(ReviewItem(review, worded[then.pk].name if then else measure.name))
    listings = list(
        ProjectListing.objects.filter(measure=measure)
        .in_force_at(revision)
        .select_related("project", "predecessor")
        .order_by("position")
    )
    listings = as_of(listings, revision)
    measure_ids = {measure.pk} | {
        item.predecessor.measure_id for item in listings if item.predecessor_id
    }
    outputs = defaultdict(list)
    for output in (
        ProjectOutput.objects.published()
        .filter(measure_id__in=measure_ids, project__in=[item.project_id for item in listings])
        .with_lines()
        .order_by("fiscal_year__year", "position")
    ):
        outputs[output.project_id].append(output)
    seen_projects = set()
    listing_items = []
    for listing in listings:
        # a project listed twice under one measure shows its outputs once
        shown = [] if listing.project_id in seen_projects else outputs.get(listing.project_id, [])
        seen_projects.add(listing.project_id)
        listing_items.append(ListingItem(listing, shown))
    return {
        "revision": revision,
        "measure": measure,
        "goal": measure.policy.goal,
        "policy": measure.policy,
        "rows": rows,
        "reviews": review_items,
        "listings": listing_items,
    }


def revisions_page(strategy: Strategy) -> dict:
    """Every revision with what it changed."""

    changes = strategy_changes(strategy)
    entries = [(c.revision, change_items(c)) for c in changes.values()]
    return {"entries": entries, "current": strategy.current_revision()}


@dataclass
class TreeMeasure:
    measure: Measure
    indicators: list = field(default_factory=list)
    listings: list = field(default_factory=list)


@dataclass
class TreePolicy:
    policy: Policy
    measures: list[TreeMeasure] = field(default_factory=list)


@dataclass
class TreeGoal:
    goal: BasicGoal
    indicators: list = field(default_factory=list)
    policies: list[TreePolicy] = field(default_factory=list)


def revision_tree_page(strategy: Strategy, sequence: int) -> dict:
    """The strategy tree as it stood at one revision, worded as it was then."""
    revision = strategy.revisions.filter(sequence=sequence).first()
    if revision is None:
        raise Http404("版が見つかりません。")
    goals = as_of(BasicGoal.objects.filter(strategy=strategy).in_force_at(revision), revision)
    policies = as_of(
        Policy.objects.filter(strategy=strategy).in_force_at(revision).order_by("position"),
        revision,
    )
    measures = as_of(
        Measure.objects.filter(strategy=strategy).in_force_at(revision).order_by("number"), revision
    )
    indicators = as_of(
        Indicator.objects.filter(strategy=strategy).in_force_at(revision).order_by("position"),
        revision,
    )
    listings = as_of(
        ProjectListing.objects.filter(measure__strategy=strategy)
        .in_force_at(revision)
        .select_related("project")
        .order_by("position"),
        revision,
    )
    tree_measures = {m.pk: TreeMeasure(m) for m in measures}
    for listing in listings:
        tree_measures[listing.measure_id].listings.append(listing)
    tree_policies = {p.pk: TreePolicy(p) for p in policies}
    for item in tree_measures.values():
        tree_policies[item.measure.policy_id].measures.append(item)
    tree_goals = {g.pk: TreeGoal(g) for g in goals}
    for indicator in indicators:
        if indicator.measure_id is None:
            tree_goals[indicator.goal_id].indicators.append(indicator)
        else:
            tree_measures[indicator.measure_id].indicators.append(indicator)
    for item in tree_policies.values():
        tree_goals[item.policy.goal_id].policies.append(item)
    counts = {
        "policies": len(policies),
        "measures": len(measures),
        "goal_indicators": sum(1 for i in indicators if i.measure_id is None),
        "kpis": sum(1 for i in indicators if i.measure_id is not None),
        "listings": len(listings),
    }
    return {
        "revision": revision,
        "tree": list(tree_goals.values()),
        "counts": counts,
        "revisions": list(strategy.revisions.order_by("sequence")),
    }
