"""The population outlook chart: 総人口, its projections (社人研推計, 根室市推計) and the city's
targets."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from strategy.models import PopulationFigure

from ..amounts import format_amount
from .drawing import INK, PROJECTION, TARGET, VALUE, legend, new_figure, png_bytes


@dataclass(frozen=True)
class PopulationSeries:
    """One line: a label and its (year, value) points in year order."""

    label: str
    points: tuple[tuple[int, Decimal], ...]


@dataclass(frozen=True)
class PopulationChartData:
    """総人口: the actual figure(s), the projections (社人研推計, 根室市推計) and the city's targets.

    Each projection is drawn from the last actual point, which is where both start.
    targets: the (year, value) points the strategy sets as targets (the 根室市推計 values)."""

    title: str
    unit: str
    actual: PopulationSeries
    projections: tuple[PopulationSeries, ...]
    targets: tuple[tuple[int, Decimal], ...]
    target_series: str = ""


def population_chart_data(figures) -> PopulationChartData:
    """Chart data from ``strategy.PopulationFigure`` rows (any metrics; the total is used).

    社人研推計 and 根室市推計 are drawn; the 根室市推計 values after the last actual year are the
    city's targets (the strategy's 短期・中期・長期目標)."""
    series = PopulationFigure.Series
    by_series: dict[str, list[tuple[int, Decimal]]] = {}
    for figure in figures:
        if figure.metric == PopulationFigure.Metric.TOTAL:
            by_series.setdefault(figure.series, []).append((figure.year, figure.value))
    for points in by_series.values():
        points.sort()

    def line(key) -> PopulationSeries:
        return PopulationSeries(str(series(key).label), tuple(by_series.get(key, ())))

    actual = line(series.ACTUAL)
    last_actual = actual.points[-1][0] if actual.points else None
    city = line(series.CITY)
    targets = tuple(
        (year, value) for year, value in city.points if last_actual is None or year > last_actual
    )
    return PopulationChartData(
        title=_("総人口の将来展望"),
        unit=_("人"),
        actual=actual,
        projections=tuple(p for p in (line(series.IPSS), city) if p.points),
        targets=targets,
        target_series=city.label,
    )


def population_figure(data: PopulationChartData) -> Figure:
    """The chart as a Figure. Artists carry a gid: "actual", "projection-<label>", "targets"."""
    fig, ax = new_figure()
    start = list(data.actual.points[-1:])
    styles = [
        {"color": PROJECTION, "linestyle": (0, (5, 3)), "marker": "o", "markersize": 6},
        {"color": VALUE, "linestyle": "-", "marker": "o", "markersize": 6},
    ]
    for index, projection in enumerate(data.projections):
        style = styles[min(index, len(styles) - 1)]
        points = list(projection.points)
        if start and points[0][0] > start[0][0]:
            points = start + points
        label = projection.label
        if projection.label == data.target_series and data.targets:
            label = _("%(series)s（目標）") % {"series": projection.label}
        ax.plot(
            [year for year, _v in points],
            [float(v) for _y, v in points],
            linewidth=2.2,
            label=label,
            gid=f"projection-{projection.label}",
            zorder=3,
            **style,
        )
        if projection.label != data.target_series:
            # Below-left of each point: the lines fall to the right, so that corner is clear.
            for year, value in projection.points:
                ax.annotate(
                    format_amount(value, decimals=0),
                    (year, float(value)),
                    xytext=(-5, -5),
                    textcoords="offset points",
                    ha="right",
                    va="top",
                    fontsize=8.5,
                    color=PROJECTION,
                )
    if data.actual.points:
        ax.plot(
            [year for year, _v in data.actual.points],
            [float(v) for _y, v in data.actual.points],
            linestyle="none",
            marker="s",
            markersize=8,
            color=INK,
            label=_("実績"),
            gid="actual",
            zorder=5,
        )
        year, value = data.actual.points[-1]
        ax.annotate(
            _("%(year)s年 実績 %(value)s%(unit)s")
            % {"year": year, "value": format_amount(value, decimals=0), "unit": data.unit},
            (year, float(value)),
            xytext=(6, 6),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=8.5,
            color=INK,
        )
    if data.targets:
        ax.plot(
            [year for year, _v in data.targets],
            [float(v) for _y, v in data.targets],
            linestyle="none",
            marker="*",
            markersize=15,
            markerfacecolor=TARGET,
            markeredgecolor="white",
            markeredgewidth=0.8,
            label=_("市の目標"),
            gid="targets",
            zorder=6,
        )
        for index, (year, value) in enumerate(data.targets):
            last = index == len(data.targets) - 1
            # Above-right of each target (the line falls away to the right); the last one,
            # at the right edge, centred above.
            ax.annotate(
                format_amount(value, decimals=0),
                (year, float(value)),
                xytext=(0, 9) if last else (5, 6),
                textcoords="offset points",
                ha="center" if last else "left",
                va="bottom",
                fontsize=9,
                color=TARGET,
            )
    years = sorted(
        {year for year, _v in data.actual.points}
        | {year for p in data.projections for year, _v in p.points}
    )
    if years:
        ax.set_xticks(years, [f"{year}" for year in years])
        ax.set_xlim(years[0] - 3, years[-1] + 4)
    values = [float(v) for p in (data.actual, *data.projections) for _y, v in p.points]
    ax.set_ylim(0, max(values, default=1) * 1.22)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_amount(v, decimals=0)))
    ax.set_ylabel(_("総人口（%(unit)s）") % {"unit": data.unit}, fontsize=10, color=INK)
    ax.set_xlabel(_("年"), fontsize=10, color=INK)
    ax.set_title(data.title, fontsize=12.5, color=INK, loc="left")
    legend(fig, *ax.get_legend_handles_labels())
    return fig


def population_chart(data: PopulationChartData) -> bytes:
    """The population outlook chart as a 640×360 PNG."""
    return png_bytes(population_figure(data))


def population_alt_text(data: PopulationChartData) -> str:
    """「総人口の将来展望。2010年の実績29,198人。社人研推計では2020年25,390人、…。」"""

    def points(series: PopulationSeries) -> str:
        return "、".join(
            _("%(year)s年%(value)s")
            % {"year": year, "value": format_amount(value, decimals=0, unit=data.unit)}
            for year, value in series.points
        )

    sentence = f"{data.title}。"
    if data.actual.points:
        sentence += _("実績は%(points)s。") % {"points": points(data.actual)}
    for projection in data.projections:
        name = projection.label
        if name == data.target_series and data.targets:
            name = _("%(series)s（市の目標）") % {"series": name}
        sentence += _("%(series)sでは%(points)s。") % {
            "series": name,
            "points": points(projection),
        }
    return sentence
