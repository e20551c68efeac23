"""Forms of the staff pages the project package serves."""

from django import forms
from django.utils.translation import gettext as _


class AssignmentForm(forms.Form):
    """One select per measure (``measure-<id>``) and per 数値目標 (``indicator-<id>``)."""

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        choices = [("", _("未割当"))] + [(str(d.pk), d.name) for d in page.departments]
        for measure in page.measures:
            self.fields[f"measure-{measure.pk}"] = forms.ChoiceField(
                label=f"{measure.code} {measure.name}",
                choices=choices,
                required=False,
                initial=str(measure.department_id or ""),
            )
        for indicator in page.goal_indicators:
            self.fields[f"indicator-{indicator.pk}"] = forms.ChoiceField(
                label=f"{indicator.code} {indicator.name}",
                choices=choices,
                required=False,
                initial=str(indicator.department_id or ""),
            )

    def rows(self, prefix: str, objects):
        return [(obj, self[f"{prefix}-{obj.pk}"]) for obj in objects]

    def chosen(self, prefix: str) -> dict[int, int | None]:
        return {
            int(name.split("-", 1)[1]): int(value) if value else None
            for name, value in self.cleaned_data.items()
            if name.startswith(f"{prefix}-")
        }
