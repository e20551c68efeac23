"""The write service of the year-entry screen: a year's changed rows, all or none."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from strategy import fiscal
from strategy.models import FiscalYear, Strategy

from ..constraints import clean_in_memory, error_dict, unique_violations
from ..corrections import ensure_not_published
from ..models import Achievement, Indicator
from ..plausibility import check_row
from .page import version_of

State = Achievement.State
#: What a row of the form may change.
EDITABLE = ("value", "cumulative", "state", "note")
SAVED_FIELDS = ["value", "cumulative", "state", "note", "data_year", "updated_at"]

_DATA_YEAR = re.compile(r"(?:^|\s|[(（])([HRS])\s*(\d{1,2}|元)\s*(?:年度?)?\s*数値")


def data_year_from_note(note: str) -> int | None:
    """The fiscal year a 「H25 数値」 note says the value describes (2013), else None."""
    match = _DATA_YEAR.search(unicodedata.normalize("NFKC", note or ""))
    if match is None:
        return None
    number = "1" if match[2] == "元" else match[2]
    return fiscal.fiscal_year_from_label(match[1] + number)


@dataclass(frozen=True)
class RowInput:
    """One row as the user left it, with the version of the result it was loaded from ("" when
    there was none). `previous`: last year's result as the page showed it (None: the rules
    against last year are not applied); `confirmed`: the user confirmed a jump on this row."""

    indicator: Indicator
    version: str
    value: Decimal | None = None
    cumulative: Decimal | None = None
    state: str = State.RECORDED
    note: str = ""
    previous: Achievement | None = None
    confirmed: bool = False

    @property
    def is_empty(self) -> bool:
        return (
            self.value is None
            and self.cumulative is None
            and self.state == State.RECORDED
            and not self.note
        )

    def matches(self, achievement: Achievement | None) -> bool:
        if achievement is None:
            return self.is_empty
        return (self.value, self.cumulative, self.state, self.note) == (
            achievement.value,
            achievement.cumulative,
            achievement.state,
            achievement.note,
        )


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0

    @property
    def saved(self) -> int:
        return self.created + self.updated


class RowErrors(Exception):
    """The save was refused; nothing was written. `errors`: indicator id → ValidationError;
    `refreshed`: indicator id → the result as it now stands, for rows refused because another
    member of staff changed them."""

    def __init__(self, errors: dict, refreshed: dict):
        super().__init__(f"{len(errors)} row(s) refused")
        self.errors = errors
        self.refreshed = refreshed


def conflict_text(indicator: Indicator, value, cumulative, state, note) -> str:
    """A row as the conflict message quotes it (yours and theirs): 「1.55」, 「64人（累計100人）」,
    「集計中」, 「未入力」. Amounts are for people (``Indicator.format_value``): rounded to the
    indicator's decimals."""
    if state != State.RECORDED:
        text = str(State(state).label)
    elif value is None:
        text = "未入力"
    else:
        text = indicator.format_value(value)
    if cumulative is not None:
        text += f"（累計{indicator.format_value(cumulative)}）"
    if note:
        text += f"〔注記: {note}〕"
    return text


def _stale_message(row: RowInput, current: Achievement | None, version: str) -> ValidationError:
    mine = conflict_text(row.indicator, row.value, row.cumulative, row.state, row.note)
    if current is None:
        return ValidationError(
            _(
                "この実績は他の職員が削除しました（あなたの入力: %(mine)s）。"
                "内容を確認して再度保存してください。"
            ),
            code="stale",
            params={"mine": mine},
        )
    when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
    theirs = conflict_text(
        row.indicator, current.value, current.cumulative, current.state, current.note
    )
    message = (
        _(
            "この実績は他の職員が %(when)s に登録しました（現在の値: %(theirs)s、"
            "あなたの入力: %(mine)s）。内容を確認して再度保存してください。"
        )
        if not version
        else _(
            "この実績は他の職員が %(when)s に更新しました（現在の値: %(theirs)s、"
            "あなたの入力: %(mine)s）。内容を確認して再度保存してください。"
        )
    )
    return ValidationError(
        message, code="stale", params={"when": when, "theirs": theirs, "mine": mine}
    )


def _implausible(row: RowInput, current: Achievement | None) -> ValidationError | None:
    """The plausibility rules (``kpi.plausibility.check_row``) on a row, each message on its
    input; a jump passes when the row is confirmed."""
    found: dict = {}
    for issue in check_row(
        row.indicator, row.value, row.cumulative, row.previous, state=row.state, stored=current
    ):
        if not (issue.needs_confirmation and row.confirmed):
            found.setdefault(issue.field, []).append(issue.error)
    return ValidationError(found) if found else None


