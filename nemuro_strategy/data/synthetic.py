"""Synthetic strategies shaped like the seeded Nemuro one, for benchmarks at national scale.

Each synthetic strategy is a copy of the Nemuro tree (3 goals, 7 policies, 17 measures, 10
数値目標 and the KPIs with their revision life cycle, 126 project listings, 事業量, verdicts,
amendments, population outlook) whose indicator values are scaled by a factor drawn per indicator,
with five years of generated results (the latest sometimes 集計中). Everything is drawn from
``random.Random(f"{seed}:{index}")``, so the same seed gives the same data whatever the batch size
or slug prefix. Rows are written with ``bulk_create`` (simple-history is bypassed: synthetic data
has no history to keep).
"""

import datetime
import hashlib
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kpi.models import Achievement, Indicator, TargetKind
from strategy.models import (
    Amendment,
    BasicGoal,
    FiscalYear,
    GoalDirection,
    Measure,
    Municipality,
    Policy,
    PopulationFigure,
    Project,
    ProjectListing,
    ProjectOutput,
    ProjectOutputLine,
    Revision,
    Strategy,
)
from verification.models import (
    GradeDefinition,
    GradingPolicy,
    InternalReview,
    PanelOpinion,
    PanelReview,
    VerificationReport,
)

SOURCE_SLUG = "nemuro-sousei-2015"
PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 "
    "神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 "
    "大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
PUBLISHED_AT = timezone.make_aware(datetime.datetime(2020, 6, 30, 9, 0))

# Copied in this order, each row's foreign keys pointing at the copies made before it.
# (model, lookup from the model to the source strategy)
CLONED = [
    (Revision, "strategy"),
    (FiscalYear, "strategy"),
    (GradeDefinition, "strategy"),
    (GradingPolicy, "strategy"),
    (PopulationFigure, "strategy"),
    (BasicGoal, "strategy"),
    (GoalDirection, "goal__strategy"),
    (Policy, "strategy"),
    (Measure, "strategy"),
    (Project, "strategy"),
    (ProjectListing, "measure__strategy"),
    (ProjectOutput, "measure__strategy"),
    (ProjectOutputLine, "output__measure__strategy"),
    (Indicator, "strategy"),
    (InternalReview, "measure__strategy"),
    (PanelReview, "goal__strategy"),
    (PanelOpinion, "review__goal__strategy"),
    (VerificationReport, "fiscal_year__strategy"),
    (Amendment, "revision__strategy"),
]


def municipality_code(number: int) -> str:
    """A 6-digit 全国地方公共団体コード with a valid check digit, in the unused 9xxxx range."""
    base = f"{90000 + number:05d}"
    total = sum(int(d) * w for d, w in zip(base, (6, 5, 4, 3, 2), strict=True))
    check = (11 - total % 11) % 11
    return base + str(0 if check == 10 else check)


def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-min(decimals, 4))


