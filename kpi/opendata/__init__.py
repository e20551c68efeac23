"""The open data set: every indicator (数値目標・KPI, retired nodes included) × every published
fiscal year, one row each, in the column layout of the 自治体標準データセット (Japanese column
names, 全国地方公共団体コード first, then 地方公共団体名).

``fields``: the single definition of the columns (``FIELDS``); ``rows``: the rows, read in a fixed
number of queries with ``.iterator()`` so that memory stays flat whatever the size of the data;
``files``: the CSV and JSON files in pieces for a streaming response, and the page's context.

Only published years (`FiscalYear.published_at` set) ever appear, not even as empty rows.

Amounts are machine-readable: exactly as stored (``kpi.amounts.exact_amount``), without thousands
separators, never rounded to the indicator's decimals the way pages round them (1.534 stays
1.534 where the indicator page shows 1.53); the field definitions say so.
"""

from .fields import FIELD_NAMES, FIELDS, DatasetCell, Field, FieldType
from .files import csv_chunks, filename, json_chunks, page_context
from .rows import dataset_cells, dataset_row, dataset_rows, published_years

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "DatasetCell",
    "Field",
    "FieldType",
    "csv_chunks",
    "dataset_cells",
    "dataset_row",
    "dataset_rows",
    "filename",
    "json_chunks",
    "page_context",
    "published_years",
]
