"""Forms of the panel pages: a member's draft verdict and the secretariat's final verdict.
They check the input's format only; the rules live in the models and verification/panel.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Grade, PanelDraft, PanelReview
from .panel import opinion_lines

TEXT_MAX = 4000
OPINIONS_MAX = 8000


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
