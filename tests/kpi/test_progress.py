"""達成度: one formula per kind of target, compared with the share of the period elapsed."""

from decimal import Decimal

import pytest

from kpi.models import Achievement, Indicator
from kpi.progress import ProgressStatus, progress_of
from kpi.selectors import indicator_rows
from strategy.models import FiscalYear


def progress(strategy, code):
    indicator = Indicator.objects.get(strategy=strategy, code=code)
    (row,) = indicator_rows(strategy, [indicator])
    return row.progress


def test_a_level_target_measures_the_way_from_baseline_to_target_in_data_years(nemuro):
    p = progress(nemuro, "G1-1")  # 1.37 (H23) → 1.53 (H26 数値, shown for H28) of 1.49
    assert p.rate == (Decimal("1.53") - Decimal("1.37")) / (Decimal("1.49") - Decimal("1.37"))
    assert p.expected == Decimal(3) / Decimal(8)  # 2011 → 2014 of 2011 → 2019
    assert p.status == ProgressStatus.ON_TRACK
    assert p.formula == "（実績 − 基準値）÷（目標値 − 基準値）"
    assert ("基準値", "1.37") in p.inputs and ("目標値", "1.49") in p.inputs


def test_a_cumulative_target_uses_the_printed_running_total(nemuro):
    p = progress(nemuro, "3ウ①-1")  # 累計46.0億円 of 100億円 after two of five years
    assert p.rate == Decimal("0.46") and p.expected == Decimal("0.4")
    assert p.status == ProgressStatus.ON_TRACK
    assert p.formula == "累計 ÷ 目標値"
    assert ("累計", "46.0億円（H28まで）") in p.inputs


def test_a_year_still_being_aggregated_is_left_out_not_counted_as_zero(nemuro):
    p = progress(nemuro, "1ア②-2")  # H27 6.3%, H28 集計中; baseline 7.7%, target 30.0%
    assert p.year_label == "H27"
    assert p.rate == Decimal(0)  # fell below the baseline
    assert p.status == ProgressStatus.BEHIND


def test_keep_targets_are_met_while_the_level_is_kept(nemuro):
    p = progress(nemuro, "1ア③-1")  # ゼロ名維持
    assert p.rate == Decimal(1) and p.status == ProgressStatus.ON_TRACK
    assert p.formula == "目標の水準を維持していれば100%、していなければ0%"


def test_lower_is_better_is_mirrored(nemuro):
    indicator = Indicator.objects.get(strategy=nemuro, code="2ア①-3")  # 季節労働者数 580 → 473
    years = {fy.year: fy for fy in FiscalYear.objects.filter(strategy=nemuro)}
    rows = [Achievement(indicator=indicator, fiscal_year=years[2016], value=Decimal("550"))]
    p = progress_of(indicator, rows, nemuro)
    assert p.rate == Decimal(30) / Decimal(107)
    assert p.formula == "（基準値 − 実績）÷（基準値 − 目標値）"
    assert p.status == ProgressStatus.BEHIND  # 28% done, 40% of the period gone


def test_an_indicator_without_results_has_no_progress(nemuro):
    p = progress(nemuro, "3ウ①-3")
    assert p.status == ProgressStatus.NO_DATA and p.rate is None


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("G1-4", ProgressStatus.BEHIND),
        ("G1-3", ProgressStatus.ON_TRACK),
        ("G3-3", ProgressStatus.ON_TRACK),
    ],
)
def test_seeded_statuses(nemuro, code, status):
    assert progress(nemuro, code).status == status
