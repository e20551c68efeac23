"""The preview of a checked sheet: what confirming would do to each row (新規, 更新, 変更なし,
エラー), the old and new result in a few words, the messages naming row and column, and the
warnings (a jump against the previous year) that confirming must acknowledge."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export.results import RowResult

from ..models import Achievement, ImportJob
from .resource import CELL_ERROR
from .widgets import cell_text


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


def preview_row(resource, number: int, values: dict, row_result: RowResult) -> dict:
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
        "warnings": [
            _("行%(row)s: %(message)s") % {"row": number, "message": message}
            for message in getattr(row_result.instance, "_warnings", [])
        ]
        if kind != PreviewKind.INVALID
        else [],
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


def preview_warnings(preview: list[dict]) -> list[dict]:
    """The rows whose change must be confirmed on applying (a jump against the previous year)."""
    return [row for row in preview if row.get("warnings")]


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
