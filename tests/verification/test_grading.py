"""The reference grade (参考評価): per indicator 達成度 ÷ 期間の経過割合, the mean over a measure's KPIs
(or a goal's indicators), graded with the strategy's GradingPolicy, from the rows up to the year
(unpublished years included) — and how well it agrees with the seed's 18 human verdicts."""

from decimal import Decimal

import pytest

from kpi.models import Achievement, Indicator
from kpi.selectors import indicator_rows
from strategy.models import BasicGoal, FiscalYear, Measure
from tests.factory import grow_strategy
from verification.grading import (
    goal_reference_grade,
    measure_reference_grade,
    reference_grades_for_year,
    rows_cut_at_year,
)
from verification.models import GradingPolicy, InternalReview


def measure(strategy, code: str) -> Measure:
    return Measure.objects.select_related("strategy").get(strategy=strategy, code=code)


def year(strategy, value: int) -> FiscalYear:
    return FiscalYear.objects.get(strategy=strategy, year=value)


def record(strategy, code: str, fiscal_year: int, value: str, **fields) -> Achievement:
    return Achievement.objects.update_or_create(
        indicator=Indicator.objects.get(strategy=strategy, code=code),
        fiscal_year=year(strategy, fiscal_year),
        defaults={"value": Decimal(value), "state": "recorded", **fields},
    )[0]


def by_code(reference) -> dict:
    return {item.indicator.code: item for item in reference.inputs}


def rounded(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places))


# --- Real seed values --------------------------------------------------------------------------


def test_3i2_as_of_h28_is_an_a_like_its_verdict_with_every_input_shown(nemuro):
    reference = measure_reference_grade(measure(nemuro, "3イ②"), 2016)

    inputs = by_code(reference)
    # 累計 ÷ 目標値 over 期間の経過割合 2/5: 1/2 → 1.25, 46.0/10 → 11.50, 26.24/10 → 6.56, each
    # capped at 1.00 (ahead of schedule counts as on schedule)
    assert [(code, rounded(i.rate, "0.001"), i.expected) for code, i in inputs.items()] == [
        ("3イ②-1", Decimal("0.500"), Decimal("0.4")),
        ("3イ②-2", Decimal("4.600"), Decimal("0.4")),
        ("3イ②-3", Decimal("2.624"), Decimal("0.4")),
    ]
    assert [i.raw_ratio_text for i in inputs.values()] == ["1.25", "11.50", "6.56"]
    assert [i.ratio_text for i in inputs.values()] == ["1.00", "1.00", "1.00"]
    assert {i.formula for i in inputs.values()} == {"累計 ÷ 目標値"}
    assert inputs["3イ②-2"].name == "ふるさと納税制度を活用した寄附受納額"
    assert ("累計", "46.0億円（H28まで）") in inputs["3イ②-2"].progress.inputs
    assert reference.grade == "A" and reference.ratio_text == "1.00"
    assert reference.calculation == "（1.00 + 1.00 + 1.00）÷ 3 = 1.00"
    assert "達成度 ÷ 期間の経過割合" in reference.explanation
    assert "A：1.0 以上、B：0.4 以上、C：0.2 以上、D：0.2 未満" in reference.explanation
    verdict = InternalReview.objects.get(measure__code="3イ②", fiscal_year__year=2016)
    assert verdict.grade == reference.grade


def test_only_rows_up_to_the_year_count(nemuro):
    # 1ア①-1 cumulative: H27 36/200 = 18% of 20% → 0.90; as of H28 the printed 累計 100 → 1.25,
    # capped at 1.00
    h27 = by_code(measure_reference_grade(measure(nemuro, "1ア①"), 2015))["1ア①-1"]
    h28 = by_code(measure_reference_grade(measure(nemuro, "1ア①"), 2016))["1ア①-1"]
    assert (h27.ratio_text, h28.raw_ratio_text, h28.ratio_text) == ("0.90", "1.25", "1.00")
    assert ("累計", "36人（H27まで）") in h27.progress.inputs


def test_cutting_rows_at_a_year_gives_copies_and_leaves_the_rows_as_they_were(nemuro):
    indicators = Indicator.objects.filter(strategy=nemuro, code__in=["1ア①-1", "G1-1"])
    rows = indicator_rows(nemuro, indicators, published_only=False)
    before = [([c.fiscal_year.year for c in row.cells], row.progress) for row in rows]

    cut = rows_cut_at_year(rows, 2015, strategy=nemuro)

    assert [([c.fiscal_year.year for c in row.cells], row.progress) for row in rows] == before
    assert all(new is not old for new, old in zip(cut, rows, strict=True))
    assert {c.fiscal_year.year for row in cut for c in row.cells} == {2015}
    assert [row.indicator for row in cut] == [row.indicator for row in rows]
    # 1ア①-1 as of H27: 36 of the five-year 200 (18 %), not the later 累計
    progress = next(row.progress for row in cut if row.indicator.code == "1ア①-1")
    assert ("累計", "36人（H27まで）") in progress.inputs


