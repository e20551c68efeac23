"""The open data set: every indicator (数値目標・KPI, retired nodes included) × every published
fiscal year, one row each, in the column layout of the 自治体標準データセット (Japanese column
names, 全国地方公共団体コード first, then 地方公共団体名).

`FIELDS` is the single definition of the columns: the CSV header, the JSON keys, the JSON field
list and the field-definition table of the open data page all come from it. `dataset_rows` reads
the database in a fixed number of queries with `.iterator()`, so memory stays flat whatever the
size of the data; `csv_chunks` and `json_chunks` turn the rows into text for a streaming response.

Only published years (`FiscalYear.published_at` set) ever appear, not even as empty rows.

Amounts are machine-readable: exactly as stored (``kpi.amounts.exact_amount``), without thousands
separators, never rounded to the indicator's decimals the way pages round them (1.534 stays
1.534 where the indicator page shows 1.53); the field definitions say so.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from strategy import fiscal
from strategy.models import FiscalYear, Revision, Strategy

from .amounts import exact_amount
from .models import Achievement, Indicator

CHUNK_SIZE = 2000
ROWS_PER_CHUNK = 200
BOM = "\ufeff"

LICENSE_NAME = "CC BY 4.0"
LICENSE_TITLE = "クリエイティブ・コモンズ 表示 4.0 国際"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"

NO_RESULT = "未登録"
NOT_IN_FORCE = "対象外"


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


def vocabulary() -> tuple[dict[str, str], dict[str, str]]:
    """The labels of result states and revision kinds, always in Japanese: they are data, so they
    must not change with the visitor's language (and are looked up once, not once per row)."""
    with translation.override("ja"):
        states = {value: str(label) for value, label in Achievement.State.choices}
        kinds = {value: str(label) for value, label in Revision.Status.choices}
    return states, kinds


def revision_text(revision: Revision | None, kinds: dict[str, str]) -> str:
    """「2015-10-30 策定」; a draft has no date yet: 「改訂案（日付未定）」."""
    if revision is None:
        return ""
    if revision.date is None:
        return f"{kinds[revision.status]}（日付未定）"
    return f"{revision.date:%Y-%m-%d} {kinds[revision.status]}"


def in_force_in(indicator: Indicator, year: int) -> bool:
    """Whether the node stood in the tree adopted for `year`: the revision that introduced it
    applies by then and the one that retired it (if any) does not yet (``Revision.applies_in``,
    the rule behind ``revision_in_force``; a draft never applies). Reads only the two revisions
    loaded with the indicator."""
    retired = indicator.retired_in
    return indicator.introduced_in.applies_in(year) and not (
        retired is not None and retired.applies_in(year)
    )


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
)

FIELD_NAMES = tuple(field.name for field in FIELDS)


def dataset_title(strategy: Strategy) -> str:
    return f"{strategy.name} 数値目標・KPI 年度別実績"


def filename(strategy: Strategy, extension: str) -> str:
    """「012238_nemuro-sousei-2015_kpi_results.csv」: code first, as the standard data sets do."""
    return f"{strategy.municipality.code}_{strategy.slug}_kpi_results.{extension}"


def published_years(strategy: Strategy) -> list[FiscalYear]:
    """The strategy's published fiscal years, oldest first (one query)."""
    return list(FiscalYear.objects.for_strategy(strategy).published())


def _indicators(strategy: Strategy):
    """Every indicator of the strategy, retired ones included, in the tree order
    (``in_tree_order``: goal, its 数値目標 first, then its measures' KPIs)."""
    return (
        Indicator.objects.filter(strategy=strategy)
        .select_related("goal", "measure", "introduced_in", "retired_in", "predecessor")
        .in_tree_order()
    )


def _results(strategy: Strategy):
    """The results of the strategy's published years in the same order as `_indicators` (the
    tree order of their indicators, then the year), so the two streams can be merged."""
    return (
        Achievement.objects.published()
        .filter(indicator__strategy=strategy, fiscal_year__strategy=strategy)
        .in_tree_order()
    )


