"""Charts as pure functions: data in, PNG bytes out, no database and no HTTP.

Each chart has a small frozen dataclass of exactly what it draws (so the data can be hashed: see
``kpi.chart_cache``), a builder that makes it from what the selectors return, a renderer that
draws it with ``matplotlib.figure.Figure`` on the Agg canvas (never ``pyplot``: it keeps global
state and is not safe in request code) and a Japanese sentence describing it for the ``alt`` text.

Japanese glyphs come from ``matplotlib_fontja``: importing it registers IPAexGothic (shipped in the
wheel) and makes it matplotlib's default family; without it every kanji is a "Glyph missing" box.

Rules the indicator chart keeps:
- only what the builder is given is drawn; the selectors already leave out unpublished years;
- 集計中 and 未集計 years are marked with a hatched band and their label, never drawn as zero;
- a year without a value is a gap in the line;
- the target is a dashed horizontal line with a legend entry; the baseline (策定時) is the first
  point, drawn hollow;
- a five-year cumulative target is compared with the running total (累計), not the yearly values.
"""

import io
import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal

import matplotlib_fontja  # noqa: F401  (registers IPAexGothic and makes it the default font)
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from strategy.models import PopulationFigure

from .amounts import format_amount
from .models import TargetKind

# Bump when the drawing changes, so cached PNGs and ETags of the old drawing are not served.
CHARTS_VERSION = 1

WIDTH_PX, HEIGHT_PX, DPI = 640, 360, 100

# Text and line colours contrast ≥ 4.5:1 with white and stay distinct in greyscale; the fills
# (pending band, grid) are background only.
INK = "#1a1a1a"
MUTED = "#595959"
VALUE = "#1f4e79"
TARGET = "#a8322d"
PROJECTION = "#5a5a5a"
PENDING_FACE = "#ececec"
PENDING_EDGE = "#8c8c8c"
GRID = "#d9d9d9"


class PointState(models.TextChoices):
    """What a fiscal year on the indicator chart shows: a result's own state, or nothing."""

    RECORDED = "recorded", _lazy("実績あり")
    AGGREGATING = "aggregating", _lazy("集計中")
    NOT_YET = "not_yet", _lazy("未集計")
    NONE = "none", _lazy("データなし")  # published, nothing entered
    UNPUBLISHED = "unpublished", _lazy("未公表")  # the year is not public yet


PENDING_STATES = (PointState.AGGREGATING, PointState.NOT_YET)


# ---------------------------------------------------------------------------------------------
# Indicator chart
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPoint:
    """One fiscal year on the chart.

    state: "recorded" (value, or only a printed text), "aggregating" (集計中), "not_yet" (未集計),
    "none" (published, nothing entered) or "unpublished" (the year is not public yet). Only a
    recorded year has a value; a recorded year whose result is only text has value None.
    text: the result as the report prints it (「1.53」「11.3%」「集計中」), or the running total
    for a cumulative indicator; empty for "none" and "unpublished"."""

    label: str
    value: Decimal | None
    state: str
    text: str = ""

    def __post_init__(self):
        if self.state not in PointState.values:
            raise ValueError(f"unknown state {self.state!r}")
        if self.value is not None and self.state != PointState.RECORDED:
            raise ValueError(f"a {self.state} year cannot have a value")


@dataclass(frozen=True)
class IndicatorChartData:
    """What the chart of one indicator draws.

    cumulative: True for a five-year cumulative target; the points then hold running totals.
    target_label: the legend entry of the target line (「目標 5年で1.49とし0.12ポイント向上」)."""

    title: str
    unit: str
    decimals: int
    baseline_label: str
    baseline_value: Decimal | None
    target_label: str
    target_value: Decimal | None
    points: tuple[YearPoint, ...]
    cumulative: bool = False

    def format(self, value: Decimal, *, with_unit: bool = True) -> str:
        """A value for the chart's labels and text alternative (``kpi.amounts.format_amount``)."""
        return format_amount(value, decimals=self.decimals, unit=self.unit if with_unit else "")


