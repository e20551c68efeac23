"""Corrections after publication (訂正, DESIGN.md §2 "The yearly cycle"): once a fiscal year is
published, its results change only through a correction with a 訂正理由, shown publicly (訂正履歴).

- The lock: ``ensure_not_published`` is what the year-entry save service, the Excel import and the
  admin ask before writing a result; a published year's result is refused with
  ``locked_message`` (「公表済みの年度（H28）の実績は訂正でのみ変更できます。」).
- ``correction_request``: a department member asks for a correction of one of their departments'
  indicators (申請中); ``correction_approve`` / ``correction_reject``: the secretariat decides.
- ``correction_apply``: the secretariat corrects at once (承認済).

An applied correction writes the result with ``save()``, so simple-history records who changed
it, old → new, with the 訂正理由 as the change reason; the Correction row is the public record.
Validation is the model's own (``Achievement.full_clean()``: fields, ``clean()``, constraints); a
refused correction changes nothing.
"""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.access import has_perm_for
from strategy.models import FiscalYear

from ..constraints import clean_in_memory
from ..models import Achievement, Correction, Indicator

State = Achievement.State

REQUEST_PERM = "kpi.request_correction"
APPLY_PERM = "kpi.apply_correction"


# --- the lock ----------------------------------------------------------------------------------


def locked_message(fiscal_year: FiscalYear) -> str:
    return _("公表済みの年度（%(year)s）の実績は訂正でのみ変更できます。") % {
        "year": fiscal_year.short_label
    }


def ensure_not_published(fiscal_year: FiscalYear) -> None:
    """Refuse (ValidationError, code ``published_year``) a write to a published year's results
    through anything but a correction. No query: the year as the caller read it."""
    if fiscal_year.is_published:
        raise ValidationError(locked_message(fiscal_year), code="published_year")


# --- corrections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectedValues:
    """What a result should become."""

    state: str = State.RECORDED
    value: Decimal | None = None
    cumulative: Decimal | None = None
    note: str = ""


def current_result(indicator: Indicator, fiscal_year: FiscalYear, *, lock: bool = False):
    """The stored result of the indicator in the year, or None."""
    results = Achievement.objects.filter(indicator=indicator, fiscal_year=fiscal_year).order_by()
    if lock:
        results = results.select_for_update()
    return results.first()


def _check_subject(indicator: Indicator, fiscal_year: FiscalYear) -> None:
    if indicator.strategy_id != fiscal_year.strategy_id:
        raise ValidationError(_("指標と別の総合戦略の年度です。"), code="other_strategy")
    if not fiscal_year.is_published:
        raise ValidationError(
            _("%(year)sはまだ公表されていません。実績の入力画面で変更してください。")
            % {"year": fiscal_year.short_label},
            code="not_published",
        )


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("訂正理由を入力してください。")}, code="reason_required")
    return reason


def _corrected(indicator, fiscal_year, current: Achievement | None, new: CorrectedValues):
    """The result as the correction would leave it (unsaved), validated by the model: a
    ValidationError names each input in error."""
    from ..entry.save import data_year_from_note

    if current is None:
        achievement = Achievement(indicator=indicator, fiscal_year=fiscal_year)
    else:
        achievement = current
        achievement.indicator, achievement.fiscal_year = indicator, fiscal_year
        if achievement.text and (achievement.state, achievement.value) != (new.state, new.value):
            achievement.text = ""  # 「ゼロ名維持 (地域課題あり)」 described the old value only
    if current is None or new.note != current.note:
        achievement.data_year = data_year_from_note(new.note)
    achievement.state, achievement.value = new.state, new.value
    achievement.cumulative, achievement.note = new.cumulative, new.note
    errors = clean_in_memory(achievement)
    if errors:
        raise ValidationError(errors)
    return achievement


def _same(current: Achievement | None, new: CorrectedValues) -> bool:
    return current is not None and (
        current.state,
        current.value,
        current.cumulative,
        current.note,
    ) == (new.state, new.value, new.cumulative, new.note)


def _record(indicator, fiscal_year, current, new, reason, user, now) -> Correction:
    correction = Correction(
        indicator=indicator,
        fiscal_year=fiscal_year,
        old_state=current.state if current else "",
        old_value=current.value if current else None,
        old_cumulative=current.cumulative if current else None,
        old_note=current.note if current else "",
        new_state=new.state,
        new_value=new.value,
        new_cumulative=new.cumulative,
        new_note=new.note,
        reason=reason,
        requested_by=user,
        requested_at=now,
    )
    return correction


