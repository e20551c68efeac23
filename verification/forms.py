"""Forms of the verification staff pages: the 推進本部's internal verdict, a panel member's draft
and the secretariat's final panel verdict, and the withdrawal of a published year. They check the
input's format and, so that a page says what is missing, the rules of verification.rules; the
services check those again, and the models' constraints, before anything is saved
(``add_service_errors`` puts what a service refused back on the form)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Grade, PanelDraft, PanelReview, opinion_lines
from .rules import review_errors

TEXT_MAX = 4000
OPINIONS_MAX = 8000


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on `form`: next to the field it names when the form has
    that field, else above the form (with the form's own non-field errors)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Internal verdicts ---------------------------------------------------------------------------


class InternalReviewForm(forms.Form):
    """The 推進本部's verdict on one measure for one year. The rules (C・D need 今後の課題と対応方向,
    a grade other than the reference grade needs a reason) are those of
    ``verification.rules.review_errors``, checked here so that the page says what is missing,
    and again by the service that records the verdict."""

    grade = forms.ChoiceField(
        label=_("検証結果"),
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("検証結果（A〜D）を選んでください。")},
    )
    issues = forms.CharField(
        label=_("今後の課題と対応方向"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_("C・D の場合は必須です。"),
    )
    departure_reason = forms.CharField(
        label=_("参考評価と異なる理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("検証結果が参考評価と異なる場合は必須です。"),
    )

    def __init__(self, *args, reference: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean(self):
        cleaned = super().clean()
        errors = review_errors(
            grade=cleaned.get("grade", ""),
            issues=cleaned.get("issues", ""),
            departure_reason=cleaned.get("departure_reason", ""),
            reference=self.reference,
        )
        for field, error in errors.items():
            self.add_error(field, error)
        return cleaned


# --- Panel verdicts ------------------------------------------------------------------------------


class _VerdictForm(forms.Form):
    supplementary_opinion = forms.CharField(
        label=_("付帯意見"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"max_length": _("付帯意見は%(limit_value)d文字以内で入力してください。")},
    )
    opinions = forms.CharField(
        label=_("意見等"),
        required=False,
        max_length=OPINIONS_MAX,
        help_text=_("1行に1件ずつ入力してください。空行は無視されます。"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        error_messages={"max_length": _("意見等は%(limit_value)d文字以内で入力してください。")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def opinion_list(self) -> list[str]:
        return opinion_lines(self.cleaned_data.get("opinions", ""))


class PanelDraftForm(_VerdictForm):
    """A member's own draft: the grade may stay undecided while drafting."""

    grade = forms.ChoiceField(
        label=_("検証結果（案）"),
        required=False,
        choices=[("", _("未定"))] + list(Grade.choices),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("検証結果は A・B・C・D または未定から選んでください。")
        },
    )
    field_order = ["grade", "supplementary_opinion", "opinions"]

    @classmethod
    def for_draft(cls, draft: PanelDraft | None, **kwargs) -> "PanelDraftForm":
        initial = {"grade": ""}
        if draft is not None:
            initial = {
                "grade": draft.grade,
                "supplementary_opinion": draft.supplementary_opinion,
                "opinions": "\n".join(draft.opinion_lines),
            }
        return cls(initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        if not (data.get("grade") or data.get("supplementary_opinion") or self.opinion_list()):
            if not self.errors:
                raise ValidationError(
                    _("検証結果・付帯意見・意見等のいずれかを入力してください。"),
                    code="empty_draft",
                )
        return data


class PanelRecordForm(_VerdictForm):
    """The secretariat's final verdict: the grade is required."""

    grade = forms.ChoiceField(
        label=_("検証結果"),
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("検証結果（A〜D）を選んでください。"),
            "invalid_choice": _("検証結果は A・B・C・D のいずれかを選んでください。"),
        },
    )
    field_order = ["grade", "supplementary_opinion", "opinions"]

    @classmethod
    def starting_from(
        cls, *, review: PanelReview | None, opinions, draft: PanelDraft | None, **kwargs
    ) -> "PanelRecordForm":
        """Pre-filled from a member's draft when one is chosen, else from the recorded verdict."""
        initial = {}
        if draft is not None:
            initial = {
                "grade": draft.grade or None,
                "supplementary_opinion": draft.supplementary_opinion,
                "opinions": "\n".join(draft.opinion_lines),
            }
        elif review is not None:
            initial = {
                "grade": review.grade,
                "supplementary_opinion": review.supplementary_opinion,
                "opinions": "\n".join(o.text for o in opinions),
            }
        return cls(initial=initial, **kwargs)


# --- Year publication ----------------------------------------------------------------------------


class WithdrawForm(forms.Form):
    """The reason for withdrawing a published year (required, recorded with the withdrawal)."""

    reason = forms.CharField(
        label=_("取り下げの理由"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
        max_length=2000,
        error_messages={"required": _("取り下げの理由を入力してください。")},
    )
