"""What every chart shares: the size, the colours, a new Figure on the Agg canvas (never
``pyplot``), the legend under the plot and the PNG bytes.

Japanese glyphs come from ``matplotlib_fontja``: importing it registers IPAexGothic (shipped in the
wheel) and makes it matplotlib's default family; without it every kanji is a "Glyph missing" box.
"""

import io

import matplotlib_fontja  # noqa: F401  (registers IPAexGothic and makes it the default font)
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

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


def new_figure() -> tuple[Figure, Axes]:
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


def legend(fig: Figure, handles, labels) -> None:
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


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
