"""The 効果検証調書 of each year: the list of years, the report as an A4 page, as a PDF, and its
資料-1 as an Excel workbook. Thin views over verification.report; who may see which year is decided
by ``report.report_year`` (an unpublished year is a preview for staff and panel members, 404 for
everyone else)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from strategy.access import can_view_unpublished, get_public_strategy
from verification import report
from verification.report_pdf import report_pdf_bytes
from verification.report_xlsx import XLSX_CONTENT_TYPE, shiryo1_xlsx_bytes


def report_index(request, slug):
    strategy = get_public_strategy(slug)
    years = report.report_years(strategy, request.user)
    return render(
        request,
        "verification/report_index.html",
        {
            "strategy": strategy,
            "years": years,
            "can_preview": can_view_unpublished(request.user),
            "shiryo1_title": report.shiryo1_title(strategy),
            "preview_mark": report.PREVIEW_MARK,
            "breadcrumbs": [(None, _("効果検証調書"))],
        },
    )


def report_html(request, slug, year):
    strategy, fiscal_year, preview = report.report_year(request.user, slug, year)
    context = report.build_report(strategy, fiscal_year, is_preview=preview)
    return render(
        request,
        "verification/report.html",
        {"strategy": strategy, "report": context, "preview_mark": report.PREVIEW_MARK},
    )


def report_pdf(request, slug, year):
    strategy, fiscal_year, preview = report.report_year(request.user, slug, year)
    content = report_pdf_bytes(report.build_report(strategy, fiscal_year, is_preview=preview))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{fiscal_year.year}.pdf"'
    return response


def shiryo1_xlsx(request, slug, year):
    strategy, fiscal_year, preview = report.report_year(request.user, slug, year)
    content = shiryo1_xlsx_bytes(report.build_report(strategy, fiscal_year, is_preview=preview))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="shiryo1-{fiscal_year.year}.xlsx"'
    return response