def test_aggregating_years_are_left_out_not_counted_as_zero(nemuro):
    reference = measure_reference_grade(measure(nemuro, "1ア②"), 2016)

    # 1ア②-2's H28 is 集計中: its H27 value is used, against the share elapsed at H27 (20%)
    pending = by_code(reference)["1ア②-2"]
    assert pending.progress.year_label == "H27" and pending.expected == Decimal("0.2")
    assert pending.rate == 0 and pending.ratio == 0  # 6.3% is below the 7.7% baseline
    # 1ア②-1: 528/1,400 = 37.7% of 40% → 0.94; mean (0.94 + 0) ÷ 2 = 0.47 → B
    assert reference.ratio_text == "0.47" and reference.grade == "B"


def test_an_indicator_without_any_recorded_value_is_left_out_with_the_reason(nemuro):
    row = Achievement.objects.get(indicator__code="1イ①-1", fiscal_year__year=2015)
    row.state, row.value = "aggregating", None
    row.save()

    reference = measure_reference_grade(measure(nemuro, "1イ①"), 2015)

    left_out = by_code(reference)["1イ①-1"]
    assert left_out.ratio is None and left_out.left_out == "この年度までの実績がないため含めません"
    assert [i.indicator.code for i in reference.used] == ["1イ①-2"]
    # only 1イ①-2 counts: 6/50 = 12% of 20% → 0.60 (not (0 + 0.60) ÷ 2)
    assert reference.ratio_text == "0.60" and reference.grade == "B"


def test_a_measure_without_any_data_has_no_reference_grade_and_says_why(nemuro):
    reference = measure_reference_grade(measure(nemuro, "2ア①"), 2016)

    assert reference.grade is None and reference.ratio is None
    assert reference.reason == "この年度までに実績のある指標がないため、参考評価は算出できません。"
    assert len(reference.left_out) == 4
    assert reference.grade_label == "参考評価なし"


def test_a_lower_is_better_kpi_is_measured_from_the_baseline_downwards(nemuro):
    # 2ア①-3: 580人 → 473人 (lower is better); a made-up H28 value of 540人
    record(nemuro, "2ア①-3", 2016, "540")

    reference = measure_reference_grade(measure(nemuro, "2ア①"), 2016)

    item = by_code(reference)["2ア①-3"]
    assert item.formula == "（基準値 − 実績）÷（基準値 − 目標値）"
    assert rounded(item.rate, "0.0001") == Decimal("0.3738")  # (580 − 540) ÷ (580 − 473)
    assert item.ratio_text == "0.93"  # 37.4% of the 40% expected
    assert reference.grade == "B"

    record(nemuro, "2ア①-3", 2016, "600")  # worse than the baseline: no progress, not negative
    reference = measure_reference_grade(measure(nemuro, "2ア①"), 2016)
    assert by_code(reference)["2ア①-3"].ratio == 0 and reference.grade == "D"


def test_a_keep_target_counts_full_progress_while_it_is_kept(nemuro):
    reference = measure_reference_grade(measure(nemuro, "1ア③"), 2016)

    kept = by_code(reference)["1ア③-1"]  # ゼロ名維持, kept in H28
    assert kept.formula == "目標の水準を維持していれば100%、していなければ0%"
    assert kept.rate == 1 and kept.raw_ratio_text == "2.50"  # 100% ÷ 40%
    assert kept.ratio_text == "1.00"  # capped: keeping a zero cannot carry the measure
    # 1ア③-2 (H28 集計中): H27 4.0% is below the 5.7% baseline → 0; mean 0.50 → B
    assert reference.ratio_text == "0.50" and reference.grade == "B"


def test_results_of_an_unpublished_year_count_as_of_that_year_only(nemuro):
    assert not year(nemuro, 2017).is_published
    record(nemuro, "3ア①-1", 2017, "8")  # 5件 → 10件: 60% at H29, exactly 3/5 of the period

    as_of_h29 = measure_reference_grade(measure(nemuro, "3ア①"), 2017)
    as_of_h28 = measure_reference_grade(measure(nemuro, "3ア①"), 2016)

    assert (as_of_h29.ratio_text, as_of_h29.grade) == ("1.00", "A")
    assert (as_of_h28.ratio_text, as_of_h28.grade) == ("0.00", "D")


def test_a_goal_takes_its_numeric_targets_and_the_kpis_of_its_measures_in_one_mean(nemuro):
    goal = BasicGoal.objects.select_related("strategy").get(strategy=nemuro, number=3)

    reference = goal_reference_grade(goal, 2016)

    codes = [item.indicator.code for item in reference.inputs]
    assert codes[:3] == ["G3-1", "G3-2", "G3-3"] and len(codes) == 10
    assert "3ウ①-1" not in codes  # introduced by the 2017 revision
    inputs = by_code(reference)
    assert inputs["G3-3"].formula == "目標値を満たしていれば100%、満たしていなければ0%"
    assert inputs["G3-3"].raw_ratio_text == "2.50"  # 2,449人 still above the 2,357人 floor
    assert inputs["G3-3"].ratio_text == "1.00"
    assert reference.ratio_text == "0.50" and reference.grade == "B"
    assert reference_grades_for_year(nemuro, 2016).by_goal[goal.pk].ratio == reference.ratio


