"""The entry sheet as a file: reading an upload (.xlsx or .csv) into rows, and the sheet to
download, prefilled. Messages name the row as Excel numbers it (the header is row 1).

An upload is checked against the limits (``Limits``, from the IMPORT_* settings) before and while
it is read, so that a small file cannot cost the server minutes and gigabytes:

1. the file's size (IMPORT_MAX_BYTES);
2. an .xlsx is a zip: its table of contents is read first (``_check_zip``), and a workbook whose
   parts unzip to more than IMPORT_MAX_UNZIPPED_BYTES, or one part of which is compressed more
   than ``MAX_RATIO`` times (a shared-strings bomb), is refused before openpyxl opens it. The
   sizes in the table of contents bound what can be read: Python's zipfile stops a part at its
   declared size;
3. the first worksheet's XML is scanned as a stream (``_scan_worksheet``): more rows than
   IMPORT_MAX_ROWS or more cells in a row than ``MAX_COLUMNS`` stop the scan at once;
4. openpyxl reads the sheet in ``read_only`` mode (streaming): the declared dimensions are checked
   before iterating, and reading stops at the first row over the limits or the first cell longer
   than IMPORT_MAX_CELL_CHARS. A CSV is checked the same way row by row.
"""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree.ElementTree import ParseError, iterparse

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export.formats.base_formats import XLSX

from strategy.models import FiscalYear, Strategy

from ..models import Achievement, ImportJob
from .resource import COLUMNS, REQUIRED_COLUMNS, AchievementSheetResource
from .widgets import cell_text

MAX_COLUMNS = 50  # the sheet has 8; a few more columns of the user's own are fine
MAX_RATIO = 100  # an ordinary sheet's XML compresses 5–25 times; a bomb 1,000 times
RATIO_FROM_BYTES = 1024 * 1024  # small parts may compress well without harm
MAX_ZIP_MEMBERS = 1_000
# XML elements of the worksheet per allowed row: a cell is 2–4 (<c><v>, <c><is><t>), a row of
# MAX_COLUMNS cells fits; thousands of elements that are not cells do not
ELEMENTS_PER_ROW = 100
SHEET_CACHE_SECONDS = 60 * 60
XLSX_CONTENT_TYPE = XLSX.CONTENT_TYPE

WRONG_TYPE = _lazy("Excel（.xlsx）またはCSVファイルを選んでください。")
EMPTY_FILE = _lazy("ファイルが空です。入力用シートに実績を入力してから選んでください。")
NO_DATA_ROWS = _lazy(
    "データの行がありません。1行目の見出しの下（2行目から）に指標ごとの実績を入力してください。"
)


@dataclass(frozen=True)
class Limits:
    """What an upload may be (settings IMPORT_MAX_*, read when a file is read)."""

    max_bytes: int
    max_rows: int
    max_cell_chars: int
    max_unzipped_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            max_unzipped_bytes=settings.IMPORT_MAX_UNZIPPED_BYTES,
        )


