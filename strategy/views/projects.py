"""The public project list: every row of the 具体的な事業 tables in force, filterable, sortable,
paginated, and downloadable as CSV or Excel exactly as filtered and sorted."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from strategy import exports
from strategy.access import get_public_strategy
from strategy.filters import ProjectListingFilter
from strategy.selectors import listing_rows, measures_in_force
from strategy.tables import ProjectListingTable

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
