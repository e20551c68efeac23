"""The columns of the open data set, defined once (``FIELDS``): the CSV header, the JSON keys, the
JSON field list and the field-definition table of the open data page all come from it.

Amounts are machine-readable: exactly as stored (``kpi.amounts.exact_amount``), without thousands
separators, never rounded to the indicator's decimals the way pages round them; the field
definitions say so.

In the CSV (opened by Excel: it has a BOM), a STRING value that a spreadsheet would run as a
formula (starting with = + - @, a tab or a CR) gets a leading apostrophe (``files.csv_row``);
numbers never do, and the JSON keeps every value exactly. The open data page says so under the
field definitions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy import fiscal
from strategy.models import FiscalYear, Strategy

from ..amounts import exact_amount
from ..models import Achievement, Indicator


class DatasetCell(NamedTuple):
    """What one row is about: an indicator in a published fiscal year, its result if any, and
    the texts computed once per export (the state, the revisions that introduced and retired the
    indicator)."""

    strategy: Strategy
    indicator: Indicator
    fiscal_year: FiscalYear
    achievement: Achievement | None
    state: str
    introduced: str
    retired: str


class FieldType(models.TextChoices):
    """The JSON type of a column ("" in the CSV is null in JSON)."""

    STRING = "string", _("文字列")
    INTEGER = "integer", _("整数")
    NUMBER = "number", _("数値")


@dataclass(frozen=True)
class Field:
    """One column: its name (the CSV header and the JSON key), JSON type, meaning and example."""

    name: str
    type: FieldType
    description: str
    example: str
    value: Callable[[DatasetCell], str]

    @property
    def type_label(self) -> str:
        return str(FieldType(self.type).label)


def _result(attribute: str) -> Callable[[DatasetCell], str]:
    def read(cell: DatasetCell) -> str:
        if cell.achievement is None:
            return ""
        return getattr(cell.achievement, attribute)

    return read


def _result_number(attribute: str) -> Callable[[DatasetCell], str]:
    def read(cell: DatasetCell) -> str:
        if cell.achievement is None:
            return ""
        return exact_amount(getattr(cell.achievement, attribute), decimals=cell.indicator.decimals)

    return read


def _data_year(cell: DatasetCell) -> str:
    if cell.achievement is None or cell.achievement.data_year is None:
        return ""
    return str(cell.achievement.data_year)


def _corrected_on(cell: DatasetCell) -> str:
    """The date (in the site's time zone) of the result's latest correction after publication,
    annotated on the result by ``kpi.corrections.with_last_correction``."""
    corrected_at = getattr(cell.achievement, "corrected_at", None)
    if corrected_at is None:
        return ""
    return timezone.localtime(corrected_at).date().isoformat()


def _optional_int(value: int | None) -> str:
    return "" if value is None else str(value)


FIELDS: tuple[Field, ...] = (
    Field(
        "全国地方公共団体コード",
        FieldType.STRING,
        _("総務省の全国地方公共団体コード（検査数字を含む6桁）。先頭の0を含む文字列です。"),
        "012238",
        lambda c: c.strategy.municipality.code,
    ),
    Field(
        "地方公共団体名",
        FieldType.STRING,
        _("都道府県名と市区町村名。"),
        "北海道根室市",
        lambda c: f"{c.strategy.municipality.prefecture}{c.strategy.municipality.name}",
    ),
    Field(
        "戦略名",
        FieldType.STRING,
        _("総合戦略の名称。"),
        "根室市創生総合戦略",
        lambda c: c.strategy.name,
    ),
    Field(
        "基本目標番号",
        FieldType.INTEGER,
        _("指標が属する基本目標の番号。"),
        "1",
        lambda c: str(c.indicator.goal.number),
    ),
    Field(
        "施策コード",
        FieldType.STRING,
        _(
            "KPIが属する施策の基本的方向のコード（基本目標番号・施策の記号・丸数字）。数値目標は空欄。"
        ),
        "3イ②",
        lambda c: c.indicator.measure.code if c.indicator.measure_id else "",
    ),
    Field(
        "指標コード",
        FieldType.STRING,
        _(
            "戦略内で一意な指標のコード。数値目標は「G基本目標番号-順序」、KPIは「施策コード-順序」。"
        ),
        "G1-1",
        lambda c: c.indicator.code,
    ),
    Field(
        "指標区分",
        FieldType.STRING,
        _("「数値目標」（基本目標の指標）または「KPI」（重要業績評価指標、施策の指標）。"),
        "数値目標",
        lambda c: c.indicator.level_label,
    ),
    Field(
        "指標名",
        FieldType.STRING,
        _("指標の名称（戦略の記載どおり）。"),
        "合計特殊出生率",
        lambda c: c.indicator.name,
    ),
    Field(
        "単位",
        FieldType.STRING,
        _("実績値・累計・基準値・目標値の単位。単位のない指標（比率など）は空欄。"),
        "億円",
        lambda c: c.indicator.unit,
    ),
    Field(
        "年度",
        FieldType.INTEGER,
        _("実績の年度。年度の始まる西暦年（平成28年度なら2016）。公表済みの年度のみ収録します。"),
        "2016",
        lambda c: str(c.fiscal_year.year),
    ),
    Field(
        "年度表記",
        FieldType.STRING,
        _("年度の和暦表記（H28 = 平成28年度）。"),
        "H28",
        lambda c: fiscal.short_label(c.fiscal_year.year),
    ),
    Field(
        "実績値",
        FieldType.NUMBER,
        _(
            "その年度の実績。桁区切りのない数値で、登録された値を丸めずに表します"
            "（小数点以下は指標ごとの桁数以上）。"
            "実績がない場合や数値でない場合は空欄。"
        ),
        "33.1",
        _result_number("value"),
    ),
    Field(
        "累計",
        FieldType.NUMBER,
        _("計画期間の初年度からの累計（資料に記載がある場合）。"),
        "46.0",
        _result_number("cumulative"),
    ),
    Field(
        "状態",
        FieldType.STRING,
        _(
            "実績あり／集計中／未集計（登録済みの実績の状態）、未登録（その年度の実績が登録されて"
            "いない）、対象外（その年度の戦略の版にない指標。改訂で追加・廃止された指標）。"
        ),
        "実績あり",
        lambda c: c.state,
    ),
    Field(
        "注記",
        FieldType.STRING,
        _("実績に付された注記（「H25 数値」「住民基本台帳」など）。"),
        "H25 数値",
        _result("note"),
    ),
    Field(
        "データ年度",
        FieldType.INTEGER,
        _("実績値が別の年度の数値である場合の、その年度（西暦）。「H25 数値」なら2013。"),
        "2013",
        _data_year,
    ),
    Field(
        "表記",
        FieldType.STRING,
        _("実績が数値でない場合の、資料の表記どおりの文字列。"),
        "ゼロ名維持 (地域課題あり)",
        _result("text"),
    ),
    Field(
        "基準値",
        FieldType.NUMBER,
        _("策定時の基準値。数値で示されていない場合は空欄。"),
        "1.37",
        lambda c: exact_amount(c.indicator.baseline_value, decimals=c.indicator.decimals),
    ),
    Field(
        "基準値表記",
        FieldType.STRING,
        _("基準値が数値でない場合の表記（「—」は基準値の記載なし）。"),
        "—",
        lambda c: c.indicator.baseline_text,
    ),
    Field(
        "基準値注記",
        FieldType.STRING,
        _("基準値の出典・時点の注記（「H23 数値」など）。"),
        "H23 数値",
        lambda c: c.indicator.baseline_note,
    ),
    Field(
        "目標値",
        FieldType.NUMBER,
        _("目標の数値。"),
        "1.49",
        lambda c: exact_amount(c.indicator.target_value, decimals=c.indicator.decimals),
    ),
    Field(
        "目標",
        FieldType.STRING,
        _("目標の文言（戦略の記載どおり）。"),
        "5年で1.49とし0.12ポイント向上",
        lambda c: c.indicator.target_text,
    ),
    Field(
        "目標年度",
        FieldType.INTEGER,
        _("目標を達成する年度（西暦）。"),
        "2019",
        lambda c: _optional_int(c.indicator.target_fiscal_year),
    ),
    Field(
        "有効版",
        FieldType.STRING,
        _("この指標を定めた戦略の版（策定・改訂の日付と区分）。"),
        "2015-10-30 策定",
        lambda c: c.introduced,
    ),
    Field(
        "廃止版",
        FieldType.STRING,
        _("この指標を廃止した改訂（現行の指標は空欄）。廃止後も過去の実績は収録します。"),
        "2017-11-22 改訂",
        lambda c: c.retired,
    ),
    Field(
        "改訂前の指標コード",
        FieldType.STRING,
        _(
            "改訂で目標や位置が変わった指標の、改訂前の指標コード。"
            "両者の実績をつなげると一続きの推移になります。"
        ),
        "3イ②-2",
        lambda c: c.indicator.predecessor.code if c.indicator.predecessor_id else "",
    ),
    Field(
        "訂正日",
        FieldType.STRING,
        _(
            "公表後にこの実績を訂正した日（YYYY-MM-DD）。訂正がなければ空欄。"
            "実績値・累計・状態・注記は訂正後の値です。複数回訂正した場合は最新の訂正の日。"
            "訂正前の値と経緯は訂正履歴のページに掲載しています。"
        ),
        "2018-06-01",
        lambda c: _corrected_on(c),
    ),
    Field(
        "訂正理由",
        FieldType.STRING,
        _("公表後の訂正の理由（最新の訂正）。訂正がなければ空欄。"),
        "集計の誤りを訂正",
        lambda c: getattr(c.achievement, "correction_reason", None) or "",
    ),
)

FIELD_NAMES = tuple(field.name for field in FIELDS)
