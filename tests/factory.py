"""Small builders for data made in code (a second strategy, a bare indicator)."""

import datetime
from decimal import Decimal

from kpi.models import Indicator
from strategy.models import BasicGoal, Measure, Municipality, Policy, Revision, Strategy
from strategy.services import fiscal_years_sync


def make_strategy(
    *,
    code: str = "011002",
    name: str = "札幌市",
    slug: str = "sapporo-2020",
    first: int = 2020,
    last: int = 2024,
) -> Strategy:
    municipality, _ = Municipality.objects.get_or_create(
        code=code, defaults={"prefecture": "北海道", "name": name}
    )
    strategy = Strategy.objects.create(
        municipality=municipality,
        slug=slug,
        name=f"第2期{name}まち・ひと・しごと創生総合戦略",
        philosophy="",
        first_fiscal_year=first,
        last_fiscal_year=last,
    )
    fiscal_years_sync(strategy=strategy)
    Revision.objects.create(
        strategy=strategy,
        sequence=1,
        status=Revision.Status.FORMULATED,
        title="策定",
        date=datetime.date(first, 3, 31),
        first_fiscal_year=first,
    )
    return strategy


def make_tree(strategy: Strategy) -> Indicator:
    """One goal, policy, measure and KPI (codes shared with Nemuro's on purpose)."""
    first = strategy.revisions.get(sequence=1)
    goal = BasicGoal.objects.create(strategy=strategy, number=1, title="目標", introduced_in=first)
    policy = Policy.objects.create(
        strategy=strategy,
        goal=goal,
        code="1ア",
        letter="ア",
        position=1,
        name="施策",
        introduced_in=first,
    )
    measure = Measure.objects.create(
        strategy=strategy, policy=policy, code="1ア①", number=1, name="方向", introduced_in=first
    )
    return Indicator.objects.create(
        strategy=strategy,
        goal=goal,
        measure=measure,
        code="1ア①-1",
        position=1,
        name="相談件数",
        unit="件",
        direction="higher",
        kind="cumulative",
        target_value=Decimal("100"),
        target_text="5年で100件",
        introduced_in=first,
    )


def extra_indicator(
    first: Revision, i: int, *, goal, measure, prefix: str = "extra", **fields
) -> Indicator:
    """An extra KPI (or 数値目標 when `measure` is None), unsaved, in force from `first`: a level
    indicator 10 → 20件 coded `{prefix}-{i}`; `fields` override any of that."""
    values = {
        "code": f"{prefix}-{i}",
        "position": 100 + i,
        "name": f"追加指標{i}",
        "unit": "件",
        "direction": "higher",
        "kind": "level",
        "baseline_value": Decimal("10"),
        "target_value": Decimal("20"),
        "target_text": "5年で20件",
        **fields,
    }
    return Indicator(
        strategy=first.strategy, goal=goal, measure=measure, introduced_in=first, **values
    )


def grow_strategy(strategy: Strategy, n: int = 20) -> None:
    """Add `n` KPIs (with H27/H28 results and one H29 draft value), `n` goal-level indicators,
    `n` project listings with outputs under existing measures: the same pages must then run the
    same number of queries."""
    from kpi.models import Achievement
    from strategy.models import (
        FiscalYear,
        Project,
        ProjectListing,
        ProjectOutput,
        ProjectOutputLine,
    )

    first = strategy.revisions.get(sequence=1)
    measure = Measure.objects.get(strategy=strategy, code="1ア①")
    goal = measure.policy.goal
    years = {fy.year: fy for fy in FiscalYear.objects.filter(strategy=strategy)}
    # the new 数値目標 belong to the department that has the goal's others (if any)
    goal_department = (
        Indicator.objects.filter(goal=goal, measure=None)
        .values_list("department_id", flat=True)
        .first()
    )
    for i in range(n):
        for prefix, parent in (("extra", measure), ("goal-extra", None)):
            indicator = extra_indicator(first, i, goal=goal, measure=parent, prefix=prefix)
            if parent is None:
                indicator.department_id = goal_department
            indicator.save()
            for year, value in ((2015, 12), (2016, 14), (2017, 16)):
                Achievement.objects.create(
                    indicator=indicator, fiscal_year=years[year], value=Decimal(value)
                )
        project = Project.objects.create(strategy=strategy, name=f"追加事業{i}")
        ProjectListing.objects.create(
            measure=measure,
            project=project,
            position=100 + i,
            category="新規",
            content="内容",
            introduced_in=first,
        )
        output = ProjectOutput.objects.create(
            measure=measure,
            project=project,
            fiscal_year=years[2016],
            period_start=years[2015],
            period_end=years[2016],
            position=100 + i,
            title=f"追加事業{i}",
        )
        ProjectOutputLine.objects.create(
            output=output, position=1, label="件数", text="延べ5件", value=5, unit="件"
        )
