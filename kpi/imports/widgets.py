"""The cells of the entry sheet as django-import-export widgets: each reads what staff type (an
amount as the entry screen reads it, a state by its label, a year as people write it) and raises
ValueError with a message naming the column and the text."""

import unicodedata
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets

from strategy import fiscal

from ..amounts import parse_amount
from ..models import Achievement

if TYPE_CHECKING:
    from .resource import AchievementSheetResource

STATE_BY_LABEL = {str(label): value for value, label in Achievement.State.choices}


def cell_text(value) -> str:
    """A cell as text: stripped of ordinary and full-width spaces; '' for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().strip("\u3000").strip()


class AmountWidget(widgets.Widget):
    """A number as staff type it, read as the entry screen reads it (``kpi.amounts.parse_amount``):
    1234, 1,234, １，２３４, 12.5, −3 or △3 (a minus, which the constraints then reject); a number
    Excel stored as a binary float is rounded to the four places the database keeps. Anything
    else (a unit after the number included) is an error naming the column and the text."""

    def __init__(self, label: str):
        super().__init__(coerce_to_string=False)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_amount(value)
        except ValidationError:
            raise ValueError(
                _("%(column)s「%(text)s」は数値ではありません。")
                % {"column": self.label, "text": cell_text(value)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value


class StateWidget(widgets.Widget):
    """実績あり / 集計中 / 未集計 (empty: decided from the value, see the resource)."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if text in STATE_BY_LABEL:
            return STATE_BY_LABEL[text]
        if text in STATE_BY_LABEL.values():
            return text
        choices = "・".join(STATE_BY_LABEL)
        raise ValueError(
            _("状態「%(text)s」は %(choices)s のいずれかにしてください。")
            % {"text": text, "choices": choices}
        )

    def render(self, value, obj=None, **kwargs):
        return str(Achievement.State(value).label) if value else ""


class NoteWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class IndicatorCodeWidget(widgets.Widget):
    """指標コード → the indicator, from the ones the resource fetched for the chunk."""

    def __init__(self, resource: "AchievementSheetResource"):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if not code:
            raise ValueError(_("指標コードを入力してください。"))
        indicator = self.resource.indicators.get(code)
        if indicator is None:
            raise ValueError(_("指標コード「%(code)s」はこの戦略にありません。") % {"code": code})
        self.resource.check_department(indicator)
        self.resource.check_in_force(indicator)
        return indicator

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class FiscalYearWidget(widgets.Widget):
    """年度: H29, 平成29年度, 2017 or empty (the year chosen on upload). Any other year is an
    error: one sheet holds one year's results."""

    def __init__(self, resource: "AchievementSheetResource"):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        chosen = self.resource.fiscal_year
        text = cell_text(value)
        if not text:
            return chosen
        year = self.parse(text)
        strategy = self.resource.strategy
        if year is None:
            raise ValueError(
                _("年度「%(text)s」を読み取れません。%(example)s のように入力してください。")
                % {"text": text, "example": chosen.short_label}
            )
        if year not in strategy.fiscal_year_range:
            raise ValueError(
                _("年度「%(text)s」は計画期間（%(period)s）の外です。")
                % {"text": text, "period": strategy.period_label}
            )
        if year != chosen.year:
            raise ValueError(
                _(
                    "年度「%(text)s」はアップロードで選んだ年度（%(chosen)s）と違います。"
                    "1つのシートには1つの年度の実績を入力してください。"
                )
                % {"text": text, "chosen": chosen.short_label}
            )
        return chosen

    def parse(self, text: str) -> int | None:
        """The fiscal year a cell names (``strategy.fiscal.fiscal_year_from_text``), else None."""
        try:
            return fiscal.fiscal_year_from_text(unicodedata.normalize("NFKC", text))
        except ValueError:
            return None

    def render(self, value, obj=None, **kwargs):
        return value.short_label if value else ""
