"""Which 担当課 enters which indicators: the secretariat assigns each measure (its KPIs and
projects follow) and each 数値目標 (goal-level indicator, which has no measure) to a department of
the strategy's municipality. The seeds name no departments, so a strategy starts unassigned; the
page lists what is still 未割当. An indicator or a project listing whose department differs from
its measure's is set on its own admin page."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from strategy.models import Department, Measure, Strategy

from .models import Indicator


@dataclass
class Assignments:
    """What the page shows: the measures and 数値目標 in force, in the document's order, with
    their departments, and the municipality's departments to choose from."""

    departments: list[Department]
    measures: list[Measure]
    goal_indicators: list[Indicator]

    @property
    def unassigned_measures(self) -> list[Measure]:
        return [m for m in self.measures if m.department_id is None]

    @property
    def unassigned_indicators(self) -> list[Indicator]:
        return [i for i in self.goal_indicators if i.department_id is None]


def assignments_of(strategy: Strategy) -> Assignments:
    """Queries: departments, revision (unless known), measures in force, 数値目標 in force (3–4)."""
    revision = strategy.current_revision()
    return Assignments(
        departments=list(Department.objects.filter(municipality_id=strategy.municipality_id)),
        measures=list(
            Measure.objects.filter(strategy=strategy)
            .in_force_at(revision)
            .select_related("department")
            .in_tree_order()
        ),
        goal_indicators=list(
            Indicator.objects.filter(strategy=strategy, measure=None)
            .in_force_at(revision)
            .select_related("department", "goal")
            .in_tree_order()
        ),
    )


@transaction.atomic
def departments_assign(
    *,
    strategy: Strategy,
    measures: dict[int, int | None],
    indicators: dict[int, int | None],
    user,
) -> int:
    """Set the department of these measures and 数値目標 (id → department id, None for 未割当);
    all or nothing. A department of another municipality, or a measure or indicator of another
    strategy, is refused. Returns how many rows changed; each changed indicator is saved with
    its history."""
    allowed = set(
        Department.objects.filter(municipality_id=strategy.municipality_id).values_list(
            "pk", flat=True
        )
    )
    wanted = {*measures.values(), *indicators.values()} - {None}
    if not wanted <= allowed:
        raise ValidationError(
            _("この団体の担当課ではない課が指定されました。"), code="department_other_municipality"
        )
    changed = 0
    # ordered by id alone: the default ordering joins the policy and goal, which PostgreSQL
    # refuses to lock
    rows = (
        Measure.objects.select_for_update()
        .filter(strategy=strategy, pk__in=list(measures))
        .order_by("pk")
    )
    if len(rows) != len(measures):
        raise ValidationError(
            _("この総合戦略の施策ではありません。"), code="measure_other_strategy"
        )
    for measure in rows:
        if measure.department_id != measures[measure.pk]:
            Measure.objects.filter(pk=measure.pk).update(department_id=measures[measure.pk])
            changed += 1
    goal_level = (
        Indicator.objects.select_for_update()
        .filter(strategy=strategy, measure=None, pk__in=list(indicators))
        .order_by("pk")
    )
    if len(goal_level) != len(indicators):
        raise ValidationError(
            _("この総合戦略の数値目標ではありません。"), code="indicator_other_strategy"
        )
    for indicator in goal_level:
        if indicator.department_id != indicators[indicator.pk]:
            indicator.department_id = indicators[indicator.pk]
            indicator._history_user = user
            indicator.save(update_fields=["department"])
            changed += 1
    return changed
