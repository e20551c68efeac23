"""Downloads of a table exactly as the page filters and sorts it (every page): CSV and Excel."""

import io

import openpyxl
import tablib
from django.http import HttpResponse

from .cells import csv_text, keep_text

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel reads a CSV without a byte order mark as Shift_JIS and garbles Japanese.
UTF8_BOM = "\ufeff"


def table_dataset(table, *, title: str = "") -> tablib.Dataset:
    """The table's header row and all its rows (not one page), as the page words them."""
    header, *rows = table.as_values()
    return tablib.Dataset(*rows, headers=header, title=title[:31])


def table_response(table, export_format: str, *, filename: str, title: str = "") -> HttpResponse:
    """A download of `table` as `filename`.csv or `filename`.xlsx (`export_format` in FORMATS)."""
    dataset = table_dataset(table, title=title)
    if export_format == CSV:
        safe = tablib.Dataset(
            *([csv_text(v) for v in row] for row in dataset), headers=dataset.headers
        )
        content = (UTF8_BOM + safe.export("csv")).encode("utf-8")
    elif export_format == XLSX:
        book = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx")))
        keep_text(book)
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    else:
        raise ValueError(f"unknown export format: {export_format}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response
