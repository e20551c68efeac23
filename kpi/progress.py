"""達成度: one documented progress formula per kind of target, compared with the share of the
period elapsed. Shown, with its inputs, on every page that uses it.

- 到達水準・年間の水準 (level, annual): (実績 − 基準値) ÷ (目標値 − 基準値); mirrored for lower-is-better:
  (基準値 − 実績) ÷ (基準値 − 目標値). With no baseline: 実績 ÷ 目標値. When the baseline already
  meets the target (a floor to keep: 「2,357人確保」), 100% while the target is met, else 0%.
- 5年間の累計 (cumulative): 累計 ÷ 目標値 (the printed 累計, else the sum of the yearly values).
- 維持 (keep): 100% while the value is at the target level, else 0%.

Only recorded years count: 集計中 and empty years are left out, never taken as zero. The latest
recorded value is compared with the share of the period elapsed at the year it describes (its
data year when it describes another year, e.g. 「H25 数値」, measured from the baseline's data year).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AchievementState, Direction, TargetKind


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("順調")
    BEHIND = "behind", _("遅れ")
    NO_DATA = "no_data", _("データなし")


FORMULAS = {
    (TargetKind.LEVEL, Direction.HIGHER): "（実績 − 基準値）÷（目標値 − 基準値）",
    (TargetKind.LEVEL, Direction.LOWER): "（基準値 − 実績）÷（基準値 − 目標値）",
    (TargetKind.ANNUAL, Direction.HIGHER): "（実績 − 基準値）÷（目標値 − 基準値）",
    (TargetKind.ANNUAL, Direction.LOWER): "（基準値 − 実績）÷（基準値 − 目標値）",
    "no_baseline": "実績 ÷ 目標値",
    "floor": "目標値を満たしていれば100%、満たしていなければ0%",
    TargetKind.CUMULATIVE: "累計 ÷ 目標値",
    TargetKind.KEEP: "目標の水準を維持していれば100%、していなければ0%",
}


@dataclass
class Progress:
    status: str
    rate: Decimal | None = None
    expected: Decimal | None = None
    formula: str = ""
    inputs: list[tuple[str, str]] = field(default_factory=list)
    year_label: str = ""
    note: str = ""  # a caution shown with the figure (a target almost equal to the baseline)

    @property
    def status_label(self) -> str:
        return str(ProgressStatus(self.status).label)

    @property
    def percent(self) -> str:
        return "" if self.rate is None else f"{self.rate * 100:.1f}%"

    @property
    def achieved(self) -> bool:
        """The target is reached (達成度 100% or more)."""
        return self.rate is not None and self.rate >= 1

    @property
    def display(self) -> str:
        """The figure for people: 「目標達成（5304.8%）」 once the target is reached, else 「37.5%」."""
        if self.achieved:
            return f"目標達成（{self.percent}）"
        return self.percent

    @property
    def expected_percent(self) -> str:
        return "" if self.expected is None else f"{self.expected * 100:.1f}%"


#: A target closer to the baseline than this share of the baseline makes the ratio swing wildly
#: (1ア④-2: 46,000 against 45,896 → 104 people are "100 %").
NARROW_MARGIN = Decimal("0.01")
NARROW_NOTE = "目標値が基準値とほぼ同じため、達成度の数値は大きく振れます。"


def _narrow(baseline: Decimal, target: Decimal) -> bool:
    """The target lies within NARROW_MARGIN of a non-zero baseline."""
    return baseline != 0 and abs(target - baseline) < abs(baseline) * NARROW_MARGIN


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return max(numerator / denominator, Decimal(0))


def _elapsed(indicator, achievement, strategy) -> Decimal:
    target_year = indicator.target_fiscal_year or strategy.last_fiscal_year
    if achievement.data_year and indicator.baseline_data_year:
        span = target_year - indicator.baseline_data_year
        if span > 0:
            done = achievement.data_year - indicator.baseline_data_year
            return min(max(Decimal(done) / Decimal(span), Decimal(0)), Decimal(1))
    span = target_year - strategy.first_fiscal_year + 1
    done = achievement.fiscal_year.year - strategy.first_fiscal_year + 1
    return min(Decimal(done) / Decimal(span), Decimal(1))


def progress_of(indicator, achievements, strategy) -> Progress:
    """Progress of `indicator` from its yearly rows (already limited to what the reader may see),
    in fiscal-year order or not."""
    recorded = sorted(
        (a for a in achievements if a.state == AchievementState.RECORDED and a.value is not None),
        key=lambda a: a.fiscal_year.year,
    )
    if not recorded or indicator.target_value is None:
        return Progress(
            status=ProgressStatus.NO_DATA, formula="実績または目標値がないため算出できません"
        )
    latest = recorded[-1]
    target = indicator.target_value
    baseline = indicator.baseline_value
    value = latest.value
    fmt = indicator.format_value
    inputs = [("実績", f"{fmt(value)}（{latest.fiscal_year.short_label}）")]
    kind, direction = indicator.kind, indicator.direction
    note = ""

    if kind == TargetKind.CUMULATIVE:
        total = latest.cumulative
        if total is None:
            total = sum((a.value for a in recorded), Decimal(0))
        inputs = [("累計", f"{fmt(total)}（{latest.fiscal_year.short_label}まで）")]
        rate, formula = _ratio(total, target), FORMULAS[TargetKind.CUMULATIVE]
    elif kind == TargetKind.KEEP or direction == Direction.KEEP:
        rate = Decimal(1) if value == target else Decimal(0)
        formula = FORMULAS[TargetKind.KEEP]
    elif baseline is None:
        rate, formula = _ratio(value, target), FORMULAS["no_baseline"]
    elif (direction == Direction.HIGHER and baseline >= target) or (
        direction == Direction.LOWER and baseline <= target
    ):
        met = value >= target if direction == Direction.HIGHER else value <= target
        rate, formula = (Decimal(1) if met else Decimal(0)), FORMULAS["floor"]
    elif direction == Direction.LOWER:
        rate = _ratio(baseline - value, baseline - target)
        formula = FORMULAS[(TargetKind.LEVEL, Direction.LOWER)]
        note = NARROW_NOTE if _narrow(baseline, target) else ""
    else:
        rate = _ratio(value - baseline, target - baseline)
        formula = FORMULAS[(TargetKind.LEVEL, Direction.HIGHER)]
        note = NARROW_NOTE if _narrow(baseline, target) else ""

    if baseline is not None and kind != TargetKind.CUMULATIVE:
        inputs.append(("基準値", fmt(baseline)))
    inputs.append(("目標値", fmt(target)))
    expected = _elapsed(indicator, latest, strategy)
    inputs.append(("期間の経過割合", f"{expected * 100:.1f}%"))
    if rate is None:
        return Progress(status=ProgressStatus.NO_DATA, formula=formula, inputs=inputs)
    status = ProgressStatus.ON_TRACK if rate >= expected else ProgressStatus.BEHIND
    return Progress(
        status=status,
        rate=rate,
        expected=expected,
        formula=formula,
        inputs=inputs,
        year_label=latest.fiscal_year.short_label,
        note=note,
    )
