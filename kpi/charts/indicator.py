"""The chart of one indicator's yearly results.

Rules it keeps:
- only what the builder is given is drawn; the selectors already leave out unpublished years;
- 集計中 and 未集計 years are marked with a hatched band and their label, never drawn as zero;
- a year without a value is a gap in the line;
- the target is a dashed horizontal line with a legend entry; the baseline (策定時) is the first
  point, drawn hollow;
- a five-year cumulative target is compared with the running total (累計), not the yearly values.
"""

import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..amounts import format_amount
from ..models import TargetKind
from .drawing import (
    INK,
    MUTED,
    PENDING_EDGE,
    PENDING_FACE,
    TARGET,
    VALUE,
    legend,
    new_figure,
    png_bytes,
)


class PointState(models.TextChoices):
    """What a fiscal year on the indicator chart shows: a result's own state, or nothing."""

    RECORDED = "recorded", _lazy("実績あり")
    AGGREGATING = "aggregating", _lazy("集計中")
    NOT_YET = "not_yet", _lazy("未集計")
    NONE = "none", _lazy("データなし")  # published, nothing entered
    UNPUBLISHED = "unpublished", _lazy("未公表")  # the year is not public yet


PENDING_STATES = (PointState.AGGREGATING, PointState.NOT_YET)


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
    fig, ax = new_figure()
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
    legend(fig, handles, legend_labels)
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
    return png_bytes(indicator_figure(data))


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
