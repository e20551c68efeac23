"""The 事業量 entry page's one form (``strategy.views.outputs``), a formset of 事業量 lines; what the
page holds is read by ``strategy.selectors.output_entry_page``.

The page holds the project listings in force that year of the member's departments (every one for
the secretariat), one goal (基本目標) at a time so that the form stays within Django's limit on the
number of posted fields. Each listing is shown with its outputs of that year (``ProjectOutput``,
matched by measure and project) and their lines; a listing without an output gets one, made when
its first line is saved.

Every line form carries the key of its group (``o<output id>``, or ``l<listing id>`` for a listing
without an output yet) and the group's *version*: a digest of the group's lines as the page showed
them (``lines_version``). A group whose posted lines differ from its version was changed by the
user; the save refuses it when the lines stored now differ from that version (someone else saved
meanwhile). Input format only here; the rules a line must keep are the model's (``full_clean`` in
``strategy.services.project_outputs_save_year``).
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .selectors import OutputEntryPage, OutputGroup
from .services import LineInput, OutputGroupInput, lines_version, value_text

#: Empty rows under a project: two when it has no line yet, one otherwise.
EMPTY_ROWS_NEW = 2
EMPTY_ROWS_MORE = 1
EDITABLE = ("label", "text", "value", "unit")


class AmountField(forms.DecimalField):
    """A 事業量 number as people type it: full-width digits and 「1,234」 are accepted."""

    widget = forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "size": 9, "class": "amount"}
    )

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").strip()
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid":
                raise ValidationError(
                    _("数値で入力してください（例: 842、1.5）。"), code="invalid"
                ) from error
            raise


def _text(label, max_length: int, size: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"size": size, "autocomplete": "off"}),
    )


class OutputLineForm(forms.Form):
    """One 事業量 line of a project (or an empty row to add one)."""

    group = forms.CharField(widget=forms.HiddenInput)
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = _text(_("項目"), 200, 28)
    text = _text(_("事業量（表記）"), 200, 16)
    value = AmountField(
        label=_("数値"),
        required=False,
        max_digits=18,
        decimal_places=4,
        min_value=0,
        error_messages={"min_value": _("事業量に負の値は入力できません。")},
    )
    unit = _text(_("単位"), 20, 5)
    delete = forms.BooleanField(label=_("削除"), required=False)

    def __init__(self, *args, group: OutputGroup | None, restricted: bool = False, **kwargs):
        self.group = group
        self.restricted = restricted
        super().__init__(*args, **kwargs)

    @property
    def row_errors_id(self) -> str:
        return f"{self.prefix}-errors"

    @property
    def error_anchor(self) -> str:
        for name in EDITABLE:
            if name in self.errors:
                return self[name].auto_id
        return f"row-{self.prefix}"

    @property
    def line_id(self) -> int | None:
        """The stored line this row shows (None for an empty row to add one)."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("line"), "")
            return int(raw) if raw.isdigit() else None
        return self.initial.get("line")

    def clean(self):
        data = super().clean()
        if self.group is None:
            if self.restricted:
                raise ValidationError(
                    _(
                        "この事業はあなたの担当課の事業ではないか、この年度の構成に含まれて"
                        "いません。担当課の事業だけを入力できます。"
                    ),
                    code="not_your_department",
                )
            raise ValidationError(
                _("この事業はこの年度の構成に含まれていません。ページを再読み込みしてください。"),
                code="unknown_project",
            )
        line_id = data.get("line")
        if line_id is not None and line_id not in {line.line_id for line in self.group.lines}:
            raise ValidationError(
                _("この事業量の行は見つかりません（他の職員が削除した可能性があります）。"),
                code="unknown_line",
            )
        return data

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            data.get("line"),
            data.get("label", ""),
            data.get("text", ""),
            data.get("value"),
            data.get("unit", ""),
        )


def _initial(group: OutputGroup, line: LineInput | None) -> dict:
    initial = {"group": group.key, "version": group.version}
    if line is not None:
        initial.update(
            line=line.line_id,
            label=line.label,
            text=line.text,
            value=value_text(line.value),
            unit=line.unit,
        )
    return initial


