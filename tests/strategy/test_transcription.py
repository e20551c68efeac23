"""The fixtures hold everything in both seed documents: counts per kind, and spot values across
all three goals and every kind of row, each compared with the seed text it was taken from."""

from decimal import Decimal

import pytest

from kpi.models import Achievement, Indicator
from strategy.models import (
    BasicGoal,
    GoalDirection,
    Measure,
    Policy,
    PopulationFigure,
    ProjectListing,
    ProjectOutput,
    Revision,
)
from verification.models import GradeDefinition, InternalReview, PanelReview


def latest(strategy) -> Revision:
    return strategy.revisions.order_by("-sequence").first()


def flat(text: str) -> str:
    """The seed text with the extraction's spacing removed, to look a value up in it."""
    return "".join(text.split())


# -- counts -----------------------------------------------------------------------------------


def test_it_holds_every_node_of_the_current_strategy(nemuro):
    rev = latest(nemuro)
    assert rev.status == Revision.Status.DRAFT and rev.date is None
    assert BasicGoal.objects.filter(strategy=nemuro).in_force_at(rev).count() == 3
    goal_level = Indicator.objects.filter(strategy=nemuro).goal_level().in_force_at(rev)
    assert [goal_level.filter(goal__number=n).count() for n in (1, 2, 3)] == [4, 3, 3]
    assert Policy.objects.filter(strategy=nemuro).in_force_at(rev).count() == 7
    assert Measure.objects.filter(strategy=nemuro).in_force_at(rev).count() == 17
    kpis = Indicator.objects.filter(strategy=nemuro).measure_level().in_force_at(rev)
    assert [kpis.filter(goal__number=n).count() for n in (1, 2, 3)] == [11, 21, 9]
    listings = ProjectListing.objects.filter(measure__strategy=nemuro).in_force_at(rev)
    assert listings.count() == 126
    assert listings.private_sector().count() == 17


def test_every_kpi_has_a_target_sentence_and_a_kind(nemuro):
    for indicator in Indicator.objects.filter(strategy=nemuro):
        assert indicator.target_text, indicator
        assert indicator.kind in {"level", "cumulative", "annual", "keep"}
        assert indicator.direction in {"higher", "lower", "keep"}


def test_it_holds_every_result_and_verdict_of_the_report(nemuro):
    results = Achievement.objects.filter(indicator__strategy=nemuro)
    assert results.count() == 50
    assert results.filter(fiscal_year__year=2015).count() == 25
    assert results.filter(state=Achievement.State.AGGREGATING).count() == 4
    reviews = InternalReview.objects.filter(measure__strategy=nemuro)
    assert reviews.count() == 18
    assert set(reviews.values_list("fiscal_year__year", flat=True)) == {2015, 2016}
    panel = PanelReview.objects.filter(goal__strategy=nemuro)
    assert panel.count() == 2
    assert sum(p.opinions.count() for p in panel) == 10
    # the H28 panel cells are empty in the report, and stay empty
    assert not panel.filter(fiscal_year__year=2016).exists()
    assert ProjectOutput.objects.filter(measure__strategy=nemuro).count() == 47
    assert GradeDefinition.objects.filter(strategy=nemuro).count() == 4


def test_it_holds_the_three_revisions(nemuro):
    revisions = list(nemuro.revisions.order_by("sequence"))
    assert [(r.status, r.date and r.date.isoformat()) for r in revisions] == [
        ("formulated", "2015-10-30"),
        ("revised", "2017-11-22"),
        ("draft", None),
    ]


def test_it_holds_the_population_tables(nemuro):
    figures = PopulationFigure.objects.filter(strategy=nemuro)
    # 2010 base, 2020 / 2025 / 2060 for both projections, by age group
    for year in (2020, 2025, 2060):
        for series in ("ipss", "city"):
            assert (
                figures.filter(year=year, series=series)
                .filter(metric__in=["total", "age_0_14", "age_15_64", "age_65_over"])
                .count()
                == 4
            ), (year, series)
    assert figures.filter(year=2010, series="actual").count() >= 5


# -- spot values: indicators (definition) -------------------------------------------------------

