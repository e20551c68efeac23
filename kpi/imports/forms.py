"""The upload form of the Excel import: the fiscal year and the file. Input only; reading the file
is ``sheets.read_sheet``'s."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from strategy.models import FiscalYear

from .sheets import EMPTY_FILE, XLSX_CONTENT_TYPE, Limits, size_label, too_large


class ImportUploadForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_lazy("年度"), coerce=int)
    file = forms.FileField(
        label=_lazy("ファイル"),
        help_text=_lazy(
            "ダウンロードした入力用シート（Excel .xlsx）、またはそれをCSVで保存したもの。"
        ),  # the limits are added in __init__ (settings are read when the form is made)
        error_messages={
            "required": _lazy("ファイルを選んでください。"),
            "empty": EMPTY_FILE,
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": f".xlsx,.csv,{XLSX_CONTENT_TYPE},text/csv"}
        ),
    )

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        limits = Limits.from_settings()
        self.fields["file"].help_text = _(
            "ダウンロードした入力用シート（Excel .xlsx）、またはそれをCSVで保存したもの。"
            "%(size)sまで、見出しを除いて%(rows)s行まで、1つのセルは%(chars)s文字まで。"
        ) % {
            "size": size_label(limits.max_bytes),
            "rows": f"{limits.max_rows:,}",
            "chars": f"{limits.max_cell_chars:,}",
        }
        self.years = {fy.year: fy for fy in FiscalYear.objects.for_strategy(strategy)}
        field = self.fields["fiscal_year"]
        field.choices = [
            (
                year,
                f"{fy.long_label}（{fy.short_label}）{_('・公表済み') if fy.is_published else ''}",
            )
            for year, fy in self.years.items()
        ]
        field.error_messages["invalid_choice"] = _(
            "年度「%%(value)s」は計画期間（%(period)s）の外です。一覧から年度を選んでください。"
        ) % {"period": strategy.period_label}

    def clean_fiscal_year(self):
        return self.years[self.cleaned_data["fiscal_year"]]

    def clean_file(self):
        """A file over IMPORT_MAX_BYTES is refused by its size, before a byte of it is read."""
        upload = self.cleaned_data["file"]
        limits = Limits.from_settings()
        if upload.size > limits.max_bytes:
            raise too_large(upload.size, limits)
        return upload
