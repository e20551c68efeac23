"""Charts as pure functions: data in, PNG bytes out, no database and no HTTP.

Each chart has a small frozen dataclass of exactly what it draws (so the data can be hashed: see
``kpi.chart_cache``), a builder that makes it from what the selectors return, a renderer that
draws it with ``matplotlib.figure.Figure`` on the Agg canvas (never ``pyplot``: it keeps global
state and is not safe in request code) and a Japanese sentence describing it for the ``alt`` text.

One module per chart (``indicator``, ``population``) and what they share (``drawing``: size,
colours, fonts, the PNG); this package names what the rest of the project uses.

The rules each chart keeps are in its module's docstring.
"""

from .drawing import CHARTS_VERSION
from .indicator import (
    IndicatorChartData,
    PointState,
    YearPoint,
    indicator_alt_text,
    indicator_chart,
    indicator_chart_data,
    indicator_figure,
)
from .population import (
    PopulationChartData,
    PopulationSeries,
    population_alt_text,
    population_chart,
    population_chart_data,
    population_figure,
)

__all__ = [
    "CHARTS_VERSION",
    "IndicatorChartData",
    "PointState",
    "PopulationChartData",
    "PopulationSeries",
    "YearPoint",
    "alt_text",
    "indicator_alt_text",
    "indicator_chart",
    "indicator_chart_data",
    "indicator_figure",
    "population_alt_text",
    "population_chart",
    "population_chart_data",
    "population_figure",
]


def alt_text(data: IndicatorChartData | PopulationChartData) -> str:
    """The Japanese sentence a page puts in the chart's ``alt``."""
    if isinstance(data, IndicatorChartData):
        return indicator_alt_text(data)
    if isinstance(data, PopulationChartData):
        return population_alt_text(data)
    raise TypeError(f"no alt text for {type(data).__name__}")
