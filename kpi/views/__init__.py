"""Public pages of indicators (indicator.py), charts (charts.py) and open data (opendata.py)."""

from .charts import indicator_chart, population_chart
from .indicator import indicator, indicator_csv
from .opendata import opendata, opendata_csv, opendata_json

__all__ = [
    "indicator",
    "indicator_chart",
    "indicator_csv",
    "opendata",
    "opendata_csv",
    "opendata_json",
    "population_chart",
]