INDICATOR_SPOTS = [
    # code, field, expected, text printed in the seed (file: "000" report or "001" strategy)
    ("G1-1", "name", "合計特殊出生率", "001", "① 合計特殊出生率：5年で1.49とし0.12ポイント向上"),
    ("G1-1", "baseline_value", Decimal("1.37"), "000", "1.37 (H23 数値)"),
    ("G1-1", "baseline_note", "H23 数値", "000", "1.37 (H23 数値)"),
    ("G1-1", "target_value", Decimal("1.49"), "001", "5年で1.49とし0.12ポイント向上"),
    ("G1-2", "baseline_note", "2015年社人研推計値", "000", "11.1% (2015年社人研 推計値)"),
    (
        "G1-3",
        "target_text",
        "5年で季節待機児童ゼロ達成",
        "001",
        "③ 幼稚園・保育所待機児童数：5年で季節待機児童ゼロ達成",
    ),
    (
        "G1-4",
        "target_value",
        Decimal("1"),
        "001",
        "④ 市内分娩可能施設：5年で分娩できる医療施設1カ所",
    ),
    (
        "G2-1",
        "target_value",
        Decimal("2357"),
        "001",
        "①20～39歳女性の人口：5年で32人減少を抑制し2,357人確保",
    ),
    ("G2-3", "direction", "lower", "001", "③人口減少率：5年で0.81%とし0.97ポイント向上"),
    (
        "G3-2",
        "target_text",
        "5年で85.0%とし5.6ポイント向上",
        "000",
        "⇒ 5年で85.0%とし5.6ポイント向上",
    ),
    ("G3-3", "baseline_value", Decimal("2532"), "000", "2,532人 (社人研推計値)"),
    ("1ア①-1", "kind", "cumulative", "001", "・独身者の出会いの場に参加した人数 5年で男女200人"),
    ("1ア②-1", "target_value", Decimal("1400"), "001", "5年で延べ1,400世帯増加"),
    ("1ア②-2", "baseline_value", Decimal("7.7"), "000", "7.7%	6.3% (1.4↓)	集計中"),
    ("1ア③-1", "kind", "keep", "001", "・幼稚園、保育所待機児童数 ゼロ名維持"),
    (
        "1ア④-2",
        "kind",
        "annual",
        "001",
        "・留守家庭児童会・放課後教室等の利用者数 年間延べ46,000人",
    ),
    ("1ア④-2", "baseline_value", Decimal("45896"), "000", "45,896人	49,205人 (3,309人↑)"),
    ("2ア①-3", "direction", "lower", "001", "・季節労働者数 5年で473人とし107人減少"),
    ("2ア⑤-4", "target_value", Decimal("50"), "001", "5年で年間50億円とし2億4千万円増加"),
    (
        "2イ①-3",
        "target_value",
        Decimal("2000"),
        "001",
        "5年で年間延べ2,000日間とし年間1,770日間増加",
    ),
    (
        "2イ②-2",
        "target_text",
        "5年で年間2,500人とし139人増加",
        "001",
        "5年で年間2,500人とし139人増加",
    ),
    (
        "3イ②-2",
        "target_text",
        "5年で総額10億円増加",
        "000",
        "・ふるさと納税制度を活用した寄附受納額 ⇒ 5年で総額10億円増加",
    ),
    (
        "3ウ①-1",
        "target_text",
        "5年で総額100億円増加",
        "001",
        "・ふるさと納税制度を活用した寄附受納額 5年で総額100億円増加",
    ),
    ("3ウ①-2", "target_value", Decimal("60"), "001", "5年で総額60億円"),
    (
        "3ウ①-3",
        "target_value",
        Decimal("130"),
        "001",
        "・ふるさと納税推進による経済波及効果 5年で総額130億円",
    ),
    (
        "3ウ①-4",
        "target_text",
        "5年で延べ400人",
        "001",
        "・ふるさと納税推進による雇用者誘発人数 5年で延べ400人",
    ),
]


@pytest.mark.parametrize(("code", "field", "expected", "source", "printed"), INDICATOR_SPOTS)
def test_indicator_spot_values(
    nemuro, report_text, strategy_text, code, field, expected, source, printed
):
    text = report_text if source == "000" else strategy_text
    assert flat(printed) in flat(text), "the spot value is not in the seed text"
    indicator = Indicator.objects.get(strategy=nemuro, code=code)
    assert getattr(indicator, field) == expected


# -- spot values: yearly results ----------------------------------------------------------------

