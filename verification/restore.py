"""Undo from the audit page: put a tracked row back as one of its historical versions.

A change or a creation is reverted by saving that version's values over the row
(``history_record.instance.save()``); a deletion by recreating the row, with its old id, from
the values it had when it was deleted. The restore is itself a change: simple-history records it
with the user and the reason given. A published year's result is locked (only a correction
changes it), a row of another municipality is refused, and so is a version that would break a
constraint today (the database is left as it was).
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kpi.corrections.services import ensure_not_published
from kpi.models import Achievement
from strategy.access import has_perm_for
from strategy.models import Strategy

from .selectors.changes import TRACKED


def _history_record(strategy: Strategy, model_label: str, history_id: int):
    for tracked in TRACKED:
        if tracked.model._meta.label_lower == model_label:
            record = (
                tracked.model.history.filter(tracked.scope(strategy))
                .filter(history_id=history_id)
                .first()
            )
            if record is not None:
                return tracked, record
    raise ValidationError(_("戻す変更が見つかりません。"), code="unknown_change")


@transaction.atomic
def change_restore(*, strategy: Strategy, model_label: str, history_id: int, user, reason: str):
    """Revert the row of the history record `history_id` (a model of the audit page, named
    ``app_label.modelname``) to that version, recreating it when it was deleted since; returns
    the row. Raises ``ValidationError`` (nothing changed) when the reason is empty, the change is
    not `strategy`'s, `user` may not change the row, its year is published (results), or the
    version breaks a constraint."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("戻す理由を入力してください。"), code="reason_required")
    if len(reason) > 100:
        raise ValidationError(_("戻す理由は100文字以内で入力してください。"), code="reason_long")
    tracked, record = _history_record(strategy, model_label, history_id)
    model = tracked.model
    row = record.instance  # the values of that version, with the row's id
    perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
    current = model._default_manager.filter(pk=record.id).first()
    for obj in (row, current):
        try:
            allowed = obj is None or has_perm_for(user, perm, obj)
        except ObjectDoesNotExist:  # the row it belonged to is gone: restore that first
            raise ValidationError(
                _(
                    "この行が属していた行が削除されているため、戻せません。先にそちらを戻してください。"
                ),
                code="parent_deleted",
            ) from None
        if not allowed:
            raise ValidationError(
                _("他の団体のデータ、または権限のないデータは戻せません。"), code="forbidden"
            )
    if model is Achievement:
        for obj in (row, current):
            if obj is not None:
                ensure_not_published(obj.fiscal_year)
    row._state.adding = current is None  # unique checks: an update of itself, or a new row
    row._change_reason = reason
    row._history_user = user
    try:
        row.full_clean()
        with transaction.atomic():
            row.save()
    except (ValidationError, IntegrityError) as error:
        messages = (
            "；".join(error.messages) if isinstance(error, ValidationError) else str(error)[:200]
        )
        raise ValidationError(
            _("この版に戻すと現在のデータと矛盾するため、戻せませんでした（%(detail)s）。")
            % {"detail": messages},
            code="constraint",
        ) from error
    return row
