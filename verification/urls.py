"""Public pages of the verification app: the 効果検証調書 of each published year (page, PDF) and
資料-1, and the A4 sheet of an indicator."""

from django.urls import path

from strategy.http import public_page

from .views import report, sheets

app_name = "verification"

urlpatterns = [
    path("s/<slug:slug>/reports/", public_page(report.report_index), name="report_index"),
    path("s/<slug:slug>/reports/<int:year>/", public_page(report.report_html), name="report"),
    path("s/<slug:slug>/reports/<int:year>/report.pdf", report.report_pdf, name="report_pdf"),
    path("s/<slug:slug>/reports/<int:year>/shiryo1.xlsx", report.shiryo1_xlsx, name="shiryo1"),
    path(
        "s/<slug:slug>/indicators/<str:code>/sheet.pdf",
        sheets.indicator_sheet,
        name="indicator_sheet",
    ),
]
