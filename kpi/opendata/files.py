"""The open data as files (CSV and JSON, in pieces for a streaming response) and what the open
data page says about them."""

import csv
import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from strategy.cells import csv_text
from strategy.models import FiscalYear, Strategy

from ..models import Indicator
from .fields import FIELD_NAMES, FIELDS, FieldType
from .rows import dataset_rows, published_years

ROWS_PER_CHUNK = 200
BOM = "\ufeff"

LICENSE_NAME = "CC BY 4.0"
LICENSE_TITLE = "クリエイティブ・コモンズ 表示 4.0 国際"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"


def dataset_title(strategy: Strategy) -> str:
    return f"{strategy.name} 数値目標・KPI 年度別実績"


def filename(strategy: Strategy, extension: str) -> str:
    """「012238_nemuro-sousei-2015_kpi_results.csv」: code first, as the standard data sets do."""
    return f"{strategy.municipality.code}_{strategy.slug}_kpi_results.{extension}"


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(strategy: Strategy) -> Iterator[str]:
    """The CSV file in pieces: a UTF-8 byte-order mark (so Excel reads the Japanese text), the
    header row, then the rows, CRLF line ends (RFC 4180), a few hundred rows per piece. Text
    cells go through `csv_row` (no spreadsheet runs them as formulas)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(FIELD_NAMES)
    yield from _batched(writer.writerow(csv_row(row)) for row in dataset_rows(strategy))


_IS_TEXT = tuple(field.type == FieldType.STRING for field in FIELDS)


def csv_row(values: list[str]) -> list[str]:
    """One row for the CSV: a text cell that starts with = + - @, a tab or a carriage return gets
    a leading apostrophe (``strategy.cells.csv_text``), since a CSV with a BOM is opened by Excel,
    which would run it as a formula. Number columns, and text that is a number ("-1.5"), are
    left alone; the JSON (`json_row`) keeps every text exactly as stored."""
    return [
        csv_text(value) if is_text else value
        for is_text, value in zip(_IS_TEXT, values, strict=True)
    ]


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


def json_row(values: list[str]) -> str:
    """One row as a JSON object with the field names as keys: text as strings, numbers as
    written in the CSV (no float rounding), empty numbers as null."""
    pairs = []
    for key, is_text, text in zip(_JSON_KEYS, _IS_TEXT, values, strict=True):
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