class BaseOutputLineFormSet(forms.BaseFormSet):
    """The page's lines: each group's stored lines, then its empty rows. A posted row is matched
    to its group by the hidden key, never by its position."""

    def __init__(self, data=None, *args, page: OutputEntryPage, **kwargs):
        self.page = page
        self.groups_by_key = {group.key: group for group in page.groups}
        for group in page.groups:  # rows of a project whose output someone made meanwhile
            self.groups_by_key.setdefault(f"l{group.listing.pk}", OutputGroup(group.listing))
        initial = []
        for group in page.groups:
            lines = group.lines
            initial.extend(_initial(group, line) for line in lines)
            empty = EMPTY_ROWS_MORE if lines else EMPTY_ROWS_NEW
            initial.extend(_initial(group, None) for _ in range(empty))
        # never more forms than the page rendered (a tampered TOTAL_FORMS builds nothing more)
        self.max_num = self.absolute_max = max(len(initial), 1)
        if data is None:
            kwargs["initial"] = initial
        super().__init__(data, *args, **kwargs)

    def get_form_kwargs(self, index):
        if self.is_bound:
            key = self.data.get(f"{self.add_prefix(index)}-group", "")
            group = self.groups_by_key.get(key)
        else:
            group = self.groups_by_key[self.initial[index]["group"]]
        return {"group": group, "restricted": self.page.restricted}

    def clean(self):
        seen = set()
        for form in self.forms:
            line_id = form.cleaned_data.get("line") if hasattr(form, "cleaned_data") else None
            if line_id is None:
                continue
            if line_id in seen:
                raise ValidationError(_("同じ事業量の行が重複しています。"), code="duplicate_row")
            seen.add(line_id)

    def groups_input(self) -> list[OutputGroupInput]:
        """Each group the user changed, with its lines as wanted: kept and new lines in the
        page's order, deleted and empty rows left out. Remembers which form each line came
        from, to put the service's refusal back on it."""
        posted: dict = {}
        self._forms_of: dict = {}
        for form in self.forms:
            if form.group is None:
                continue
            key = form.group.key
            entry = posted.setdefault(key, (form.group, form.cleaned_data.get("version", ""), []))
            self._forms_of.setdefault(key, [form])
            line = form.line_input()
            if form.cleaned_data.get("delete") or (line.line_id is None and line.is_empty):
                continue
            self._forms_of[(key, len(entry[2]))] = form
            entry[2].append(line)
        return [
            OutputGroupInput(
                key=group.key,
                listing=group.listing,
                output_id=group.output.pk if group.output is not None else None,
                version=version,
                lines=lines,
            )
            for group, version, lines in posted.values()
            if lines_version(lines) != version
        ]

    def refuse(self, refusal) -> None:
        """Show the service's refusal next to each field, keeping what the user typed. A group
        refused as stale gets the version stored now, so saving it again means "keep mine"."""
        for form in self.forms:
            if form.group is not None and form.group.key in refusal.versions:
                form.data[form.add_prefix("version")] = refusal.versions[form.group.key]
        for (key, index), error in refusal.line_errors.items():
            form = self._forms_of[(key, index)]
            for name, errors in error.error_dict.items():
                form.add_error(name if name in EDITABLE else None, errors)
        for key, error in refusal.group_errors.items():
            self._forms_of[key][0].add_error(None, error)

    def refuse_all(self, message) -> None:
        self._non_form_errors.append(message)

    @property
    def error_forms(self) -> list[OutputLineForm]:
        return [form for form in self.forms if form.errors]


OutputLineFormSet = forms.formset_factory(
    OutputLineForm,
    formset=BaseOutputLineFormSet,
    extra=0,
    max_num=2000,
    absolute_max=2000,
    validate_max=True,
)


def group_by_measure(formset: BaseOutputLineFormSet) -> list[dict]:
    """The forms by measure, then by project (group), in the order of the form; rows posted for
    a project not on the page last."""
    measures: dict = {}
    unknown = []
    for form in formset.forms:
        group = form.group
        if group is None:
            unknown.append(form)
            continue
        measure = group.listing.measure
        entry = measures.setdefault(measure.pk, {"measure": measure, "groups": {}})
        entry["groups"].setdefault(group.key, {"group": group, "forms": []})["forms"].append(form)
    grouped = [
        {"measure": m["measure"], "groups": list(m["groups"].values())} for m in measures.values()
    ]
    if unknown:
        grouped.append({"measure": None, "groups": [{"group": None, "forms": unknown}]})
    return grouped
