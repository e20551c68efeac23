"""Forms of the data call's pages. They read the input's format only; the rules (a deadline not
in the past, a comment for a return, confirming empty indicators) are the services' own, and what
a service refuses comes back next to its field (``verification.forms.add_service_errors``)."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 2000


class DataCallOpenForm(forms.Form):
    deadline = forms.DateField(
        label=_("提出期限"),
        required=False,  # the service says so when it is missing
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        help_text=_("例：2018-05-31"),
        error_messages={"invalid": _("提出期限は 2018-05-31 のように入力してください。")},
    )
    message = forms.CharField(
        label=_("担当課への連絡事項（任意）"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def deadline_input_value(self) -> str:
        """The deadline for the date input: as given when it is a date, else empty (a date
        input may only hold YYYY-MM-DD; the error says what was wrong)."""
        value = self["deadline"].value()
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value or "")).isoformat()
        except ValueError:
            return ""


class SubmitForm(forms.Form):
    confirm_empty = forms.BooleanField(
        label=_("未入力の指標があることを確認したうえで提出します"),
        required=False,
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("差戻しの理由（必須）"),
        required=False,  # the service says so when it is missing
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("担当課に修正してほしい点を具体的に書いてください。"),
    )


class PublishForm(forms.Form):
    """The publication's confirmation: the checkbox, and a reason when the readiness check lists
    gaps (both enforced by ``verification.services.fiscal_year_publish``)."""

    confirmed = forms.BooleanField(
        label=_("上の確認結果を確認したうえで公表します"),
        required=False,
    )
    reason = forms.CharField(
        label=_("未確認の項目があるまま公表する理由"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("確認結果に不足がある場合は必須です。公表の記録に残ります。"),
    )
