"""The Excel round trip of a fiscal year's results.

Download: `entry_sheet_xlsx` — one row per indicator in force that year, prefilled.
Upload: `import_create` stores the file in an ImportJob; `import_advance` checks the next chunk of
rows (a dry run through the resource: nothing but the job is written) until every row is checked
and the job holds the preview; `import_apply` then writes every row in one transaction, or none.

Messages name the row as Excel numbers it (the header is row 1) and the cell as it was typed."""

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

import tablib
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export.formats.base_formats import XLSX
from import_export.results import RowResult

from strategy.models import FiscalYear, Strategy

from .models import Achievement, ImportJob
from .resources import (
    CELL_ERROR,
    COLUMNS,
    REQUIRED_COLUMNS,
    AchievementSheetResource,
    cell_text,
)

CHUNK_ROWS = 200
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
SHEET_CACHE_SECONDS = 60 * 60
XLSX_CONTENT_TYPE = XLSX.CONTENT_TYPE

WRONG_TYPE = _lazy("Excel（.xlsx）またはCSVファイルを選んでください。")
EMPTY_FILE = _lazy("ファイルが空です。入力用シートに実績を入力してから選んでください。")
NO_DATA_ROWS = _lazy(
    "データの行がありません。1行目の見出しの下（2行目から）に指標ごとの実績を入力してください。"
)


class PreviewKind(models.TextChoices):
    """What confirming the import would do to a row's result (stored in each preview row)."""

    NEW = "new", _lazy("新規")
    UPDATE = "update", _lazy("更新")
    UNCHANGED = "unchanged", _lazy("変更なし")
    INVALID = "invalid", _lazy("エラー")


_KINDS = {
    RowResult.IMPORT_TYPE_NEW: PreviewKind.NEW,
    RowResult.IMPORT_TYPE_UPDATE: PreviewKind.UPDATE,
    RowResult.IMPORT_TYPE_SKIP: PreviewKind.UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: PreviewKind.INVALID,
}


# --- reading a file ----------------------------------------------------------------------------


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


def _sheet_of(job: ImportJob, sheet: Sheet | None = None) -> Sheet:
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


def entry_sheet_xlsx(*, strategy: Strategy, fiscal_year: FiscalYear) -> bytes:
    """The entry sheet of `fiscal_year`: one row per indicator in force that year, prefilled
    with its stored result (empty when there is none). Queries: revision, indicators, results."""
    resource = AchievementSheetResource(strategy=strategy, fiscal_year=fiscal_year)
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


# --- upload, check in chunks, apply ------------------------------------------------------------


def import_create(
    *, strategy: Strategy, fiscal_year: FiscalYear, user, filename: str, data: bytes
) -> ImportJob:
    """Store an uploaded sheet as a job and check its first chunk of rows. A file that cannot be
    used (wrong type, empty, wrong columns) raises ValidationError and nothing is stored."""
    if fiscal_year.strategy_id != strategy.pk:
        raise ValidationError(_("別の総合戦略の年度です。"), code="other_strategy")
    sheet = read_sheet(filename=filename, data=data)
    job = ImportJob(
        strategy=strategy,
        fiscal_year=fiscal_year,
        user=user,
        filename=PurePath(filename).name[:255],
        data=data,
        total_rows=len(sheet.rows),
    )
    job.full_clean()
    job.save()
    return import_advance(job=job, sheet=_sheet_of(job, sheet))


def import_advance(*, job: ImportJob, sheet: Sheet | None = None, chunk_rows: int = CHUNK_ROWS):
    """Check the next `chunk_rows` rows of a pending job (a dry run) and add them to its preview;
    when the last row is checked the job is 確認済み, or エラーあり if any row has an error.
    Two requests advancing the same job at once cannot both add the same rows: the update only
    applies to the job as it was read."""
    if job.status != ImportJob.Status.PENDING:
        return job
    sheet = sheet or _sheet_of(job)
    start = job.processed_rows
    chunk = sheet.rows[start : start + chunk_rows]
    seen: dict[str, int] = {}
    for row in job.preview:
        if row["code"]:
            seen.setdefault(row["code"], row["row"])
    checked = _check_rows(job, sheet, chunk, seen=seen, dry_run=True)
    preview = job.preview + checked
    errors = job.errors + [message for row in checked for message in row["errors"]]
    processed = start + len(chunk)
    if processed < job.total_rows:
        status = ImportJob.Status.PENDING
    else:
        status = ImportJob.Status.FAILED if errors else ImportJob.Status.PREVIEWED
    ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.PENDING, processed_rows=start
    ).update(
        preview=preview,
        errors=errors,
        processed_rows=processed,
        status=status,
        updated_at=timezone.now(),
    )
    job.refresh_from_db(fields=["preview", "errors", "processed_rows", "status", "updated_at"])
    return job


class _Rejected(Exception):
    def __init__(self, rows, errors):
        super().__init__(errors)
        self.rows, self.errors = rows, errors


