"""The entry sheet as a file: reading an upload (.xlsx or .csv) into rows, and the sheet to
download, prefilled. Messages name the row as Excel numbers it (the header is row 1)."""

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

import tablib
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export.formats.base_formats import XLSX

from strategy.models import FiscalYear, Strategy

from ..models import Achievement, ImportJob
from .resource import COLUMNS, REQUIRED_COLUMNS, AchievementSheetResource
from .widgets import cell_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
SHEET_CACHE_SECONDS = 60 * 60
XLSX_CONTENT_TYPE = XLSX.CONTENT_TYPE

WRONG_TYPE = _lazy("Excel（.xlsx）またはCSVファイルを選んでください。")
EMPTY_FILE = _lazy("ファイルが空です。入力用シートに実績を入力してから選んでください。")
NO_DATA_ROWS = _lazy(
    "データの行がありません。1行目の見出しの下（2行目から）に指標ごとの実績を入力してください。"
)


@dataclass
class Sheet:
    """The first worksheet (or the CSV) of an upload: its column names and its non-blank rows,
    each with the number Excel shows for it."""

    headers: list[str]
    rows: list[tuple[int, list]]

    def dataset(self, rows: list[tuple[int, list]]) -> tablib.Dataset:
        """The given rows as a tablib Dataset of the sheet's known columns, for the resource."""
        columns = [name for name in COLUMNS if name in self.headers]
        index = [self.headers.index(name) for name in columns]
        return tablib.Dataset(*[[cells[i] for i in index] for _, cells in rows], headers=columns)


def read_sheet(*, filename: str, data: bytes) -> Sheet:
    """Read an uploaded .xlsx or .csv (UTF-8, or Shift_JIS as Japanese Excel saves it). Raises
    ValidationError with a message for the person who chose the file."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    if not data:
        raise ValidationError(EMPTY_FILE, code="empty_file")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("ファイルが大きすぎます（%(limit)dMBまで）。"), code="too_large", params={"limit": 5}
        )
    raw = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data)
    if not raw or all(cell_text(cell) == "" for cell in raw[0]):
        raise ValidationError(
            _("シートが空です。1行目に見出し（%(columns)s）が必要です。"),
            code="empty_sheet",
            params={"columns": "、".join(COLUMNS)},
        )
    headers = [cell_text(cell) for cell in raw[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    if missing:
        raise ValidationError(
            _(
                "必要な列がありません：%(missing)s。ダウンロードした入力用シートの1行目"
                "（%(columns)s）を変えずに使ってください。"
            ),
            code="missing_columns",
            params={
                "missing": "".join(f"「{name}」" for name in missing),
                "columns": "、".join(COLUMNS),
            },
        )
    doubled = [name for name in COLUMNS if headers.count(name) > 1]
    if doubled:
        raise ValidationError(
            _("同じ見出しの列が2つ以上あります：%(doubled)s。"),
            code="duplicate_columns",
            params={"doubled": "".join(f"「{name}」" for name in doubled)},
        )
    known = [headers.index(name) for name in COLUMNS if name in headers]
    rows = []
    for number, cells in enumerate(raw[1:], start=2):
        cells = list(cells[: len(headers)]) + [None] * (len(headers) - len(cells))
        if any(cell_text(cells[i]) for i in known):
            rows.append((number, cells))
    if not rows:
        raise ValidationError(NO_DATA_ROWS, code="no_data_rows")
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("行が多すぎます（%(limit)s行まで）。"),
            code="too_many_rows",
            params={"limit": "10,000"},
        )
    return Sheet(headers=headers, rows=rows)


def _xlsx_rows(data: bytes) -> list[tuple]:
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook, a broken file
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong used range
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1000:  # blank rows are dropped later; stop a runaway sheet
                break
        return rows
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    if data.startswith((b"PK\x03\x04", b"%PDF")) or b"\x00" in data[:4096]:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error


def sheet_of(job: ImportJob, sheet: Sheet | None = None) -> Sheet:
    """The job's file, read. Each chunk of the check needs it, and reading a 1,000-row workbook
    costs more than checking 200 rows, so it is kept in the cache under the file's digest (the
    stored bytes stay the record; a cache miss reads them again)."""
    data = bytes(job.data)
    key = f"kpi:import-sheet:{hashlib.sha256(data).hexdigest()}:{PurePath(job.filename).suffix}"
    if sheet is None:
        sheet = cache.get(key)
    if sheet is None:
        sheet = read_sheet(filename=job.filename, data=data)
    cache.set(key, sheet, SHEET_CACHE_SECONDS)
    return sheet


# --- the sheet to download ---------------------------------------------------------------------

COLUMN_WIDTHS = {"A": 12, "B": 64, "C": 10, "D": 8, "E": 14, "F": 14, "G": 11, "H": 32}


def entry_sheet_xlsx(*, strategy: Strategy, fiscal_year: FiscalYear, department_ids=None) -> bytes:
    """The entry sheet of `fiscal_year`: one row per indicator in force that year (only those of
    `department_ids` when given), prefilled with its stored result (empty when there is none).
    Queries: revision, indicators, results."""
    resource = AchievementSheetResource(
        strategy=strategy, fiscal_year=fiscal_year, department_ids=department_ids
    )
    rows = resource.rows_for_sheet()
    dataset = resource.export(queryset=rows)
    dataset.title = f"{fiscal_year.short_label} 実績入力"
    return _dressed(XLSX().export_data(dataset), rows)


def _dressed(content: bytes, rows: list[Achievement]) -> bytes:
    """Column widths for Japanese text, numbers shown with the indicator's decimals, and a
    drop-down for 状態."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    from strategy.cells import keep_text

    book = openpyxl.load_workbook(io.BytesIO(content))
    keep_text(book)  # a note typed as "=…" stays text on its way back in
    sheet = book.worksheets[0]
    for column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[column].width = width
    for number, achievement in enumerate(rows, start=2):
        decimals = achievement.indicator.decimals
        number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
        for column in ("E", "F"):
            sheet[f"{column}{number}"].number_format = number_format
    states = "、".join(str(label) for _, label in Achievement.State.choices)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for _, label in Achievement.State.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状態",
        error=f"{states} のいずれかを選んでください。",
    )
    sheet.add_data_validation(validation)
    validation.add(f"G2:G{max(len(rows) + 1, 2)}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def entry_sheet_filename(strategy: Strategy, fiscal_year: FiscalYear) -> str:
    return f"{strategy.municipality.code}_{strategy.slug}_{fiscal_year.year}_entry.xlsx"