def dataset_cells(
    strategy: Strategy, years: list[FiscalYear] | None = None
) -> Iterator[DatasetCell]:
    """One cell per indicator × published year, in tree order then year order.

    Queries, whatever the size of the data: the published years (1, unless `years` is given),
    the indicators with their tree and revisions (1), the published results (1). Both big reads
    are streamed with `.iterator()` in the same order (the database sorts both, so the order is
    the same whatever its collation), every result belongs to an indicator of the first stream,
    and so the results of each indicator are the ones at the head of the second stream."""
    if years is None:
        years = published_years(strategy)
    if not years:
        return
    states, kinds = vocabulary()
    revisions: dict[int | None, str] = {None: ""}

    def revision_of(revision: Revision | None) -> str:
        key = revision.pk if revision else None
        if key not in revisions:
            revisions[key] = revision_text(revision, kinds)
        return revisions[key]

    results = _results(strategy).iterator(chunk_size=CHUNK_SIZE)
    pending = next(results, None)
    for indicator in _indicators(strategy).iterator(chunk_size=CHUNK_SIZE):
        found = {}
        while pending is not None and pending.indicator_id == indicator.pk:
            found[pending.fiscal_year_id] = pending
            pending = next(results, None)
        introduced = revision_of(indicator.introduced_in)
        retired = revision_of(indicator.retired_in)
        for fiscal_year in years:
            achievement = found.get(fiscal_year.pk)
            if achievement is not None:
                state = states[achievement.state]
            elif in_force_in(indicator, fiscal_year.year):
                state = NO_RESULT
            else:
                state = NOT_IN_FORCE
            yield DatasetCell(
                strategy, indicator, fiscal_year, achievement, state, introduced, retired
            )


def dataset_row(cell: DatasetCell) -> list[str]:
    """One row as the CSV writes it: a string per field ("" for empty)."""
    return [field.value(cell) for field in FIELDS]


def dataset_rows(strategy: Strategy, years: list[FiscalYear] | None = None) -> Iterator[list[str]]:
    """The rows of the data set, in `FIELDS` order (see `dataset_cells` for the queries)."""
    for cell in dataset_cells(strategy, years):
        yield dataset_row(cell)


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(strategy: Strategy) -> Iterator[str]:
    """The CSV file in pieces: a UTF-8 byte-order mark (so Excel reads the Japanese text), the
    header row, then the rows, CRLF line ends (RFC 4180), a few hundred rows per piece."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(FIELD_NAMES)
    yield from _batched(writer.writerow(row) for row in dataset_rows(strategy))


def _batched(lines: Iterable[str]) -> Iterator[str]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= ROWS_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


_JSON = json.JSONEncoder(ensure_ascii=False)
_JSON_KEYS = tuple(_JSON.encode(field.name) + ": " for field in FIELDS)
_JSON_IS_TEXT = tuple(field.type == FieldType.STRING for field in FIELDS)


def json_row(values: list[str]) -> str:
    """One row as a JSON object with the field names as keys: text as strings, numbers as
    written in the CSV (no float rounding), empty numbers as null."""
    pairs = []
    for key, is_text, text in zip(_JSON_KEYS, _JSON_IS_TEXT, values, strict=True):
        if is_text:
            pairs.append(key + _JSON.encode(text))
        else:
            pairs.append(key + (text or "null"))
    return "{" + ", ".join(pairs) + "}"


def json_metadata(strategy: Strategy, years: list[FiscalYear]) -> dict:
    """The header of the JSON file: what the data set is, who publishes it, its fields."""
    municipality = strategy.municipality
    return {
        "dataset": dataset_title(strategy),
        "municipality_code": municipality.code,
        "municipality_name": f"{municipality.prefecture}{municipality.name}",
        "strategy": strategy.name,
        "generated": timezone.localdate().isoformat(),
        "fiscal_years": [year.year for year in years],
        "license": {
            "name": LICENSE_NAME,
            "title": LICENSE_TITLE,
            "url": LICENSE_URL,
            "note": f"{municipality.name}が提案するライセンス（案）",
        },
        "fields": [
            {"name": f.name, "type": f.type, "description": str(f.description)} for f in FIELDS
        ],
    }


def json_chunks(strategy: Strategy) -> Iterator[str]:
    """The JSON file in pieces: {metadata…, "rows": [ {…}, … ]}, one row object per line."""
    years = published_years(strategy)
    header = json.dumps(json_metadata(strategy, years), ensure_ascii=False, indent=1)
    yield header.removesuffix("}").rstrip() + ',\n "rows": ['
    lines = (
        ("\n  " if index == 0 else ",\n  ") + json_row(row)
        for index, row in enumerate(dataset_rows(strategy, years))
    )
    yield from _batched(lines)
    yield "\n ]\n}\n"


def page_context(strategy: Strategy) -> dict:
    """What the open data page shows besides the field table. Queries: published years (1),
    indicators (1)."""
    years = published_years(strategy)
    indicator_count = Indicator.objects.filter(strategy=strategy).count()
    return {
        "years": years,
        "indicator_count": indicator_count,
        "row_count": indicator_count * len(years),
        "fields": FIELDS,
        "dataset_title": dataset_title(strategy),
        "csv_filename": filename(strategy, "csv"),
        "json_filename": filename(strategy, "json"),
        "license_name": LICENSE_NAME,
        "license_title": LICENSE_TITLE,
        "license_url": LICENSE_URL,
    }
