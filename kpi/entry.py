"""The year-entry screen: every indicator in force in one fiscal year on one form.

Reads (``year_entry_years``, ``year_entry_page``), the formset (one row per indicator, each row
carrying the version of the result it was loaded from) and the save service
(``achievements_save_year``): all rows or none, and never over a result another member of staff
changed since the form was loaded.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms.boundfield import BoundField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from strategy import fiscal
from strategy.models import FiscalYear, Revision, Strategy

from .amounts import decimal_places, exact_amount, parse_amount
from .constraints import check_violations, clean_in_memory, error_dict, unique_violations
from .models import AMOUNT, Achievement, Indicator
from .selectors import achievement_text, lineages

State = Achievement.State
EDITABLE = ("value", "cumulative", "state", "note")
#: The inputs a constraint's message is shown beside (else it is the row's message).
AMOUNT_INPUTS = ("value", "cumulative")
SAVED_FIELDS = ["value", "cumulative", "state", "note", "data_year", "updated_at"]

# ---------------------------------------------------------------------------------------------
# Numbers as people type them
# ---------------------------------------------------------------------------------------------

_DATA_YEAR = re.compile(r"(?:^|\s|[(（])([HRS])\s*(\d{1,2}|元)\s*(?:年度?)?\s*数値")


def data_year_from_note(note: str) -> int | None:
    """The fiscal year a 「H25 数値」 note says the value describes (2013), else None."""
    match = _DATA_YEAR.search(unicodedata.normalize("NFKC", note or ""))
    if match is None:
        return None
    number = "1" if match[2] == "元" else match[2]
    return fiscal.fiscal_year_from_label(match[1] + number)


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


@dataclass
class YearStatus:
    fiscal_year: FiscalYear
    indicators: int  # in force that year
    recorded: int
    pending: int  # 集計中・未集計

    @property
    def entered(self) -> int:
        return self.recorded + self.pending


def _revision_in_force(revisions: list[Revision], year: int) -> Revision | None:
    """Strategy.revision_for_year over revisions already read (adopted, ordered by sequence)."""
    found = None
    for revision in revisions:
        if revision.first_fiscal_year is not None and revision.first_fiscal_year <= year:
            found = revision
    return found


def year_entry_years(strategy: Strategy) -> list[YearStatus]:
    """Every fiscal year of the period with how many indicators are in force and how many have a
    result. Queries: fiscal years, adopted revisions, indicators with their revisions, result
    counts per year (4)."""
    years = list(FiscalYear.objects.for_strategy(strategy))
    revisions = list(strategy.revisions.exclude(status=Revision.Status.DRAFT).order_by("sequence"))
    indicators = list(
        Indicator.objects.filter(strategy=strategy).select_related("introduced_in", "retired_in")
    )
    counts = {
        row["fiscal_year"]: row
        for row in Achievement.objects.filter(fiscal_year__strategy=strategy)
        .values("fiscal_year")
        .annotate(
            recorded=Count("pk", filter=Q(state=State.RECORDED)),
            pending=Count("pk", filter=~Q(state=State.RECORDED)),
        )
    }
    statuses = []
    for fiscal_year in years:
        revision = _revision_in_force(revisions, fiscal_year.year)
        in_force = (
            sum(1 for i in indicators if i.is_in_force_at(revision)) if revision is not None else 0
        )
        count = counts.get(fiscal_year.pk, {})
        statuses.append(
            YearStatus(fiscal_year, in_force, count.get("recorded", 0), count.get("pending", 0))
        )
    return statuses


@dataclass
class EntryRow:
    """One indicator on the screen: what it is, last year's result (read-only) and this year's
    result as stored (None when there is none yet)."""

    indicator: Indicator
    current: Achievement | None = None
    previous: Achievement | None = None

    @property
    def version(self) -> str:
        return version_of(self.current)

    @property
    def baseline_text(self) -> str:
        indicator = self.indicator
        return indicator.baseline_text or indicator.format_value(indicator.baseline_value) or "—"

    @property
    def previous_text(self) -> str:
        return achievement_text(self.indicator, self.previous) if self.previous else ""

    @property
    def previous_cumulative_text(self) -> str:
        if self.previous is None or self.previous.cumulative is None:
            return ""
        return self.indicator.format_value(self.previous.cumulative)

    def initial(self) -> dict:
        return {"indicator": self.indicator.pk, "version": self.version, **row_values(self)}


def row_values(row: EntryRow, achievement: Achievement | None = ...) -> dict:
    """The editable inputs as the form shows them for a stored result (or an empty row). The
    amounts are exact (``kpi.amounts.exact_amount``): saving the form again never rounds."""
    if achievement is ...:
        achievement = row.current
    if achievement is None:
        return {"value": "", "cumulative": "", "state": State.RECORDED, "note": ""}
    decimals = row.indicator.decimals
    return {
        "value": exact_amount(achievement.value, decimals=decimals, grouping=True),
        "cumulative": exact_amount(achievement.cumulative, decimals=decimals, grouping=True),
        "state": achievement.state,
        "note": achievement.note,
    }


def version_of(achievement: Achievement | None) -> str:
    return achievement.updated_at.isoformat() if achievement is not None else ""


@dataclass
class YearEntryPage:
    strategy: Strategy
    fiscal_year: FiscalYear
    revision: Revision
    rows: list[EntryRow] = field(default_factory=list)

    @property
    def goal_level_count(self) -> int:
        return sum(1 for row in self.rows if row.indicator.is_goal_level)

    @property
    def kpi_count(self) -> int:
        return len(self.rows) - self.goal_level_count

    @property
    def previous_year(self) -> int | None:
        year = self.fiscal_year.year - 1
        return year if year in self.strategy.fiscal_year_range else None

    @property
    def previous_label(self) -> str:
        return fiscal.short_label(self.previous_year) if self.previous_year else ""

    @property
    def neighbours(self) -> tuple[int | None, int | None]:
        year, period = self.fiscal_year.year, self.strategy.fiscal_year_range
        return (year - 1 if year - 1 in period else None, year + 1 if year + 1 in period else None)


def _tree_order(indicator: Indicator) -> tuple:
    """数値目標 first, then KPIs measure by measure (the order the report prints)."""
    measure = indicator.measure
    if measure is None:
        return (indicator.goal.number, 0, 0, 0, indicator.position, indicator.code)
    return (
        indicator.goal.number,
        1,
        measure.policy.position,
        measure.number,
        indicator.position,
        indicator.code,
    )


def year_entry_page(strategy: Strategy, year: int) -> YearEntryPage:
    """Every indicator in force in fiscal year `year` (the structure of the revision in force
    that year), in the report's order, with this year's result and last year's result across
    the indicator's lineage. 404 for a year outside the period.

    Queries: fiscal year, revision in force, indicators with their tree, indicator chains,
    results of this year and last year (5)."""
    if year not in strategy.fiscal_year_range:
        raise Http404("計画期間外の年度です。")
    fiscal_year = FiscalYear.objects.filter(strategy=strategy, year=year).first()
    if fiscal_year is None:
        raise Http404("年度が登録されていません。")
    fiscal_year.strategy = strategy
    try:
        revision = strategy.revision_for_year(year)
    except Revision.DoesNotExist as exc:
        raise Http404("この年度に効力のある策定・改訂がありません。") from exc
    indicators = sorted(
        Indicator.objects.filter(strategy=strategy).in_force_at(revision).with_tree(),
        key=_tree_order,
    )
    page = YearEntryPage(strategy, fiscal_year, revision)
    chains = lineages(strategy)
    nodes = {pk for i in indicators for pk in chains.get(i.pk, [i.pk])}
    years = [year] if page.previous_year is None else [year, page.previous_year]
    results = {
        (a.indicator_id, a.fiscal_year.year): a
        for a in Achievement.objects.filter(
            indicator_id__in=nodes, fiscal_year__strategy=strategy, fiscal_year__year__in=years
        )
        .select_related("fiscal_year")
        .order_by()
    }
    for indicator in indicators:
        indicator.strategy = strategy
        row = EntryRow(indicator, current=results.get((indicator.pk, year)))
        if page.previous_year is not None:
            for node in chains.get(indicator.pk, [indicator.pk]):
                if (node, page.previous_year) in results:
                    row.previous = results[(node, page.previous_year)]
                    break
        page.rows.append(row)
    return page


# ---------------------------------------------------------------------------------------------
# The form: one row per indicator
# ---------------------------------------------------------------------------------------------


class AmountField(forms.Field):
    """A number typed the way people type it (``kpi.amounts.parse_amount``), with no more
    decimals than ``max_places``. Whether it may be negative is the model's constraints' say
    (checked by the row form)."""

    widget = forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10, "class": "amount"}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("show_hidden_initial", True)
        super().__init__(**kwargs)
        self.unit = ""
        self.max_places = AMOUNT["decimal_places"]

    def to_python(self, value):
        return parse_amount(value, unit=self.unit)

    def validate(self, value):
        super().validate(value)
        if value is not None and decimal_places(value) > self.max_places:
            raise ValidationError(
                _("小数点以下は%(places)d桁までで入力してください。"),
                code="too_many_decimals",
                params={"places": self.max_places},
            )


class RowBoundField(BoundField):
    """Points each input of a row at the row's own messages (a refused save, a cleared result)
    as well as at its field's messages."""

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        ids = [described] if described else []
        if not self.is_hidden and self.form.non_field_errors():
            ids.append(self.form.row_errors_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if (widget or self.field.widget).is_hidden:  # the hidden "as loaded" copy of an input
            attrs.pop("aria-describedby", None)
        return attrs


class YearEntryRowForm(forms.Form):
    bound_field_class = RowBoundField

    indicator = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    value = AmountField(label=_("実績値"))
    cumulative = AmountField(label=_("累計"))
    state = forms.ChoiceField(
        label=_("状態"), choices=State.choices, initial=State.RECORDED, show_hidden_initial=True
    )
    note = forms.CharField(
        label=_("注記"),
        max_length=100,
        required=False,
        show_hidden_initial=True,
        widget=forms.TextInput(attrs={"size": 14, "autocomplete": "off"}),
    )

    def __init__(self, *args, row: EntryRow | None, **kwargs):
        self.row = row
        if row is not None:
            kwargs.setdefault("initial", row.initial())
        super().__init__(*args, **kwargs)
        if row is not None:
            for name in ("value", "cumulative"):
                self.fields[name].unit = row.indicator.unit
                self.fields[name].max_places = min(
                    row.indicator.decimals + 2, AMOUNT["decimal_places"]
                )

    @property
    def row_errors_id(self) -> str:
        return f"{self.prefix}-errors"

    @property
    def error_anchor(self) -> str:
        """Where the summary at the top of the page links to: the first input in error."""
        for name in EDITABLE:
            if name in self.errors:
                return self[name].auto_id
        return f"row-{self.prefix}"

    def has_changed(self) -> bool:
        """Changed by the user since the page was loaded: compared with the values the page was
        rendered with (hidden initial inputs), not with the database now."""
        return any(name in self.changed_data for name in EDITABLE)

    def clean(self):
        data = super().clean()
        if self.row is None:
            raise ValidationError(
                _("この指標はこの年度の構成に含まれていません。ページを再読み込みしてください。"),
                code="unknown_indicator",
            )
        value, cumulative = data.get("value"), data.get("cumulative")
        state, note = data.get("state"), data.get("note", "")
        current = self.row.current
        numbers_ok = "value" not in self.errors and "cumulative" not in self.errors
        empty = value is None and cumulative is None and not note
        if state == State.RECORDED and numbers_ok and empty:
            if current is not None:
                raise ValidationError(
                    _(
                        "登録済みの実績は空欄にできません。集計中・未集計に変えるか、"
                        "削除は事務局に依頼してください。"
                    ),
                    code="cannot_clear",
                )
            return data  # an empty row: no result, nothing to check
        # The model's own constraints, each message on the amount it concerns
        typed = Achievement(
            indicator=self.row.indicator,
            state=state,
            value=value,
            cumulative=cumulative,
            note=note,
            text=current.text if current is not None else "",
        )
        violations = check_violations(typed, exclude=set(self.errors))
        for name, errors in error_dict(violations, inputs=AMOUNT_INPUTS).items():
            self.add_error(name, errors)
        if state == State.RECORDED and value is not None and cumulative is not None:
            if cumulative < value and "cumulative" not in self.errors:
                self.add_error(
                    "cumulative",
                    ValidationError(
                        _("累計は今年度の実績値以上にしてください。"), code="cumulative_below_value"
                    ),
                )
        return data

    def row_input(self) -> "RowInput":
        data = self.cleaned_data
        return RowInput(
            indicator=self.row.indicator,
            version=data.get("version", ""),
            value=data.get("value"),
            cumulative=data.get("cumulative"),
            state=data.get("state") or State.RECORDED,
            note=data.get("note", ""),
        )


class BaseYearEntryFormSet(forms.BaseFormSet):
    """One row per indicator of the page. A posted row is matched to its indicator by the hidden
    indicator id, never by its position, so a structure changed meanwhile cannot put a value on
    the wrong indicator."""

    def __init__(self, data=None, *args, page: YearEntryPage, **kwargs):
        self.page = page
        self.rows_by_id = {row.indicator.pk: row for row in page.rows}
        # A posted form count above the page's rows is refused, and never builds more forms than
        # the page has rows (a tampered TOTAL_FORMS of 2000 would otherwise cost seconds).
        self.max_num = self.absolute_max = max(len(page.rows), 1)
        if data is None:
            kwargs["initial"] = [row.initial() for row in page.rows]
        super().__init__(data, *args, **kwargs)

    def get_form_kwargs(self, index):
        if self.is_bound:
            raw = self.data.get(f"{self.add_prefix(index)}-indicator", "")
            row = self.rows_by_id.get(int(raw)) if raw.isdigit() else None
        else:
            row = self.page.rows[index]
        # Unchanged rows are neither validated nor saved.
        return {"row": row, "empty_permitted": True}

    def clean(self):
        seen = set()
        for form in self.forms:
            if form.row is None:
                continue
            if form.row.indicator.pk in seen:
                raise ValidationError(_("同じ指標の行が重複しています。"), code="duplicate_row")
            seen.add(form.row.indicator.pk)

    def changed_rows(self) -> list["RowInput"]:
        return [form.row_input() for form in self.forms if form.has_changed()]

    @property
    def error_forms(self) -> list[YearEntryRowForm]:
        return [form for form in self.forms if form.errors]

    def refuse(self, refusal: "RowErrors") -> None:
        """Show the service's refusal on each row, keeping what the user typed. A row refused as
        stale is reloaded underneath the user's input (its version and the values it is compared
        with), so saving it again after checking means "overwrite with mine"."""
        for form in self.forms:
            if form.row is None:
                continue
            pk = form.row.indicator.pk
            if pk in refusal.errors:
                error = refusal.errors[pk]
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        target = name if name in EDITABLE else None
                        form.add_error(target, errors)
                else:
                    form.add_error(None, error)
            if pk in refusal.refreshed:
                current = refusal.refreshed[pk]
                form.data[form.add_prefix("version")] = version_of(current)
                for name, text in row_values(form.row, current).items():
                    form.data[form.add_initial_prefix(name)] = text

    def refuse_all(self, message) -> None:
        self._non_form_errors.append(message)


YearEntryFormSet = forms.formset_factory(
    YearEntryRowForm,
    formset=BaseYearEntryFormSet,
    extra=0,
    max_num=2000,
    absolute_max=2000,
    validate_max=True,
)


# ---------------------------------------------------------------------------------------------
# The save service
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowInput:
    """One row as the user left it, with the version of the result it was loaded from ("" when
    there was none)."""

    indicator: Indicator
    version: str
    value: Decimal | None = None
    cumulative: Decimal | None = None
    state: str = State.RECORDED
    note: str = ""

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


def describe(indicator: Indicator, value, cumulative, state, note) -> str:
    """A row's content in a sentence: 「1.55」, 「64人（累計100人）」, 「集計中」, 「未入力」. Amounts
    are for people (``Indicator.format_value``): rounded to the indicator's decimals."""
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
    mine = describe(row.indicator, row.value, row.cumulative, row.state, row.note)
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
    theirs = describe(row.indicator, current.value, current.cumulative, current.state, current.note)
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
    what is stored are left alone. Empty rows with no result create nothing.

    Validation is the model's own, without a query per row (``kpi.constraints``): fields,
    ``clean()`` and the check constraints in memory, uniqueness against the locked results.

    Queries: the year's results for these indicators, locked (1); the revision in force, unless
    the strategy instance already knows it (0-1); then in bulk the inserts, the updates and
    their history rows (about 4 for a whole year's page, whatever its size)."""
    if fiscal_year.strategy_id != strategy.pk:
        raise ValueError("fiscal_year belongs to another strategy")
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
