"""The year-entry form: one row per indicator, matched by its id, each with the version of the
result it was loaded from. Input format only (``kpi.amounts.parse_amount``, the places); the
rules a result must keep are the model's constraints (``kpi.constraints``) and the plausibility
rules shared with the Excel import (``kpi.plausibility``): a jump against last year is saved
once its row's confirmation box is ticked."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from ..amounts import decimal_places, parse_amount
from ..constraints import check_violations, error_dict
from ..models import AMOUNT, Achievement, TargetKind
from ..plausibility import CONFIRM_LABEL, check_row
from .page import EntryRow, YearEntryPage, input_values, version_of
from .save import EDITABLE, RowErrors, RowInput

State = Achievement.State
#: The inputs a constraint's message is shown beside (else it is the row's message).
AMOUNT_INPUTS = ("value", "cumulative")


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
    # shown only on a row whose 実績値 jumped against last year, after a refused save
    confirm_jump = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args, row: EntryRow | None, restricted: bool = False, **kwargs):
        self.row = row
        self.needs_confirmation = False  # a jump was found: the row shows confirm_jump
        self.restricted = restricted  # the page holds only the member's departments' indicators
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
    def keeps_cumulative(self) -> bool:
        """Only a 5年間の累計 indicator has a 累計 input (a 累計 posted for another is refused)."""
        return self.row is not None and self.row.indicator.kind == TargetKind.CUMULATIVE

    @property
    def error_anchor(self) -> str:
        """Where the summary at the top of the page links to: the first input in error."""
        for name in EDITABLE:
            if name in self.errors and (name != "cumulative" or self.keeps_cumulative):
                return self[name].auto_id
        return f"row-{self.prefix}"

    def has_changed(self) -> bool:
        """Changed by the user since the page was loaded: compared with the values the page was
        rendered with (hidden initial inputs), not with the database now."""
        return any(name in self.changed_data for name in EDITABLE)

    def clean(self):
        data = super().clean()
        if self.row is None:
            if self.restricted:
                raise ValidationError(
                    _(
                        "この指標はあなたの担当課の指標ではないか、この年度の構成に含まれて"
                        "いません。担当課の指標だけを入力できます。"
                    ),
                    code="not_your_department",
                )
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
        # Plausibility (bounds, 累計 against last year's, a jump), on the inputs not in error
        for issue in check_row(
            self.row.indicator,
            value,
            cumulative,
            self.row.previous,
            state=state,
            stored=current,
        ):
            if issue.field in self.errors:
                continue
            if issue.needs_confirmation:
                self.needs_confirmation = True
                if data.get("confirm_jump"):
                    continue
            self.add_error(issue.field, issue.error)
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
            previous=self.row.previous,
            confirmed=bool(data.get("confirm_jump")),
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
        return {"row": row, "empty_permitted": True, "restricted": self.page.restricted}

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
                        if any(item.code == "jump" for item in errors):
                            form.needs_confirmation = True
                else:
                    form.add_error(None, error)
            if pk in refusal.refreshed:
                current = refusal.refreshed[pk]
                form.data[form.add_prefix("version")] = version_of(current)
                for name, text in input_values(form.row, current).items():
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
