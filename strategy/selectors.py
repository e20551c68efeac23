"""Reads of the strategy app's own public pages: the project list (every row of the 具体的な事業
tables in force, with what its columns and filters show) and the population table. Pages that
combine the strategy with its indicators and verdicts are assembled in nemuro_strategy.pages."""

from dataclasses import dataclass

from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from strategy.models import Amendment, Measure, ProjectListing, Revision, Strategy
from strategy.tables import DOCUMENT_ORDER


def worded_at(revision: Revision, model, field: str, *, pk: str = "pk", path: str | None = None):
    """An expression for `field` of a `model` node as worded at `revision`: the old value of the
    first amendment a later revision made to it, else the value the row holds (the newest). The
    database counterpart of `strategy.revisions.as_of`, so that filters and sorting see the same
    wording as the page; a subquery, no query of its own. `pk` names the node's id and `path` the
    field, relative to the queryset being annotated."""
    later = (
        Amendment.objects.filter(
            revision__strategy_id=revision.strategy_id,
            revision__sequence__gt=revision.sequence,
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id=OuterRef(pk),
            field=field,
        )
        .order_by("revision__sequence")
        .values("old_value")[:1]
    )
    return Coalesce(Subquery(later), F(path or field), output_field=CharField())


def listing_rows(strategy: Strategy, revision: Revision | None):
    """The listings in force at `revision`, in the printed order, with measure, policy, goal and
    project preloaded, and their 区分, 内容, 実施主体 and measure name as worded at `revision`
    (`category_then`, `content_then`, `partner_then`, `measure_name_then`). One query."""
    if revision is None:  # a strategy with nothing adopted yet (only a draft) has nothing in force
        return ProjectListing.objects.none()
    return (
        ProjectListing.objects.filter(measure__strategy=strategy)
        .in_force_at(revision)
        .select_related("measure__policy__goal", "project")
        .annotate(
            category_then=worded_at(revision, ProjectListing, "category"),
            content_then=worded_at(revision, ProjectListing, "content"),
            partner_then=worded_at(revision, ProjectListing, "partner"),
            measure_name_then=worded_at(
                revision, Measure, "name", pk="measure_id", path="measure__name"
            ),
        )
        .order_by(*DOCUMENT_ORDER)
    )


def measures_in_force(strategy: Strategy, revision: Revision | None) -> list[Measure]:
    """The measures in force at `revision` with their policy and goal, named as at `revision`
    (`name_then`), in the printed order: the choices of the filters. One query."""
    if revision is None:
        return []
    return list(
        Measure.objects.filter(strategy=strategy)
        .in_force_at(revision)
        .select_related("policy__goal")
        .annotate(name_then=worded_at(revision, Measure, "name"))
        .order_by("policy__goal__number", "policy__position", "number")
    )


@dataclass
class PopulationRow:
    year: int
    ipss: object = None
    city: object = None
    actual: object = None

    @property
    def difference(self):
        if self.ipss is None or self.city is None:
            return None
        return self.city - self.ipss


def population_table(figures) -> list[PopulationRow]:
    """Total population by year: actual, 社人研推計 and 根室市推計 (the city's targets)."""
    rows: dict[int, PopulationRow] = {}
    for figure in figures:
        row = rows.setdefault(figure.year, PopulationRow(year=figure.year))
        if figure.series in ("ipss", "city", "actual"):
            setattr(row, figure.series, figure.value)
    return list(rows.values())