def indicator_chart_data(row) -> IndicatorChartData:
    """The chart data of a ``kpi.selectors.IndicatorRow`` (built with published years only)."""
    indicator = row.indicator
    cumulative = indicator.kind == TargetKind.CUMULATIVE
    points = []
    running = Decimal(0)
    for cell in row.cells:
        label = cell.fiscal_year.short_label
        achievement = cell.achievement
        if not cell.is_published:
            # Never read the achievement of an unpublished year, whoever built the row.
            points.append(YearPoint(label, None, PointState.UNPUBLISHED))
        elif achievement is None:
            points.append(YearPoint(label, None, PointState.NONE))
        elif achievement.state != PointState.RECORDED:
            points.append(YearPoint(label, None, achievement.state, cell.value_text))
        elif cumulative and achievement.value is not None:
            # The printed 累計 when the report gives one, else the sum of the yearly values.
            running = (
                achievement.cumulative
                if achievement.cumulative is not None
                else (running + achievement.value)
            )
            points.append(
                YearPoint(label, running, PointState.RECORDED, indicator.format_value(running))
            )
        else:
            points.append(YearPoint(label, achievement.value, PointState.RECORDED, cell.value_text))
    target_label = _("目標")
    if indicator.target_text:
        target_label = f"{target_label} {indicator.target_text}"
    return IndicatorChartData(
        title=indicator.name,
        unit=indicator.unit,
        decimals=indicator.decimals,
        baseline_label=indicator.baseline_label,
        baseline_value=indicator.baseline_value,
        target_label=target_label,
        target_value=indicator.target_value,
        points=tuple(points),
        cumulative=cumulative,
    )


def _number(value: Decimal | None) -> float:
    return math.nan if value is None else float(value)


def indicator_figure(data: IndicatorChartData) -> Figure:
    """The chart as a Figure (tests inspect its artists; ``indicator_chart`` makes the PNG).

    x positions: 0 is the baseline (策定時), 1… the fiscal years in order. Artists carry a gid:
    "values" (the line; NaN where there is no value), "baseline", "target", "pending-<label>"."""
    fig, ax = _new_figure()
    labels = [data.baseline_label] + [p.label for p in data.points]
    xs = list(range(len(labels)))
    ys = [_number(data.baseline_value)] + [_number(p.value) for p in data.points]
    series_label = _("累計") if data.cumulative else _("実績")

    ax.plot(
        xs,
        ys,
        color=VALUE,
        linewidth=2.2,
        marker="o",
        markersize=7,
        markevery=xs[1:],
        label=series_label,
        gid="values",
        zorder=3,
    )
    if data.baseline_value is not None:
        ax.plot(
            [0],
            [ys[0]],
            linestyle="none",
            marker="s",
            markersize=8,
            markerfacecolor="white",
            markeredgecolor=VALUE,
            markeredgewidth=2,
            gid="baseline",
            zorder=4,
        )
    if data.target_value is not None:
        ax.axhline(
            float(data.target_value),
            color=TARGET,
            linestyle=(0, (6, 3)),
            linewidth=1.8,
            label=data.target_label,
            gid="target",
            zorder=2,
        )
    values = [data.baseline_value] + [p.value for p in data.points]
    for x, value in zip(xs, values, strict=True):
        if value is not None:
            ax.annotate(
                data.format(value, with_unit=False),
                (x, float(value)),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9,
                color=INK,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
                zorder=4,
            )

    band = ax.get_xaxis_transform()  # x in data, y in axes fraction
    for x, point in enumerate(data.points, start=1):
        if point.state in PENDING_STATES:
            ax.axvspan(
                x - 0.38,
                x + 0.38,
                facecolor=PENDING_FACE,
                edgecolor=PENDING_EDGE,
                hatch="///",
                linewidth=0.8,
                gid=f"pending-{point.label}",
                zorder=1,
            )
            ax.text(
                x,
                0.5,
                str(PointState(point.state).label),
                transform=band,
                ha="center",
                va="center",
                fontsize=10,
                color=INK,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none"},
                zorder=5,
            )
        elif point.state == PointState.UNPUBLISHED:
            ax.text(
                x,
                0.06,
                str(PointState.UNPUBLISHED.label),
                transform=band,
                ha="center",
                va="bottom",
                fontsize=8.5,
            ).set_color(MUTED)

    ax.set_xticks(xs, labels)
    ax.set_xlim(-0.5, len(xs) - 0.5)
    for tick, point in zip(ax.get_xticklabels()[1:], data.points, strict=True):
        if point.state == PointState.UNPUBLISHED:
            tick.set_color(MUTED)
    if data.decimals == 0:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no 0.5人
    _set_value_limits(
        ax,
        [y for y in ys if not math.isnan(y)],
        data.target_value,
        from_zero=data.cumulative,
        least_span=4 * 10.0**-data.decimals,
    )
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: format_amount(v, decimals=_tick_decimals(ax)))
    )
    ylabel = series_label if not data.unit else f"{series_label}（{data.unit}）"
    ax.set_ylabel(ylabel, fontsize=10, color=INK)
    ax.set_title(textwrap.fill(data.title, 30), fontsize=12.5, color=INK, loc="left")
    if all(math.isnan(y) for y in ys):
        ax.text(
            0.5,
            0.6,
            _("公表された実績はありません"),
            transform=ax.transAxes,
            ha="center",
            fontsize=10,
            color=MUTED,
        )
    handles, legend_labels = ax.get_legend_handles_labels()
    if any(p.state in PENDING_STATES for p in data.points):
        handles.append(
            Patch(facecolor=PENDING_FACE, edgecolor=PENDING_EDGE, hatch="///", linewidth=0.8)
        )
        legend_labels.append(_("集計中・未集計"))
    _legend(fig, handles, legend_labels)
    return fig


