"""One tree order of indicators (IndicatorQuerySet.in_tree_order): goal by goal, its 数値目標 first,
then the KPIs measure by measure. The year-entry screen, the entry sheet and the open data list
indicators in it."""

from kpi import opendata
from kpi.entry.page import year_entry_page
from kpi.imports.resource import AchievementSheetResource
from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.factory import grow_strategy


def test_goal_level_indicators_come_first_in_each_goal_then_measure_by_measure(nemuro):
    codes = list(
        Indicator.objects.filter(strategy=nemuro).in_tree_order().values_list("code", flat=True)
    )
    assert codes[:5] == ["G1-1", "G1-2", "G1-3", "G1-4", "1ア①-1"]
    assert codes.index("1ア④-3") < codes.index("G2-1") < codes.index("2ア①-1")
    assert codes.index("3イ②-2") < codes.index("3ウ①-1")


def test_the_entry_screen_the_entry_sheet_and_the_open_data_use_it(nemuro):
    grow_strategy(nemuro, 3)  # goal-level and measure-level indicators added late
    year = FiscalYear.objects.get(strategy=nemuro, year=2017)
    revision = nemuro.revision_for_year(2017)
    in_force = list(
        Indicator.objects.filter(strategy=nemuro)
        .in_force_at(revision)
        .in_tree_order()
        .values_list("code", flat=True)
    )
    page = [row.indicator.code for row in year_entry_page(nemuro, 2017).rows]
    resource = AchievementSheetResource(strategy=nemuro, fiscal_year=year)
    sheet = [achievement.indicator.code for achievement in resource.rows_for_sheet()]
    assert page == sheet == in_force
    every = list(
        Indicator.objects.filter(strategy=nemuro).in_tree_order().values_list("code", flat=True)
    )
    years = opendata.published_years(nemuro)
    cells = [cell.indicator.code for cell in opendata.dataset_cells(nemuro, years)]
    assert cells == [code for code in every for _year in years]


def test_results_in_tree_order_follow_their_indicators_then_the_year(nemuro):
    indicators = list(Indicator.objects.filter(strategy=nemuro).in_tree_order())
    position = {indicator.pk: index for index, indicator in enumerate(indicators)}
    results = list(
        Achievement.objects.filter(indicator__strategy=nemuro)
        .in_tree_order()
        .values_list("indicator_id", "fiscal_year__year")
    )
    assert results == sorted(results, key=lambda r: (position[r[0]], r[1]))