RESULT_SPOTS = [
    # code, fiscal year, value, cumulative, note, state, printed cell
    ("G1-1", 2015, Decimal("1.53"), None, "H25 数値", "recorded", "1.53 (H25 数値) (0.16↑)"),
    ("G1-1", 2016, Decimal("1.53"), None, "H26 数値", "recorded", "1.53 (H26 数値) (→)"),
    (
        "G1-2",
        2016,
        Decimal("11.0"),
        None,
        "住民基本台帳",
        "recorded",
        "11.0% (住民基本台帳) (0.3↓)",
    ),
    ("1ア①-1", 2016, Decimal("64"), Decimal("100"), "", "recorded", "64人 (累計100人)"),
    ("1ア②-1", 2016, Decimal("287"), Decimal("528"), "", "recorded", "287世帯 (累計528世帯)"),
    ("1ア②-2", 2016, None, None, "", "aggregating", "6.3% (1.4↓)	集計中"),
    ("1ア③-1", 2015, Decimal("0"), None, "地域課題あり", "recorded", "ゼロ名維持 (地域課題あり)"),
    ("1ア④-2", 2016, Decimal("51413"), None, "", "recorded", "51,413人 (2,208人↑)"),
    ("1イ①-2", 2016, Decimal("6"), Decimal("12"), "", "recorded", "6人 (累計12人)"),
    ("G3-2", 2016, None, None, "", "aggregating", "79.3% (0.1↓)	集計中"),
    (
        "G3-3",
        2016,
        Decimal("2449"),
        None,
        "住民基本台帳",
        "recorded",
        "2,449人 (住民基本台帳) (81人↓)",
    ),
    ("3ア①-1", 2015, Decimal("3"), None, "", "recorded", "3件 (2件↓)"),
    ("3イ②-2", 2016, Decimal("33.1"), Decimal("46.0"), "", "recorded", "33.1億円 (累計46.0億円)"),
    ("3イ②-3", 2015, Decimal("7.07"), Decimal("7.07"), "", "recorded", "7.07億円 (累計7.07億円)"),
]


@pytest.mark.parametrize(
    ("code", "year", "value", "cumulative", "note", "state", "printed"), RESULT_SPOTS
)
def test_result_spot_values(
    nemuro, report_text, code, year, value, cumulative, note, state, printed
):
    assert flat(printed) in flat(report_text)
    row = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code=code, fiscal_year__year=year
    )
    assert (row.value, row.cumulative, row.note, row.state) == (value, cumulative, note, state)


def test_a_value_from_another_data_year_keeps_that_year(nemuro):
    row = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2015
    )
    assert row.data_year == 2013


def test_a_result_that_is_not_a_number_keeps_its_printed_text(nemuro):
    row = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="1ア③-1", fiscal_year__year=2016
    )
    assert row.text == "ゼロ名維持 (地域課題あり)"


# -- spot values: verdicts ----------------------------------------------------------------------

INTERNAL_SPOTS = [
    ("1ア①", 2016, "B", "子育てサークル活動に停滞感が見られることから"),
    ("1ア③", 2015, "C", "一時保育や延長保育の充実についても検討する必要がある。"),
    ("1イ①", 2016, "B", "平成29年度からの分娩再開に至ったところであり"),
    ("3ア②", 2016, "C", "あらゆる分野で地域おこし協力隊の活用（登用）を検討する。"),
    ("3イ①", 2015, "C", "市民活動団体等の育成等と連動しながら"),
    ("3イ②", 2015, "A", "目標値の上方修正を行ったうえで"),
]


@pytest.mark.parametrize(("code", "year", "grade", "phrase"), INTERNAL_SPOTS)
def test_internal_verdict_spot_values(nemuro, report_text, code, year, grade, phrase):
    assert flat(phrase) in flat(report_text)
    review = InternalReview.objects.get(
        measure__strategy=nemuro, measure__code=code, fiscal_year__year=year
    )
    assert review.grade == grade
    assert flat(phrase) in flat(review.issues)


def test_an_internal_verdict_keeps_its_printed_remark(nemuro):
    review = InternalReview.objects.get(
        measure__strategy=nemuro, measure__code="3イ①", fiscal_year__year=2015
    )
    assert review.grade_note == "※平成30年度以降の取組みを予定"


def test_goal_3_panel_verdict_for_h27(nemuro, report_text):
    review = PanelReview.objects.get(goal__strategy=nemuro, goal__number=3, fiscal_year__year=2015)
    assert review.grade == "C"
    expected = "平成28年度中に事務局において、情報共有のあり方や問題意識の共有について検討を行い、平成29年度の有識者会議において、議論できるような内容を整理すること。"
    assert expected in report_text
    assert review.supplementary_opinion == expected
    opinions = list(review.opinions.values_list("text", flat=True))
    assert opinions[0] == "基本的な協働意識の必要性"
    assert (
        opinions[2]
        == "目標を大きく上回ったふるさと納税の重要業績評価指標（KPI）の上方修正等の必要性"
    )
    assert len(opinions) == 4


def test_goal_1_panel_verdict_for_h27(nemuro):
    review = PanelReview.objects.get(goal__strategy=nemuro, goal__number=1, fiscal_year__year=2015)
    assert review.grade == "B"
    assert review.opinions.count() == 6
    assert review.opinions.get(position=6).text == "妊産婦への交通費支援（充実）の必要性"


def test_the_grade_scale_has_its_four_texts(nemuro):
    labels = dict(GradeDefinition.objects.filter(strategy=nemuro).values_list("grade", "label"))
    assert labels == {
        "A": "順調に進んでいる",
        "B": "概ね順調に進んでいる",
        "C": "やや遅れている",
        "D": "遅れている",
    }


