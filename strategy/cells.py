"""Spreadsheet cells that stay text. A cell that starts with = + - @ (or a tab or carriage
return) is run as a formula by Excel and LibreOffice ("CSV injection"); what staff typed must
open as the text they typed.

- CSV has no cell types: such a text gets a leading apostrophe, which spreadsheet programs hide
  and treat as "this is text". Numbers (-1.5) are left alone.
- XLSX does have types: openpyxl stores a string starting with "=" as a formula, so after a sheet
  is filled every formula cell is turned back into the text it was; nothing is added to it.

The open-data JSON (kpi/opendata/) is machine-readable and left exactly as stored; its CSV, meant
for spreadsheets too, neutralises formula-like text cells with csv_text.
"""

from decimal import Decimal, InvalidOperation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return True


def csv_text(value):
    """`value` as a CSV cell that no spreadsheet program runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def keep_text(workbook) -> None:
    """Turn every formula cell of `workbook` (openpyxl) back into plain text, in place."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
