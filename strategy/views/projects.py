"""The public project list: every row of the 具体的な事業 tables in force, filterable, sortable,
paginated, and downloadable as CSV or Excel exactly as filtered and sorted."""

from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from strategy import exports
from strategy.access import get_public_strategy
from strategy.filters import ProjectListingFilter
from strategy.models import Amendment, Measure, ProjectListing, Revision, Strategy
from strategy.tables import DOCUMENT_ORDER, ProjectListingTable

PER_PAGE = 25
EXPORT_PARAM = "_export"
EXPORT_FILENAME = "projects"


def project_list(request, slug):
    strategy = get_public_strategy(slug)
    revision = strategy.current_revision()
    measures = measures_in_force(strategy, revision)
    rows = listing_rows(strategy, revision)
    filterset = ProjectListingFilter(request.GET, queryset=rows, measures=measures)
    # Strict, like django-filter's FilterView: a value that does not validate shows its error and
    # no rows, rather than silently dropping that condition (and exporting rows not asked for).
    listings = filterset.qs if filterset.is_valid() else rows.none()
    table = ProjectListingTable(listings, strategy_slug=strategy.slug)

    export_format = request.GET.get(EXPORT_PARAM)
    if export_format in exports.FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        return exports.table_response(
            table, export_format, filename=EXPORT_FILENAME, title=_("具体的な事業")
        )

    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "strategy/project_list.html",
        {
            "strategy": strategy,
            "revision": revision,
            "filterset": filterset,
            "table": table,
            "page_range": table.paginator.get_elided_page_range(table.page.number),
            "export_links": _export_links(request),
            "is_filtered": any(request.GET.get(name) for name in filterset.filters),
            "breadcrumbs": [(None, _("事業一覧"))],
        },
    )


def _export_links(request) -> list[tuple[str, str]]:
    """Download links that keep the current filters and sort (every page is exported)."""
    links = []
    for export_format, label in ((exports.CSV, _("CSV")), (exports.XLSX, _("Excel（xlsx）"))):
        params = request.GET.copy()
        params.pop("page", None)
        params[EXPORT_PARAM] = export_format
        links.append((label, f"?{params.urlencode()}"))
    return links


# -- reads ----------------------------------------------------------------------------------------
# (page-specific selectors; they would sit well in strategy/selectors.py next to the other pages')


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