# -- spot values: tree and projects -------------------------------------------------------------


def test_goals_directions_policies_and_measures(nemuro, strategy_text):
    goal2 = BasicGoal.objects.get(strategy=nemuro, number=2)
    assert (
        goal2.title
        == "住みたいと思える「ひと」と「しごと」を呼び込み、安定した雇用、新しい人の流れをつくる"
    )
    assert goal2.package == "雇用対策"
    directions = GoalDirection.objects.filter(goal=goal2)
    assert directions.count() == 12
    assert directions.get(position=1).text.startswith(
        "産業特性を活かして、域外からの人、仕事、所得を獲得し"
    )
    assert Policy.objects.get(strategy=nemuro, code="2イ").name == "交流人口の拡大"
    measure = Measure.objects.get(strategy=nemuro, code="2ア⑤")
    assert measure.name == "産学官金の連携及び農商工連携と6次産業化の促進"
    assert flat(measure.description) in flat(strategy_text)
    # 逐年 in 001 is an extraction error for 通年 (000 prints 通年)
    assert "通年で開所" in Measure.objects.get(strategy=nemuro, code="1ア④").description


LISTING_SPOTS = [
    # measure, project, category, content, partner, reprint
    ("1ア①", "児童相談室設置事業", "新規", "児童相談室の設置", "", False),
    (
        "1ア②",
        "こども医療費給付事業",
        "H28拡充 拡充",
        "給付対象の拡大(中高生入院) 給付対象の拡大(中高生入院外)",
        "",
        False,
    ),
    (
        "2ア②",
        "シニア移住就職支援金制度",
        "民間等",
        "転居費・家賃・生活支援費支援",
        "中小企業庁",
        False,
    ),
    (
        "2ア③",
        "事業承継円滑化事業",
        "民間等",
        "事業承継支援",
        "大地みらい信用金庫、北洋銀行、北海道銀行",
        False,
    ),
    (
        "2ア⑤",
        "産学官連携研究開発事業",
        "新規",
        "サケ・マス養殖",
        "北海道大学産学・地域協働推進機構",
        False,
    ),
    ("2ア④", "ウエディングサポート事業", "H28拡充", "婚活イベント実施", "", True),
    (
        "3ア①",
        "人材育成・研修事業",
        "民間等",
        "市民活動支援制度の強化",
        "NPO法人北海道NPOサポートセンター",
        False,
    ),
    ("3ウ①", "ふるさと納税推進事業", "H27拡充", "寄附者との感謝・交流事業の実施", "", False),
]


@pytest.mark.parametrize(
    ("code", "project", "category", "content", "partner", "reprint"), LISTING_SPOTS
)
def test_listing_spot_values(nemuro, code, project, category, content, partner, reprint):
    rev = latest(nemuro)
    listing = ProjectListing.objects.in_force_at(rev).get(
        measure__strategy=nemuro, measure__code=code, project__name=project, content=content
    )
    assert (listing.category, listing.partner, listing.reprint) == (category, partner, reprint)


def test_project_output_spot_values(nemuro, report_text):
    outputs = ProjectOutput.objects.filter(measure__strategy=nemuro).with_lines()
    wedding = outputs.get(number="2", measure__code="1ア①")
    assert wedding.title == "ウエディングサポート事業"
    assert wedding.period_label == "H27〜H28"
    assert [line.text for line in wedding.lines.all()] == ["6回延べ100人参加"]
    medical = outputs.get(number="9")
    amounts = {line.label: (line.value, line.unit) for line in medical.lines.all()}
    assert amounts["医療費助成件数"] == (Decimal("50867"), "件")
    assert amounts["医療費助成金額"] == (Decimal("111058"), "千円")
    assert "延べ 50,867 件" in report_text
    oncall = outputs.get(number="34")
    assert oncall.lines.get().value == Decimal("493")
    reprinted = outputs.get(number="-")
    assert reprinted.reprint and reprinted.project.name == "地域おこし協力隊推進事業"
    assert outputs.get(number="87").private_sector
    assert outputs.get(number="10").note == "※平成28年度新規事業"


def test_population_spot_values(nemuro, strategy_text):
    figures = PopulationFigure.objects.filter(strategy=nemuro)
    assert "根室市推計	26,043	2,678	14,704	8,661" in strategy_text
    assert figures.get(series="city", year=2020, metric="total").value == Decimal("26043")
    assert figures.get(series="ipss", year=2060, metric="age_0_14").value == Decimal("913")
    assert figures.get(series="actual", year=2010, metric="age_15_64").share == Decimal("61.3")
    assert figures.get(series="city", year=2025, metric="fertility_rate").value == Decimal("1.61")
    assert figures.get(series="city", year=2060, metric="female_20_39").value == Decimal("1203")
