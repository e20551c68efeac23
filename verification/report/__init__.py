"""The 効果検証調書 (effect-verification report) of one fiscal year, by concept:

- access: who may see which year (a preview for staff, 404 for the public);
- document: what a report holds (dataclasses of values, no wording);
- build: assembling it from the database in a fixed number of queries;
- chapter_one, population: the facts 第1章 and 第2章 are written from;
- pdf: the PDF, printed by WeasyPrint from the report's own HTML template, and cached;
- xlsx: 資料-1 as an Excel workbook.

Every word of the report lives in templates/verification/report*.html."""

from .access import PREVIEW_MARK, report_year, report_years
from .build import build_report
from .document import Report

__all__ = ["PREVIEW_MARK", "Report", "build_report", "report_year", "report_years"]
