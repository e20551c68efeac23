"""Chart images: an indicator's yearly results and the population outlook, as PNG.

Only published years reach a chart (``kpi.selectors.indicator_rows`` leaves the others out). The
PNG comes from the cache when the data has not changed; the ETag is the hash of the data, so a
browser's conditional GET gets a 304 without anything being drawn or read from the cache.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from kpi import charts
from kpi.chart_cache import cached_chart, chart_digest
from kpi.models import Indicator
from kpi.selectors import indicator_rows
from strategy.access import get_public_strategy
from strategy.models import PopulationFigure

# Browsers and proxies may reuse a chart for an hour, then revalidate it with its ETag.
CHART_MAX_AGE = 60 * 60


@require_safe
def indicator_chart(request, slug, code):
    """Queries: the strategy (1), the indicator (1), then indicator_rows: the fiscal years (1),
    the strategy's indicator chains (1), the published results (1)."""
    strategy = get_public_strategy(slug)
    indicator = get_object_or_404(Indicator.objects.with_tree(), strategy=strategy, code=code)
    [row] = indicator_rows(strategy, [indicator], published_only=True)
    data = charts.indicator_chart_data(row)
    return _png_response(request, "indicator", data, charts.indicator_chart)


@require_safe
def population_chart(request, slug):
    """Queries: the strategy (1), its total-population figures (1)."""
    strategy = get_public_strategy(slug)
    figures = PopulationFigure.objects.filter(
        strategy=strategy, metric=PopulationFigure.Metric.TOTAL
    )
    data = charts.population_chart_data(figures)
    if not data.projections:
        raise Http404("この総合戦略には人口の将来展望がありません。")
    return _png_response(request, "population", data, charts.population_chart)


def _png_response(request, kind, data, render) -> HttpResponse:
    etag = quote_etag(chart_digest(kind, data))
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(cached_chart(kind, data, render), content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CHART_MAX_AGE)
    return response
