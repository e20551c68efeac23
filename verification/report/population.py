"""第2章 (人口の将来展望を踏まえた戦略目標): the projections and targets, from the stored figures.
Every derived number (the ▲ differences, 減少抑制目標人数, the declines to avert) is computed here,
none is stored; templates/verification/report_chapter2.html words them."""

from decimal import Decimal

from strategy.models import PopulationFigure, Strategy
from strategy.models.tree import circled

from .document import PopulationChapter, PopulationPoint, PopulationSummary, PopulationTarget

AGE_METRICS = ("age_0_14", "age_15_64", "age_65_over")
TARGET_METRICS = ("total", *AGE_METRICS)


def people(value) -> str:
    return f"{int(value):,}"


def signed(value) -> str:
    """「▲2,652」 for a decrease, as the report prints it."""
    value = int(value)
    return f"▲{-value:,}" if value < 0 else f"{value:,}"


def signed_points(value: Decimal) -> str:
    return f"▲{-value:.1f}" if value < 0 else f"{value:.1f}"


def population_chapter(strategy: Strategy, figures: list[PopulationFigure]) -> PopulationChapter:
    """The chapter's numbers; empty (no summary, no targets) when no figures are stored."""
    chapter = PopulationChapter(city=strategy.municipality.name)
    if not figures:
        return chapter
    at = {(f.series, f.year, f.metric): f for f in figures}

    def value(series, year, metric):
        figure = at.get((series, year, metric))
        return figure.value if figure else None

    target_years = sorted(
        {
            f.year
            for f in figures
            if f.series == "city"
            and f.metric == "total"
            and value("ipss", f.year, "total") is not None
        }
    )
    actual_years = sorted({f.year for f in figures if f.series == "actual" and f.metric == "total"})
    base = actual_years[0] if actual_years else None
    labels = dict(PopulationFigure.Metric.choices)

    if base and target_years:
        last = target_years[-1]
        ipss_years = sorted(
            f.year for f in figures if f.series == "ipss" and f.metric == "total" and f.year > base
        )
        end_year = ipss_years[-1] if ipss_years else last
        summary = PopulationSummary(
            base=base,
            start=people(value("actual", base, "total")),
            steps=[(y, people(value("ipss", y, "total"))) for y in ipss_years[:-1]],
            last=end_year,
            end=people(value("ipss", end_year, "total")),
        )
        city_total, ipss_total = value("city", last, "total"), value("ipss", last, "total")
        constant = value("fertility_constant", last, "total")
        if constant is not None:
            natural = city_total - constant
            summary.natural = people(natural)
            summary.social = people(city_total - ipss_total - natural)
            summary.averted = people(city_total - ipss_total)
            summary.target_year = last
            summary.target_total = people(city_total)
        chapter.summary = summary
        chapter.base, chapter.last = base, last
        for metric in TARGET_METRICS[1:] + TARGET_METRICS[:1]:
            now, ipss, mine = (
                value(s, y, metric) for s, y in (("actual", base), ("ipss", last), ("city", last))
            )
            if None in (now, ipss, mine):
                continue
            chapter.comparison.append(
                [labels[metric], people(now), people(ipss), people(mine)]
                + [signed(ipss - now), signed(mine - now), signed(mine - ipss)]
            )
        for metric in AGE_METRICS:
            shares = [
                at.get(key)
                for key in (
                    ("actual", base, metric),
                    ("ipss", last, metric),
                    ("city", last, metric),
                )
            ]
            if any(f is None or f.share is None for f in shares):
                continue
            now, ipss, mine = (f.share for f in shares)
            chapter.shares.append(
                [labels[metric], f"{now:.1f}%", f"{ipss:.1f}%", f"{mine:.1f}%"]
                + [signed_points(ipss - now), signed_points(mine - now), signed_points(mine - ipss)]
            )
        chapter.points = _points(at, base, last, labels)

    terms = {0: "short", len(target_years) - 1: "long"}
    chapter.target_columns = [labels[m] for m in TARGET_METRICS]
    for index, y in enumerate(target_years):
        ipss = [value("ipss", y, m) for m in TARGET_METRICS]
        mine = [value("city", y, m) for m in TARGET_METRICS]
        averted = [
            (i - m) if i is not None and m is not None else None
            for i, m in zip(ipss, mine, strict=True)
        ]
        chapter.targets.append(
            PopulationTarget(
                number=circled(index + 1),
                term=terms.get(index, "middle"),
                year=y,
                total=people(mine[0]),
                averted=people(-averted[0]),
                ipss=["" if v is None else people(v) for v in ipss],
                city=["" if v is None else people(v) for v in mine],
                difference=["" if v is None else signed(v) for v in averted],
            )
        )
    return chapter


def _points(at: dict, base: int, last: int, labels: dict) -> list[PopulationPoint]:
    """The points the population vision rests on (20–39歳の女性人口, 生産年齢人口, 合計特殊出生率),
    each only when its figures are stored."""

    def value(series, year, metric):
        figure = at.get((series, year, metric))
        return figure.value if figure else None

    points = []
    for metric in ("female_20_39", "age_15_64"):
        now, ipss = value("actual", base, metric), value("ipss", last, metric)
        mine = value("city", last, metric)
        if None in (now, ipss, mine):
            continue
        points.append(
            PopulationPoint(
                metric=metric,
                label=labels[metric],
                now_year=base,
                now=people(now),
                target_year=last,
                target=people(mine),
                outcome=people(mine - ipss),
                outcome_year=last,
                reference=people(ipss),
            )
        )
    actual = sorted(
        (y, f.value) for (s, y, m), f in at.items() if (s, m) == ("actual", "fertility_rate")
    )
    planned = sorted(
        (y, f.value) for (s, y, m), f in at.items() if (s, m) == ("city", "fertility_rate")
    )
    mine, constant = value("city", last, "total"), value("fertility_constant", last, "total")
    if actual and planned and mine is not None and constant is not None:
        (now_year, now), (goal_year, goal) = actual[0], planned[-1]
        points.append(
            PopulationPoint(
                metric="fertility_rate",
                label=labels["fertility_rate"],
                now_year=now_year,
                now=str(now),
                target_year=goal_year,
                target=str(goal),
                outcome=people(mine - constant),
                outcome_year=last,
                reference=people(constant),
            )
        )
    return points