def _scaled(value: Decimal | None, factor: Decimal, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return (value * factor).quantize(_quantum(decimals))


def _results(indicator: Indicator, years: list[FiscalYear], rng: random.Random) -> list[dict]:
    """Five years (or the years the node was in force) of plausible results for one indicator."""
    q = _quantum(indicator.decimals)
    baseline = indicator.baseline_value
    target = indicator.target_value
    if target is None:
        target = (baseline or Decimal(100)) * Decimal("1.1")
    if baseline is None:
        baseline = (
            Decimal(0) if indicator.kind == TargetKind.CUMULATIVE else target * Decimal("0.8")
        )
    rows, running = [], Decimal(0)
    for k, fiscal_year in enumerate(years):
        pace = Decimal(rng.randint(30, 130)) / 100
        last = k == len(years) - 1
        if (last and rng.random() < 0.3) or rng.random() < 0.02:
            rows.append({"fiscal_year": fiscal_year, "state": Achievement.State.AGGREGATING})
            continue
        if indicator.kind == TargetKind.CUMULATIVE:
            step = max(target / 5 * pace, Decimal(0)).quantize(q)
            running += step
            rows.append({"fiscal_year": fiscal_year, "value": step, "cumulative": running})
        else:
            share = Decimal(k + 1) / 5 * pace
            value = max(baseline + (target - baseline) * share, Decimal(0)).quantize(q)
            rows.append({"fiscal_year": fiscal_year, "value": value})
    return rows


def _years_in_force(indicator: Indicator, revisions: dict, years: list[FiscalYear]):
    start = revisions[indicator.introduced_in_id].first_fiscal_year
    if start is None:  # introduced by a draft: not in force yet
        return []
    end = None
    if indicator.retired_in_id:
        end = revisions[indicator.retired_in_id].first_fiscal_year
    return [y for y in years if y.year >= start and (end is None or y.year < end)]


class _Cloner:
    def __init__(self, source: Strategy):
        self.source = source
        self.rows = {
            model: list(model.objects.filter(**{path: source}).order_by("pk"))
            for model, path in CLONED
        }
        # maps[model][index][old pk] = new pk
        self.maps: dict = defaultdict(lambda: defaultdict(dict))

    def copy(self, model, row, index: int, **overrides):
        values = {}
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            value = getattr(row, f.attname)
            if f.is_relation and value is not None:
                if f.related_model is model:
                    value = None  # predecessor: set once every copy exists
                elif f.related_model in self.maps or f.related_model is Strategy:
                    value = self.maps[f.related_model][index][value]
            values[f.attname] = value
        if model is Amendment:
            node_model = row.content_type.model_class()
            values["object_id"] = self.maps[node_model][index][row.object_id]
        values.update(overrides)
        return model(**values)


def strategies_generate(
    *, count: int, seed: int = 0, prefix: str = "synthetic", start: int = 0, batch: int = 50
) -> list[Strategy]:
    """Create `count` strategies numbered `start`… shaped like the Nemuro seed; returns them."""
    source = Strategy.objects.get(slug=SOURCE_SLUG)
    cloner = _Cloner(source)
    created = []
    for first in range(start, start + count, batch):
        indexes = list(range(first, min(first + batch, start + count)))
        with transaction.atomic():
            created += _generate_batch(cloner, indexes, seed=seed, prefix=prefix)
    return created


def _generate_batch(cloner: _Cloner, indexes: list[int], *, seed: int, prefix: str):
    source, maps = cloner.source, cloner.maps
    maps.clear()
    rngs = {i: random.Random(f"{seed}:{i}") for i in indexes}
    codes = {i: municipality_code(i) for i in indexes}
    Municipality.objects.bulk_create(
        [
            Municipality(code=codes[i], prefecture=PREFECTURES[i % 47], name=f"合成市{i + 1:04d}")
            for i in indexes
        ],
        ignore_conflicts=True,
    )
    municipality_ids = dict(
        Municipality.objects.filter(code__in=codes.values()).values_list("code", "pk")
    )
    strategies = Strategy.objects.bulk_create(
        [
            Strategy(
                municipality_id=municipality_ids[codes[i]],
                slug=f"{prefix}-{i + 1:04d}",
                name=f"合成市{i + 1:04d}まち・ひと・しごと創生総合戦略",
                philosophy=source.philosophy,
                first_fiscal_year=source.first_fiscal_year,
                last_fiscal_year=source.last_fiscal_year,
                is_default=False,
            )
            for i in indexes
        ]
    )
    for i, strategy in zip(indexes, strategies, strict=True):
        maps[Strategy][i][source.pk] = strategy.pk

    factors: dict = {}
    for model, _path in CLONED:
        rows = cloner.rows[model]
        objects, keys = [], []
        for i in indexes:
            for row in rows:
                overrides = {}
                if model is FiscalYear:
                    overrides["published_at"] = PUBLISHED_AT
                elif model is Indicator:
                    factor = Decimal(rngs[i].randint(60, 140)) / 100
                    factors[(i, row.pk)] = factor
                    overrides = {
                        "baseline_value": _scaled(row.baseline_value, factor, row.decimals),
                        "target_value": _scaled(row.target_value, factor, row.decimals),
                    }
                objects.append(cloner.copy(model, row, i, **overrides))
                keys.append((i, row.pk))
        model.objects.bulk_create(objects, batch_size=1000)
        for (i, old), obj in zip(keys, objects, strict=True):
            maps[model][i][old] = obj.pk
        if any(f.attname == "predecessor_id" for f in model._meta.concrete_fields):
            successors, predecessors = [], {r.pk: r.predecessor_id for r in rows}
            for (i, old), obj in zip(keys, objects, strict=True):
                predecessor = predecessors[old]
                if predecessor:
                    obj.predecessor_id = maps[model][i][predecessor]
                    successors.append(obj)
            if successors:
                model.objects.bulk_update(successors, ["predecessor_id"])
        if model is Indicator:
            _generate_results(cloner, indexes, rngs, objects, keys)
    return strategies


def _generate_results(cloner, indexes, rngs, indicators, keys) -> None:
    maps = cloner.maps
    revisions = {r.pk: r for r in cloner.rows[Revision]}
    years = sorted(cloner.rows[FiscalYear], key=lambda y: y.year)
    source_indicators = {r.pk: r for r in cloner.rows[Indicator]}
    results = []
    for (i, old), indicator in zip(keys, indicators, strict=True):
        in_force = _years_in_force(source_indicators[old], revisions, years)
        for values in _results(indicator, in_force, rngs[i]):
            fiscal_year = values.pop("fiscal_year")
            results.append(
                Achievement(
                    indicator_id=indicator.pk,
                    fiscal_year_id=maps[FiscalYear][i][fiscal_year.pk],
                    **values,
                )
            )
    Achievement.objects.bulk_create(results, batch_size=2000)


def strategies_digest(slugs: list[str]) -> str:
    """A SHA-256 over what the generator decides (codes, values, states, listings), independent
    of primary keys and slugs: equal for two runs with the same seed."""
    digest = hashlib.sha256()
    for slug in slugs:
        strategy = Strategy.objects.get(slug=slug)
        digest.update(f"{strategy.name}|{strategy.municipality.code}".encode())
        for row in (
            Indicator.objects.filter(strategy=strategy)
            .order_by("code")
            .values_list("code", "kind", "baseline_value", "target_value")
        ):
            digest.update(repr(row).encode())
        for row in (
            Achievement.objects.filter(indicator__strategy=strategy)
            .order_by("indicator__code", "fiscal_year__year")
            .values_list("indicator__code", "fiscal_year__year", "state", "value", "cumulative")
        ):
            digest.update(repr(row).encode())
        for row in (
            ProjectListing.objects.filter(measure__strategy=strategy)
            .order_by("measure__code", "position")
            .values_list("measure__code", "position", "project__name", "category")
        ):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def strategy_sizes(strategy: Strategy) -> dict[str, int]:
    """Row counts of one strategy's tree (for the generator's tests and the bench header)."""
    return {
        "goals": BasicGoal.objects.filter(strategy=strategy).count(),
        "policies": Policy.objects.filter(strategy=strategy).count(),
        "measures": Measure.objects.filter(strategy=strategy).count(),
        "goal_targets": Indicator.objects.filter(strategy=strategy, measure=None).count(),
        "indicators": Indicator.objects.filter(strategy=strategy).count(),
        "kpis": Indicator.objects.filter(strategy=strategy).exclude(measure=None).count(),
        "results": Achievement.objects.filter(indicator__strategy=strategy).count(),
        "listings": ProjectListing.objects.filter(measure__strategy=strategy).count(),
        "internal_reviews": InternalReview.objects.filter(measure__strategy=strategy).count(),
        "panel_reviews": PanelReview.objects.filter(goal__strategy=strategy).count(),
    }


def strategy_widen(strategy: Strategy, *, indicators: int, seed: int = 0) -> int:
    """Add KPIs (in force from the first revision on, spread over the measures, each a copy of
    a measure's first KPI under a new code) until `strategy` has `indicators` indicators; for a
    bench import sheet of that many rows. Returns how many were added. Bulk, a few queries."""
    rng = random.Random(f"{seed}:widen:{strategy.slug}")
    first = strategy.revisions.order_by("sequence").first()
    templates = list(
        Indicator.objects.filter(strategy=strategy, retired_in=None)
        .exclude(measure=None)
        .order_by("measure__code", "position")
    )
    missing = indicators - Indicator.objects.filter(strategy=strategy).count()
    added = []
    for n in range(max(missing, 0)):
        template = templates[n % len(templates)]
        factor = Decimal(rng.randint(60, 140)) / 100
        added.append(
            Indicator(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Indicator._meta.concrete_fields
                    if not f.primary_key
                },
            )
        )
        copy = added[-1]
        copy.code = f"{template.code}-w{n + 1}"[:30]
        copy.position = 1000 + n
        copy.name = f"{template.name}（指標{n + 1}）"[:200]
        copy.introduced_in_id, copy.retired_in_id, copy.predecessor_id = first.pk, None, None
        copy.baseline_value = _scaled(template.baseline_value, factor, template.decimals)
        copy.target_value = _scaled(template.target_value, factor, template.decimals)
    Indicator.objects.bulk_create(added, batch_size=1000)
    return len(added)