def _write(achievement: Achievement, correction: Correction, user) -> None:
    achievement._history_user = user
    achievement._change_reason = (_("訂正: %(reason)s") % {"reason": correction.reason})[:100]
    achievement.full_clean()
    achievement.save()


def _refuse_unless(user, perm: str, indicator: Indicator) -> None:
    if not has_perm_for(user, perm, indicator):
        raise ValidationError(_("この指標の実績を訂正する権限がありません。"), code="not_allowed")


@transaction.atomic
def correction_request(
    *,
    indicator: Indicator,
    fiscal_year: FiscalYear,
    new: CorrectedValues,
    reason: str,
    user,
) -> Correction:
    """A department member's request to correct a published result of one of their
    departments' indicators (申請中). The values are checked now as the model would check them;
    nothing changes until the secretariat approves."""
    _refuse_unless(user, REQUEST_PERM, indicator)
    _check_subject(indicator, fiscal_year)
    reason = _check_reason(reason)
    current = current_result(indicator, fiscal_year)
    if _same(current, new):
        raise ValidationError(_("現在の実績と同じ内容です。"), code="unchanged")
    _corrected(indicator, fiscal_year, copy.copy(current), new)  # validation only
    correction = _record(indicator, fiscal_year, current, new, reason, user, timezone.now())
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def correction_apply(
    *,
    indicator: Indicator,
    fiscal_year: FiscalYear,
    new: CorrectedValues,
    reason: str,
    user,
) -> Correction:
    """The secretariat corrects a published result at once (承認済): the result is written with
    its history and the correction recorded, or nothing at all."""
    _refuse_unless(user, APPLY_PERM, indicator)
    _check_subject(indicator, fiscal_year)
    reason = _check_reason(reason)
    current = current_result(indicator, fiscal_year, lock=True)
    if _same(current, new):
        raise ValidationError(_("現在の実績と同じ内容です。"), code="unchanged")
    now = timezone.now()
    correction = _record(indicator, fiscal_year, current, new, reason, user, now)
    achievement = _corrected(indicator, fiscal_year, current, new)
    correction.status = Correction.Status.APPLIED
    correction.decided_by, correction.decided_at = user, now
    correction.full_clean()
    _write(achievement, correction, user)
    correction.save()
    return correction


def _pending(correction: Correction) -> Correction:
    """The request locked, still 申請中 (another member of the secretariat may have decided)."""
    locked = Correction.objects.select_for_update().filter(pk=correction.pk).first()
    if locked is None or not locked.is_pending:
        raise ValidationError(
            _("この申請は既に承認または却下されています。"), code="already_decided"
        )
    return locked


@transaction.atomic
def correction_approve(*, correction: Correction, user) -> Correction:
    """The secretariat approves a request: the result becomes the requested values. Refused
    (nothing changes) when the result changed since the request was made."""
    correction = _pending(correction)
    indicator, fiscal_year = correction.indicator, correction.fiscal_year
    _refuse_unless(user, APPLY_PERM, indicator)
    _check_subject(indicator, fiscal_year)
    current = current_result(indicator, fiscal_year, lock=True)
    before = (current.state, current.value, current.cumulative, current.note) if current else None
    asked = (
        (
            correction.old_state,
            correction.old_value,
            correction.old_cumulative,
            correction.old_note,
        )
        if correction.old_state
        else None
    )
    if before != asked:
        raise ValidationError(
            _(
                "申請の後で実績が変わったため承認できません。却下して、改めて申請してもらってください。"
            ),
            code="stale",
        )
    new = CorrectedValues(
        correction.new_state, correction.new_value, correction.new_cumulative, correction.new_note
    )
    achievement = _corrected(indicator, fiscal_year, current, new)
    correction.status = Correction.Status.APPLIED
    correction.decided_by, correction.decided_at = user, timezone.now()
    _write(achievement, correction, user)
    correction.save(update_fields=["status", "decided_by", "decided_at"])
    return correction


@transaction.atomic
def correction_reject(*, correction: Correction, user, note: str = "") -> Correction:
    """The secretariat rejects a request: the result stays as it is."""
    correction = _pending(correction)
    _refuse_unless(user, APPLY_PERM, correction.indicator)
    correction.status = Correction.Status.REJECTED
    correction.decided_by, correction.decided_at = user, timezone.now()
    correction.decision_note = (note or "").strip()[:200]
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return correction
