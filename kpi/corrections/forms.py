"""The correction form: the result as it should be, and the 訂正理由. Input format only; the rules
a result must keep are the model's (checked by the correction services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..entry.forms import AmountField
from ..models import Achievement, Indicator
from .services import CorrectedValues

State = Achievement.State


class CorrectionForm(forms.Form):
    value = AmountField(label=_("実績値"))
    cumulative = AmountField(label=_("累計"))
    state = forms.ChoiceField(label=_("状態"), choices=State.choices, initial=State.RECORDED)
    note = forms.CharField(
        label=_("注記"), max_length=100, required=False, help_text=_("「H25 数値」など。")
    )
    reason = forms.CharField(
        label=_("訂正理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公開ページの訂正履歴にそのまま表示されます。"),
        error_messages={"required": _("訂正理由を入力してください。")},
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value", "cumulative"):
            self.fields[name].unit = indicator.unit
            self.fields[name].show_hidden_initial = False
            self.fields[name].max_places = Achievement._meta.get_field(name).decimal_places

    def corrected_values(self) -> CorrectedValues:
        data = self.cleaned_data
        return CorrectedValues(
            state=data["state"],
            value=data["value"],
            cumulative=data["cumulative"],
            note=data["note"].strip(),
        )


class RejectForm(forms.Form):
    decision_note = forms.CharField(
        label=_("却下の理由"), max_length=200, required=False, widget=forms.TextInput
    )
