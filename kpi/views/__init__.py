"""Public pages of indicators (indicator.py), charts (charts.py), open data (opendata.py) and the
訂正履歴 (correction_history.py)."""

from .charts import indicator_chart, population_chart
from .correction_history import correction_history
from .indicator import indicator, indicator_csv
from .opendata import opendata, opendata_csv, opendata_json

__all__ = [
    "correction_history",
    "indicator",
    "indicator_chart",
    "indicator_csv",
    "opendata",
    "opendata_csv",
    "opendata_json",
    "population_chart",
]
