"""Plausibility of a year's result: one rule set for the year-entry screen (``kpi.entry``) and the
Excel import (``kpi.imports``), decided here by ``check_row`` and nowhere else.

A result (実績あり) is refused when
- its 実績値 or 累計 lies outside the indicator's bounds (``Indicator.minimum`` / ``maximum``;
  0–100 for a share by default, see ``SHARE_UNITS``) — code ``out_of_bounds``;
- it has a 累計 although the indicator's kind keeps none (only 5年間の累計 does) —
  ``cumulative_not_kept``;
- its 累計 is below the previous fiscal year's 累計 of the same indicator (across the nodes it
  replaced) — ``cumulative_falling``.

「累計 ≥ 実績」 is a database constraint on Achievement (``achievement_cumulative_not_below_value``),
reported with the other constraints by ``kpi.constraints``; since only a cumulative indicator
may have a 累計, it is the rule exactly where the kind makes it one.

A 実績値 that changed by more than the ratio ``settings.KPI_JUMP_RATIO`` (3.0 unless the
environment says otherwise) against the previous year's, up or down, is a ``jump``: not refused
outright, but saved only when the user confirms that row (``CONFIRM_LABEL``). A value already
stored is not asked about again.

The previous year's result is the caller's: the entry page reads it with the page, the import
for each chunk in two queries. Without it the year-on-year rules are not applied."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from strategy import fiscal

from .models import Achievement, Indicator, TargetKind

#: Units of a share: an indicator in one of them is bounded 0–100 by default (migration 0009 set
#: it for the indicators of the time; ``bound_shares`` applies it to indicators loaded later).
SHARE_UNITS = ("%", "％")
#: The row's checkbox that lets a jump through (the screen's label, the import's too).
CONFIRM_LABEL = _lazy("前年度から大きく変わっていますが、この値で保存します")
DEFAULT_JUMP_RATIO = Decimal(3)

LABELS = {"value": _lazy("実績値"), "cumulative": _lazy("累計")}


@dataclass(frozen=True)
class Issue:
    """One rule a row breaks: `field` is the input it concerns ("value" or "cumulative"),
    `needs_confirmation` marks a jump (saved once the user confirms the row)."""

    code: str
    field: str
    message: str
    needs_confirmation: bool = False

    @property
    def error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)


def jump_ratio() -> Decimal:
    """``settings.KPI_JUMP_RATIO`` as a Decimal, read when asked (not at import). Refuses a
    ratio that is not a number above 1: every change would be a jump."""
    raw = getattr(settings, "KPI_JUMP_RATIO", DEFAULT_JUMP_RATIO)
    try:
        ratio = Decimal(str(raw))
    except InvalidOperation as error:
        raise ImproperlyConfigured(f"KPI_JUMP_RATIO must be a number, not {raw!r}") from error
    if not ratio.is_finite() or ratio <= 1:
        raise ImproperlyConfigured(f"KPI_JUMP_RATIO must be a number above 1, not {raw!r}")
    return ratio


def check_row(
    indicator: Indicator,
    value: Decimal | None,
    cumulative: Decimal | None,
    previous: Achievement | None,
    *,
    state: str = Achievement.State.RECORDED,
    stored: Achievement | None = None,
) -> list[Issue]:
    """What is implausible in this year's `value` and `cumulative` for `indicator`, given the
    previous fiscal year's result `previous` (None: unknown, the year-on-year rules are skipped)
    and the result `stored` for this year now (a 実績値 equal to the stored one is not a jump: it
    was confirmed when it was saved). A row that is not 実績あり has no numbers to check.
    No query: `previous.fiscal_year` must have been read with it."""
    if state != Achievement.State.RECORDED:
        return []
    issues = [
        issue
        for name, amount in (("value", value), ("cumulative", cumulative))
        if (issue := _outside_bounds(indicator, name, amount)) is not None
    ]
    if cumulative is not None and indicator.kind != TargetKind.CUMULATIVE:
        issues.append(
            Issue(
                "cumulative_not_kept",
                "cumulative",
                _("この指標（%(kind)s）には累計を入力しません。累計は空欄にしてください。")
                % {"kind": indicator.get_kind_display()},
            )
        )
    if previous is None or previous.state != Achievement.State.RECORDED:
        return issues
    year = fiscal.short_label(previous.fiscal_year.year)
    if (
        indicator.kind == TargetKind.CUMULATIVE
        and cumulative is not None
        and previous.cumulative is not None
        and cumulative < previous.cumulative
        and not any(issue.field == "cumulative" for issue in issues)
    ):
        issues.append(
            Issue(
                "cumulative_falling",
                "cumulative",
                _(
                    "累計 %(mine)s が前年度（%(year)s）の累計 %(previous)s を下回っています。"
                    "累計は前年度の累計以上にしてください。"
                )
                % {
                    "mine": _amount(indicator, cumulative),
                    "year": year,
                    "previous": _amount(indicator, previous.cumulative),
                },
            )
        )
    unchanged = stored is not None and stored.value == value
    if value is not None and not unchanged and _is_jump(value, previous.value):
        ratio = jump_ratio()
        issues.append(
            Issue(
                "jump",
                "value",
                _(
                    "実績値 %(mine)s は前年度（%(year)s）の %(previous)s から%(ratio)s倍を超えて"
                    "変わっています。値を確かめ、正しければ「%(confirm)s」に"
                    "チェックを入れて保存してください。"
                )
                % {
                    "mine": _amount(indicator, value),
                    "year": year,
                    "previous": _amount(indicator, previous.value),
                    "ratio": _plain(ratio),
                    "confirm": CONFIRM_LABEL,
                },
                needs_confirmation=True,
            )
        )
    return issues


def bound_shares(indicators) -> int:
    """Apply the default rule to `indicators` (a queryset): those in a share unit with no bounds
    get 0–100. For indicators loaded after migration 0009 (a seed, a generated strategy).
    Returns how many were bounded. One query."""
    return indicators.filter(
        unit__in=SHARE_UNITS, minimum__isnull=True, maximum__isnull=True
    ).update(minimum=Decimal(0), maximum=Decimal(100))


def _is_jump(value: Decimal, previous: Decimal | None) -> bool:
    """More than the ratio up or down against a positive previous value (from 0 there is no
    ratio to speak of)."""
    if previous is None or previous <= 0:
        return False
    ratio = jump_ratio()
    return value > previous * ratio or value * ratio < previous


def _outside_bounds(indicator: Indicator, name: str, amount: Decimal | None) -> Issue | None:
    low, high = indicator.minimum, indicator.maximum
    if amount is None or ((low is None or amount >= low) and (high is None or amount <= high)):
        return None
    params = {
        "label": LABELS[name],
        "amount": _amount(indicator, amount),
        "low": _amount(indicator, low),
        "high": _amount(indicator, high),
    }
    if low is not None and high is not None:
        message = _(
            "%(label)s %(amount)s はこの指標の範囲外です。%(low)s以上%(high)s以下で入力してください。"
        )
    elif low is not None:
        message = _(
            "%(label)s %(amount)s はこの指標の下限より小さい値です。%(low)s以上で入力してください。"
        )
    else:
        message = _(
            "%(label)s %(amount)s はこの指標の上限より大きい値です。%(high)s以下で入力してください。"
        )
    return Issue("out_of_bounds", name, message % params)


def _amount(indicator: Indicator, amount: Decimal | None) -> str:
    """An amount exactly as typed or set (no rounding: 100.5 % must not read as 「101%」), with the
    indicator's unit."""
    if amount is None:
        return ""
    return f"{_plain(amount)}{indicator.unit}"


def _plain(amount: Decimal) -> str:
    """1.5000 → 「1.5」, 100.0000 → 「100」, 12345 → 「12,345」."""
    return f"{amount.normalize():,f}"