def size_label(size: int) -> str:
    """「2 MB」「512 KB」「900 バイト」."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:,.1f}".removesuffix(".0") + " KB"
    return f"{size:,} バイト"


def too_large(size: int, limits: Limits) -> ValidationError:
    return ValidationError(
        _("ファイルが大きすぎます（%(limit)sまで。選んだファイルは%(size)s）。"),
        code="too_large",
        params={"limit": size_label(limits.max_bytes), "size": size_label(size)},
    )


def _too_many_rows(limits: Limits) -> ValidationError:
    return ValidationError(
        _(
            "行が多すぎます（1行目の見出しを除いて%(limit)s行まで）。"
            "行を分けて、いくつかのファイルで取り込んでください。何も保存していません。"
        ),
        code="too_many_rows",
        params={"limit": f"{limits.max_rows:,}"},
    )


def _too_many_columns() -> ValidationError:
    return ValidationError(
        _(
            "列が多すぎます（%(limit)d列まで）。入力用シートの列（%(columns)s）だけを残して"
            "ください。何も保存していません。"
        ),
        code="too_many_columns",
        params={"limit": MAX_COLUMNS, "columns": "、".join(COLUMNS)},
    )


def _cell_too_long(row: int, column: int, length: int, limits: Limits) -> ValidationError:
    from openpyxl.utils import get_column_letter

    return ValidationError(
        _(
            "%(row)d行目の%(column)s列のセルが長すぎます（%(limit)s文字まで。このセルは"
            "%(length)s文字）。何も保存していません。"
        ),
        code="cell_too_long",
        params={
            "row": row,
            "column": get_column_letter(column),
            "limit": f"{limits.max_cell_chars:,}",
            "length": f"{length:,}",
        },
    )


def _sheet_too_large(limits: Limits) -> ValidationError:
    return ValidationError(
        _(
            "シートの内容が多すぎて読み込めません（見出しを除いて%(rows)s行、%(columns)d列まで）。"
            "ダウンロードした入力用シートに値だけを入力して、もう一度選んでください。"
            "何も保存していません。"
        ),
        code="sheet_too_large",
        params={"rows": f"{limits.max_rows:,}", "columns": MAX_COLUMNS},
    )


def _unzipped_too_large(limits: Limits) -> ValidationError:
    return ValidationError(
        _(
            "このExcelファイルは、展開すると大きすぎるため読み込めません（展開後%(limit)sまで）。"
            "ダウンロードした入力用シートに値だけを入力して、もう一度選んでください。"
            "何も保存していません。"
        ),
        code="unzipped_too_large",
        params={"limit": size_label(limits.max_unzipped_bytes)},
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
    limits = Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise too_large(len(data), limits)
    raw = _xlsx_rows(data, limits) if suffix == ".xlsx" else _csv_rows(data, limits)
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
    return Sheet(headers=headers, rows=rows)


def _xlsx_rows(data: bytes, limits: Limits) -> list[tuple]:
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    _check_zip(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook, a broken file
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    try:
        sheet = book.worksheets[0]
        _scan_worksheet(data, getattr(sheet, "_worksheet_path", None), limits)
        # the declared used range, before a single row is read
        if (sheet.max_row or 0) > limits.max_rows + 1:
            raise _too_many_rows(limits)
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_many_columns()
        sheet.reset_dimensions()  # some writers record a wrong used range
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_row(number, row, limits)
            rows.append(row)
        return rows
    finally:
        book.close()


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a workbook that would unzip to too much, from the zip's table of contents alone."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValidationError(WRONG_TYPE, code="wrong_type")
        total = 0
        for member in members:
            total += member.file_size
            if total > limits.max_unzipped_bytes:
                raise _unzipped_too_large(limits)
            if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            ):
                raise _unzipped_too_large(limits)


def _scan_worksheet(data: bytes, path: str | None, limits: Limits) -> None:
    """Count the rows of the worksheet's XML, and the cells of each row, as a stream, stopping at
    the first row over the limits: openpyxl reads a whole row at once, so a single row of a
    million cells must be refused before it does."""
    if not path:
        return
    rows = cells = elements = 0
    most_elements = (limits.max_rows + 1) * ELEMENTS_PER_ROW
    open_elements = []  # each element is dropped from its parent once read: memory stays flat
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as xml:
            for event, element in iterparse(xml, events=("start", "end")):
                if event == "end":
                    open_elements.pop()
                    if open_elements:
                        open_elements[-1].remove(element)
                    continue
                open_elements.append(element)
                elements += 1
                if elements > most_elements:
                    raise _sheet_too_large(limits)
                tag = element.tag.rpartition("}")[2]
                if tag == "row":
                    rows, cells = rows + 1, 0
                    if rows > limits.max_rows + 1:
                        raise _too_many_rows(limits)
                elif tag == "c":
                    cells += 1
                    if cells > MAX_COLUMNS:
                        raise _too_many_columns()
    except (KeyError, ParseError, zipfile.BadZipFile, OSError) as error:
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error


def _check_row(number: int, row, limits: Limits) -> None:
    """One row as read (Excel's row `number`): within the limits, or ValidationError."""
    if number > limits.max_rows + 1:
        raise _too_many_rows(limits)
    if len(row) > MAX_COLUMNS and any(cell not in (None, "") for cell in row[MAX_COLUMNS:]):
        raise _too_many_columns()
    for column, cell in enumerate(row, start=1):
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise _cell_too_long(number, column, len(cell), limits)


def _csv_rows(data: bytes, limits: Limits) -> list[list[str]]:
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
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):
            _check_row(number, row, limits)
            rows.append(row)
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # a cell of over 131,072 characters
            raise ValidationError(
                _(
                    "%(row)d行目に長すぎるセルがあります（%(limit)s文字まで）。何も保存していません。"
                ),
                code="cell_too_long",
                params={"row": len(rows) + 1, "limit": f"{limits.max_cell_chars:,}"},
            ) from error
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error
    return rows


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
