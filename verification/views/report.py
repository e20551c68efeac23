"""The 効果検証調書 of each year: the list of years, the report as an A4 page, the same page
printed as a PDF (WeasyPrint, cached), and its 資料-1 as an Excel workbook. Thin views over
verification.report; who may see which year is decided by ``report.report_year`` (an unpublished
year is a preview for staff and panel members, 404 for everyone else)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from strategy.access import can_view_unpublished, get_public_strategy
from verification import report
from verification.report.pdf import pdf_cache_key, pdf_response
from verification.report.xlsx import XLSX_CONTENT_TYPE, shiryo1_title, shiryo1_xlsx_bytes

REPORT_TEMPLATE = "verification/report.html"


def report_index(request, slug):
    strategy = get_public_strategy(slug)
    years = report.report_years(strategy, request.user)
    return render(
        request,
        "verification/report_index.html",
        {
            "strategy": strategy,
            "years": years,
            "can_preview": can_view_unpublished(request.user, strategy),
            "shiryo1_title": shiryo1_title(strategy),
            "preview_mark": report.PREVIEW_MARK,
            "breadcrumbs": [(None, _("効果検証調書"))],
        },
    )


def _report_context(strategy, fiscal_year, preview: bool) -> dict:
    return {
        "strategy": strategy,
        "report": report.build_report(strategy, fiscal_year, is_preview=preview),
        "preview_mark": report.PREVIEW_MARK,
        "shiryo1_title": shiryo1_title(strategy),
    }


def report_html(request, slug, year):
    strategy, fiscal_year, preview = report.report_year(request.user, slug, year)
    return render(request, REPORT_TEMPLATE, _report_context(strategy, fiscal_year, preview))


def report_pdf(request, slug, year):
    """The report page printed (A4, tagged). A cache hit costs the two queries of report_year."""
    strategy, fiscal_year, preview = report.report_year(request.user, slug, year)
    response = pdf_response(
        request,
        key=pdf_cache_key(request, strategy, "report", fiscal_year.year, preview=preview),
        template=REPORT_TEMPLATE,
        context=lambda: _report_context(strategy, fiscal_year, preview),
        filename=f"report-{fiscal_year.year}.pdf",
    )
    if preview:
        response["Cache-Control"] = "private"
    return response


def shiryo1_xlsx(request, slug, year):
    strategy, fiscal_year, preview = report.report_year(request.user, slug, year)
    content = shiryo1_xlsx_bytes(report.build_report(strategy, fiscal_year, is_preview=preview))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="shiryo1-{fiscal_year.year}.xlsx"'
    return response
