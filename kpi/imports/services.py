"""The upload, its check in chunks and its application: `import_create` stores the file in an
ImportJob; `import_advance` checks the next chunk of rows (a dry run through the resource:
nothing but the job is written) until every row is checked and the job holds the preview;
`import_apply` then writes every row in one transaction, or none."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.access import department_ids
from strategy.models import FiscalYear, Strategy

from ..corrections import ensure_not_published
from ..models import ImportJob
from ..plausibility import CONFIRM_LABEL
from .preview import preview_row, preview_warnings
from .resource import AchievementSheetResource
from .sheets import Sheet, read_sheet, sheet_of

CHUNK_ROWS = 200


def import_create(
    *, strategy: Strategy, fiscal_year: FiscalYear, user, filename: str, data: bytes
) -> ImportJob:
    """Store an uploaded sheet as a job and check its first chunk of rows. A file that cannot be
    used (wrong type, empty, wrong columns, over the upload limits of ``sheets.Limits``: size,
    rows, columns, cell length, unzipped size) raises ValidationError and nothing is stored."""
    if fiscal_year.strategy_id != strategy.pk:
        raise ValidationError(_("別の総合戦略の年度です。"), code="other_strategy")
    ensure_not_published(fiscal_year)  # the whole sheet: a published year only by corrections
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
    return import_advance(job=job, sheet=sheet_of(job, sheet))


def import_advance(*, job: ImportJob, sheet: Sheet | None = None, chunk_rows: int = CHUNK_ROWS):
    """Check the next `chunk_rows` rows of a pending job (a dry run) and add them to its preview;
    when the last row is checked the job is 確認済み, or エラーあり if any row has an error.
    Two requests advancing the same job at once cannot both add the same rows: the update only
    applies to the job as it was read."""
    if job.status != ImportJob.Status.PENDING:
        return job
    sheet = sheet or sheet_of(job)
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


class _Unconfirmed(Exception):
    def __init__(self, rows):
        super().__init__("unconfirmed jumps")
        self.rows = rows


def _unconfirmed_error(rows: list[dict]) -> ValidationError:
    return ValidationError(
        _(
            "前年度から大きく変わっている行が%(count)d行あります。値を確かめ、正しければ"
            "「%(confirm)s」にチェックを入れて確定してください。何も書き込んでいません。"
        ),
        code="jump_unconfirmed",
        params={"count": len(rows), "confirm": CONFIRM_LABEL},
    )


def import_apply(*, job: ImportJob, user, confirmed: bool = False) -> ImportJob:
    """Write every row of a checked job in ONE transaction: new results are created, changed ones
    updated (each with a history record naming `user`), unchanged ones left alone.

    Rows whose 実績値 jumped against the previous year (warnings of the preview,
    ``kpi.plausibility``) are written only when `confirmed`; otherwise ValidationError
    ``jump_unconfirmed`` and nothing is written (a jump that appears only on the re-check is
    added to the job's preview, which stays 確認済み).

    The rows are checked again against the database as it is now. If any row fails, nothing is
    written, the job becomes エラーあり with the errors, and ValidationError is raised. A job that
    is not 確認済み (still being checked, with errors, or already applied) raises too, and so does
    a job of a year published since it was uploaded (``kpi.corrections.ensure_not_published``)."""
    ensure_not_published(job.fiscal_year)  # published after the upload: nothing is written
    sheet = sheet_of(job)
    if not confirmed and preview_warnings(job.preview):
        raise _unconfirmed_error(preview_warnings(job.preview))
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
            if not confirmed and preview_warnings(rows):
                raise _Unconfirmed(rows)
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
    except _Unconfirmed as unconfirmed:
        ImportJob.objects.filter(pk=job.pk).update(
            preview=unconfirmed.rows, updated_at=timezone.now()
        )
        raise _unconfirmed_error(preview_warnings(unconfirmed.rows)) from None
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
        # the uploader's departments, on the preview and again when applying
        department_ids=department_ids(job.user, job.strategy.municipality_id),
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
        checked.append(preview_row(resource, number, values, row_result))
    return checked