def _tick_decimals(ax) -> int:
    """Enough decimals for the tick step (0.05 steps need two)."""
    ticks = ax.get_yticks()
    if len(ticks) < 2:
        return 0
    step = abs(ticks[1] - ticks[0])
    if step == 0 or step >= 1:
        return 0
    return min(4, max(0, -math.floor(math.log10(step) + 1e-9)))


def _set_value_limits(
    ax,
    values: list[float],
    target: Decimal | None,
    *,
    from_zero: bool = False,
    least_span: float = 1.0,
) -> None:
    """Room for the values, the target and the labels above the points; no negative range for
    values that cannot be negative (a zero stays just above the axis line). A running total
    starts from zero, so its axis does too."""
    numbers = [*values, *([float(target)] if target is not None else [])]
    if not numbers:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        return
    low, high = min(numbers), max(numbers)
    if from_zero:
        low = min(low, 0.0)
    span = max(high - low, least_span)
    bottom, top = low - span * 0.25, high + span * 0.35
    if low >= 0 and bottom < 0:
        bottom = -span * 0.06 if low == 0 else 0
    ax.set_ylim(bottom, top)


def indicator_chart(data: IndicatorChartData) -> bytes:
    """The chart of one indicator as a 640×360 PNG."""
    return _png(indicator_figure(data))


def indicator_alt_text(data: IndicatorChartData) -> str:
    """「合計特殊出生率の推移。策定時1.37、H27 1.53、H28 1.53、H29以降は未公表。目標1.49。」"""
    what = _("%(title)sの累計の推移") if data.cumulative else _("%(title)sの推移")
    parts = []
    if data.baseline_value is not None:
        parts.append(f"{data.baseline_label}{data.format(data.baseline_value)}")
    points = list(data.points)
    trailing = 0
    last = len(points) - 1
    while trailing < len(points) and points[last - trailing].state == PointState.UNPUBLISHED:
        trailing += 1
    shown = points[: len(points) - trailing]
    for point in shown:
        if point.state == PointState.RECORDED:
            text = point.text or (data.format(point.value) if point.value is not None else "")
        elif point.state in PENDING_STATES:
            text = point.text or str(PointState(point.state).label)
        else:
            text = str(PointState(point.state).label)
        parts.append(f"{point.label} {text}")
    if trailing == 1:
        parts.append(_("%(year)sは未公表") % {"year": points[-1].label})
    elif trailing > 1:
        parts.append(_("%(year)s以降は未公表") % {"year": points[-trailing].label})
    sentence = what % {"title": data.title} + "。"
    if parts:
        sentence += "、".join(parts) + "。"
    if data.target_value is not None:
        sentence += _("目標%(value)s") % {"value": data.format(data.target_value)}
        sentence += _("（5年間の累計）") if data.cumulative else ""
        sentence += "。"
    elif data.target_label:
        sentence += f"{data.target_label}。"
    return sentence


# ---------------------------------------------------------------------------------------------
# Population outlook chart
# ---------------------------------------------------------------------------------------------


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
    fig, ax = _new_figure()
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
    _legend(fig, *ax.get_legend_handles_labels())
    return fig


def population_chart(data: PopulationChartData) -> bytes:
    """The population outlook chart as a 640×360 PNG."""
    return _png(population_figure(data))


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


# ---------------------------------------------------------------------------------------------


def alt_text(data: IndicatorChartData | PopulationChartData) -> str:
    """The Japanese sentence a page puts in the chart's ``alt``."""
    if isinstance(data, IndicatorChartData):
        return indicator_alt_text(data)
    if isinstance(data, PopulationChartData):
        return population_alt_text(data)
    raise TypeError(f"no alt text for {type(data).__name__}")


def _new_figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    ax = fig.add_subplot()
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(MUTED)
    ax.spines["bottom"].set_color(MUTED)
    ax.tick_params(labelsize=10, colors=INK)
    return fig, ax


def _legend(fig: Figure, handles, labels) -> None:
    """One row under the plot, or two columns when the labels are long (a target sentence)."""
    ncols = len(handles) if sum(len(label) for label in labels) <= 32 else 2
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=max(ncols, 1),
        frameon=False,
        fontsize=9,
        handlelength=2.6,
    )


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
