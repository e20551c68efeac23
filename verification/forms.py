"""Forms of the verification staff pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Grade
from .reviews import review_errors


class InternalReviewForm(forms.Form):
    """The 推進本部's verdict on one measure for one year. The rules (C・D need 今後の課題と対応方向,
    a grade other than the reference grade needs a reason) are those of
    ``verification.reviews.review_errors``, checked here so that the page says what is missing,
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
