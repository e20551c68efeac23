"""The A4 sheet of one indicator (chart, table, progress, target history): the public indicator
page (templates/kpi/indicator_detail.html, from ``kpi.selectors.indicator_page``, so published
years only) printed as a tagged PDF with static/css/sheet.css, cached under the strategy's data
version. The goal sheet, which needs the goal page's reads, lives with that page
(nemuro_strategy/pages/sheets.py)."""

from kpi import selectors
from strategy.access import get_public_strategy
from verification.report.pdf import pdf_cache_key, pdf_response

SHEET_STYLESHEETS = ("css/sheet.css",)


def indicator_sheet(request, slug, code):
    strategy = get_public_strategy(slug)

    def context() -> dict:
        page = selectors.indicator_page(strategy, code)
        page["chart_alt"] = selectors.with_chart_alt([page["row"]])[0].alt
        return {"strategy": strategy, **page}

    return pdf_response(
        request,
        key=pdf_cache_key(request, strategy, "indicator-sheet", code),
        template="kpi/indicator_detail.html",
        context=context,
        filename=f"indicator-{code}.pdf",
        stylesheets=SHEET_STYLESHEETS,
    )