def import_apply(*, job: ImportJob, user) -> ImportJob:
    """Write every row of a checked job in ONE transaction: new results are created, changed ones
    updated (each with a history record naming `user`), unchanged ones left alone.

    The rows are checked again against the database as it is now. If any row fails, nothing is
    written, the job becomes エラーあり with the errors, and ValidationError is raised. A job that
    is not 確認済み (still being checked, with errors, or already applied) raises too."""
    sheet = _sheet_of(job)
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
                status=ImportJob.Status.APPLIED, applied_at=now, applied_by=user, updated_at=now
            )
            if not claimed:
                raise ValidationError(
                    _("この取り込みは確定できません（確認中、エラーあり、または反映済みです）。"),
                    code="not_applicable",
                )
            seen: dict[str, int] = {}
            rows: list[dict] = []
            errors: list[str] = []
            for start in range(0, len(sheet.rows), CHUNK_ROWS):
                chunk = sheet.rows[start : start + CHUNK_ROWS]
                # after the first error nothing will be kept, so the rest is only checked
                checked = _check_rows(job, sheet, chunk, seen=seen, user=user, dry_run=bool(errors))
                rows += checked
                errors += [message for row in checked for message in row["errors"]]
            if errors:
                raise _Rejected(rows, errors)
            ImportJob.objects.filter(pk=job.pk).update(preview=rows)
    except IntegrityError as error:
        # someone entered a result of the same indicator and year between our check and our
        # write: nothing is written, the job stays 確認済み and confirming again re-checks
        raise ValidationError(
            _(
                "確定の途中で同じ年度の実績が別に入力されたため、何も書き込んでいません。"
                "もう一度「確定」を押してください。"
            ),
            code="conflict",
        ) from error
    except _Rejected as rejected:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            preview=rejected.rows,
            errors=rejected.errors,
            updated_at=timezone.now(),
        )
        raise ValidationError(
            _(
                "確認の後でデータが変わったため、%(count)d行にエラーがあります。"
                "何も書き込んでいません。"
            ),
            code="rejected_on_apply",
            params={"count": len({row["row"] for row in rejected.rows if row["errors"]})},
        ) from None
    job.refresh_from_db()
    return job


def _check_rows(job, sheet, chunk, *, seen, user=None, dry_run=True) -> list[dict]:
    """Run one chunk through the resource; one preview row (a JSON-able dict) per sheet row."""
    row_numbers = [number for number, _ in chunk]
    resource = AchievementSheetResource(
        strategy=job.strategy,
        fiscal_year=job.fiscal_year,
        user=user,
        change_reason=(_("Excelから取り込み（%(file)s）") % {"file": job.filename})[:100],
        seen=seen,
        row_numbers=row_numbers,
    )
    dataset = sheet.dataset(chunk)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True)
    for error in result.base_errors:
        raise error.error
    checked = []
    for number, values, row_result in zip(row_numbers, dataset.dict, result.rows, strict=True):
        for error in row_result.errors:  # an unexpected exception, not a user's mistake
            raise error.error
        checked.append(_preview_row(resource, number, values, row_result))
    return checked


def _preview_row(resource, number: int, values: dict, row_result: RowResult) -> dict:
    code = cell_text(values.get("指標コード"))
    indicator = resource.indicators.get(code)
    kind = _KINDS[row_result.import_type]
    original = getattr(row_result.instance, "_before_import", None)
    errors = []
    if row_result.validation_error is not None:
        errors = [
            _("行%(row)s: %(message)s") % {"row": number, "message": message}
            for message in _messages(resource, row_result.validation_error)
        ]
    return {
        "row": number,
        "code": code,
        "name": indicator.name if indicator else "",
        "kind": kind,
        "old": preview_text(original),
        "new": preview_text(row_result.instance) if kind != PreviewKind.INVALID else "",
        "errors": errors,
    }


def _messages(resource, error: ValidationError) -> list[str]:
    columns = {f.attribute: f.column_name for f in resource.fields.values()}
    order = [*columns, NON_FIELD_ERRORS]
    messages = []
    for field in sorted(error.error_dict, key=lambda f: order.index(f) if f in order else 99):
        for item in error.error_dict[field]:
            for message in item.messages:
                if item.code == CELL_ERROR or field == NON_FIELD_ERRORS:
                    messages.append(message)
                else:
                    label = columns.get(field) or Achievement._meta.get_field(field).verbose_name
                    messages.append(f"{label}：{message}")
    return messages


def preview_text(achievement: Achievement | None) -> str:
    """A result in a few words for the preview: 「64人／累計100人／注記「住民基本台帳」」. Amounts
    are for people (``Indicator.format_value``): rounded to the indicator's decimals."""
    if achievement is None:
        return ""
    indicator = achievement.indicator
    if achievement.state != Achievement.State.RECORDED:
        parts = [str(achievement.get_state_display())]
    else:
        parts = [achievement.text or indicator.format_value(achievement.value)]
    if achievement.cumulative is not None:
        parts.append(
            _("累計%(amount)s") % {"amount": indicator.format_value(achievement.cumulative)}
        )
    if achievement.note:
        parts.append(_("注記「%(note)s」") % {"note": achievement.note})
    return "／".join(part for part in parts if part)


def preview_summary(preview: list[dict]) -> dict[str, int]:
    """How many rows are 新規, 更新, 変更なし and エラー."""
    summary = dict.fromkeys(PreviewKind.values, 0)
    for row in preview:
        summary[row["kind"]] += 1
    return summary


def progress_label(job: ImportJob) -> str:
    return _("%(processed)s / %(total)s 行を確認しました") % {
        "processed": f"{job.processed_rows:,}",
        "total": f"{job.total_rows:,}",
    }