def _row_error(found: dict) -> ValidationError:
    """A row's errors with each on its input when the row has one, else on the row."""
    by_field: dict = {}
    for name, field_errors in found.items():
        target = name if name in EDITABLE else NON_FIELD_ERRORS
        by_field.setdefault(target, []).extend(field_errors)
    return ValidationError(by_field)


@transaction.atomic
def achievements_save_year(
    *, strategy: Strategy, fiscal_year: FiscalYear, rows: list[RowInput], user
) -> SaveResult:
    """Create or update the results of `fiscal_year` for the rows the user changed: all of them,
    or none when any row is refused. A row is refused when its result changed in the database
    since the form was loaded (other version) and the input differs from what is stored now,
    when it would clear a stored result, or when the model's own validation fails. Rows equal to
    what is stored are left alone. Empty rows with no result create nothing. A published year
    is refused as a whole (ValidationError ``published_year``): it changes only by a correction
    (``kpi.corrections``).

    Validation is the model's own, without a query per row (``kpi.constraints``): fields,
    ``clean()`` and the check constraints in memory, uniqueness against the locked results.
    Before it, the plausibility rules shared with the import (``kpi.plausibility``): a row
    outside its indicator's bounds, with a 累計 its kind keeps none of, or a 累計 below last
    year's is refused; a jump against last year passes only if the row is ``confirmed``.

    Queries: the year's results for these indicators, locked (1); the revision in force, unless
    the strategy instance already knows it (0-1); then in bulk the inserts, the updates and
    their history rows (about 4 for a whole year's page, whatever its size)."""
    if fiscal_year.strategy_id != strategy.pk:
        raise ValueError("fiscal_year belongs to another strategy")
    ensure_not_published(fiscal_year)  # a published year changes only by a correction
    fiscal_year.strategy = strategy
    existing = {
        a.indicator_id: a
        for a in Achievement.objects.select_for_update()
        .filter(fiscal_year=fiscal_year, indicator_id__in=[row.indicator.pk for row in rows])
        .order_by("pk")  # the default ordering joins indicator → measure: not lockable
    }
    errors, refreshed = {}, {}
    created, updated = [], []
    now = timezone.now()
    for row in rows:
        indicator = row.indicator
        current = existing.get(indicator.pk)
        if row.matches(current):
            continue
        if row.version != version_of(current):
            errors[indicator.pk] = _stale_message(row, current, row.version)
            refreshed[indicator.pk] = current
            continue
        if (implausible := _implausible(row, current)) is not None:
            errors[indicator.pk] = implausible
            continue
        if current is None:
            achievement = Achievement(indicator=indicator, fiscal_year=fiscal_year)
            achievement.data_year = data_year_from_note(row.note)
        else:
            if row.is_empty:
                errors[indicator.pk] = ValidationError(
                    _("登録済みの実績は空欄にできません。"), code="cannot_clear"
                )
                continue
            achievement = current
            achievement.indicator, achievement.fiscal_year = indicator, fiscal_year
            if row.note != current.note:
                new_year, old_year = (
                    data_year_from_note(row.note),
                    data_year_from_note(current.note),
                )
                if new_year is not None:
                    achievement.data_year = new_year
                elif old_year is not None and old_year == current.data_year:
                    achievement.data_year = None
        indicator.strategy = strategy
        achievement.value, achievement.cumulative = row.value, row.cumulative
        achievement.state, achievement.note = row.state, row.note
        achievement.updated_at = now  # auto_now, which bulk_update does not apply
        achievement._history_user = user
        # the indicator and the year are the page's own, already read
        found = clean_in_memory(achievement, exclude=["indicator", "fiscal_year"])
        if found:
            errors[indicator.pk] = _row_error(found)
            continue
        (created if current is None else updated).append(achievement)
    batch = created + updated
    for achievement, violations in zip(
        batch, unique_violations(batch, stored=existing.values()), strict=True
    ):
        if violations:
            errors[achievement.indicator_id] = _row_error(error_dict(violations))
    if errors:
        raise RowErrors(errors, refreshed)
    if created:
        bulk_create_with_history(created, Achievement, batch_size=500, default_user=user)
    if updated:
        bulk_update_with_history(
            updated, Achievement, SAVED_FIELDS, batch_size=500, default_user=user
        )
    return SaveResult(created=len(created), updated=len(updated))
