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