# --- Thresholds come from the strategy's policy -------------------------------------------------


def test_the_thresholds_are_read_from_the_strategys_grading_policy(nemuro):
    m = measure(nemuro, "1ア①")
    assert measure_reference_grade(m, 2016).ratio_text == "0.95"
    assert measure_reference_grade(m, 2016).grade == "B"

    GradingPolicy.objects.filter(strategy=nemuro).update(a_min=Decimal("0.9"))
    assert measure_reference_grade(m, 2016).grade == "A"

    GradingPolicy.objects.filter(strategy=nemuro).update(
        a_min=Decimal("3"), b_min=Decimal("2"), c_min=Decimal("0.95")
    )
    reference = measure_reference_grade(m, 2016)
    assert reference.grade == "C" and "C：0.95 以上" in reference.explanation


def test_without_a_policy_the_models_defaults_apply(nemuro):
    GradingPolicy.objects.filter(strategy=nemuro).delete()

    reference = measure_reference_grade(measure(nemuro, "1ア②"), 2016)

    # defaults A ≥ 1.0, B ≥ 0.8, C ≥ 0.5: 0.47 is a D (a B with Nemuro's policy)
    assert reference.grade == "D"
    assert reference.thresholds.text == "A：1.0 以上、B：0.8 以上、C：0.5 以上、D：0.5 未満"


# --- Agreement with the seed's human verdicts ----------------------------------------------------


def test_agreement_with_the_18_internal_verdicts_of_the_seed(nemuro):
    """10 of 18. Each indicator's ratio is capped at 1.0 (ahead of schedule counts as on
    schedule), with Nemuro's policy A ≥ 1.0, B ≥ 0.4, C ≥ 0.2; without the cap the same thresholds
    agree on 5 of 18, the model's defaults 1.0 / 0.8 / 0.5 on 2. The disagreements
    (human → reference, ratio):

    No progress yet in the first two years — the 推進本部 said C, the reference says D:
      H27 and H28 3ア① (0.00), 3ア② (0.00), 3イ① (0.00; ※平成30年度以降の取組みを予定).
    A kept zero and a baseline-below value average to 0.50: H27 1ア③ C → B.
    Judged beyond the KPIs (分娩再開 from H29): H28 1イ① B → C (0.30).
    Agreeing: 3イ② A (both years), 1ア① B (0.95, 0.95), 1ア② B (0.43, 0.47), 1ア③ H28 B (0.50),
    1ア④ B (0.67, 0.57), 1イ① H27 C (0.30)."""
    agreed, disagreements = 0, []
    for fiscal_year in (2015, 2016):
        grades = reference_grades_for_year(nemuro, fiscal_year)
        verdicts = InternalReview.objects.filter(fiscal_year__year=fiscal_year).select_related(
            "measure"
        )
        for verdict in verdicts:
            reference = grades.by_measure[verdict.measure_id]
            if reference.grade == verdict.grade:
                agreed += 1
            else:
                disagreements.append((fiscal_year, verdict.measure.code, verdict.grade))
    assert (agreed, agreed + len(disagreements)) == (10, 18)
    assert sorted(disagreements) == [
        (2015, "1ア③", "C"),
        (2015, "3ア①", "C"),
        (2015, "3ア②", "C"),
        (2015, "3イ①", "C"),
        (2016, "1イ①", "B"),
        (2016, "3ア①", "C"),
        (2016, "3ア②", "C"),
        (2016, "3イ①", "C"),
    ]


# --- A fixed number of queries for a whole strategy-year ----------------------------------------


def test_every_measure_and_goal_of_a_year_is_graded_in_a_fixed_number_of_queries(
    nemuro, django_assert_num_queries
):
    # revision in force, measures, goals, indicators, grading policy, fiscal years,
    # indicator chains, results
    with django_assert_num_queries(8):
        small = reference_grades_for_year(nemuro, 2016)
    grow_strategy(nemuro, 25)
    fresh = type(nemuro).objects.get(pk=nemuro.pk)  # the instance remembers its revisions
    with django_assert_num_queries(8):
        large = reference_grades_for_year(fresh, 2016)

    assert len(small.measures) == len(large.measures) == 16
    assert len(small.goals) == 3
    m = measure(nemuro, "1ア①")
    assert len(large.by_measure[m.pk].inputs) == len(small.by_measure[m.pk].inputs) + 25


@pytest.mark.parametrize(("fiscal_year", "count"), [(2016, 16), (2017, 17)])
def test_the_measures_graded_are_those_in_force_that_year(nemuro, fiscal_year, count):
    grades = reference_grades_for_year(nemuro, year(nemuro, fiscal_year))
    codes = [m.code for m in grades.measures]
    assert len(codes) == count and ("3ウ①" in codes) == (fiscal_year >= 2017)
    three_i_two = measure(nemuro, "3イ②")
    kpis = [i.indicator.code for i in grades.by_measure[three_i_two.pk].inputs]
    assert kpis == (["3イ②-1", "3イ②-2", "3イ②-3"] if fiscal_year == 2016 else ["3イ②-1"])
