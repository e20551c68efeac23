"""Fiscal years read as users know them."""

import datetime

import pytest

from strategy import fiscal


@pytest.mark.parametrize(
    ("year", "short", "long"),
    [
        (2015, "H27", "平成27年度"),
        (2016, "H28", "平成28年度"),
        (2019, "H31", "平成31年度（令和元年度）"),
        (2020, "R2", "令和2年度"),
        (2024, "R6", "令和6年度"),
        (1989, "H1", "平成元年度"),
    ],
)
def test_it_labels_fiscal_years_in_the_japanese_era(year, short, long):
    assert fiscal.short_label(year) == short
    assert fiscal.long_label(year) == long
    assert fiscal.fiscal_year_from_label(short) == year


def test_it_rejects_a_label_that_is_not_a_fiscal_year():
    with pytest.raises(ValueError):
        fiscal.fiscal_year_from_label("平成")


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("H28", 2016),
        ("平成28年度", 2016),
        ("平成31年度(令和元年度)", 2019),
        ("平成31年度（令和元年度）", 2019),
        ("令和元年度", 2019),
        ("令和2年度", 2020),
        ("2016", 2016),
        ("2016年度", 2016),
    ],
)
def test_it_reads_a_fiscal_year_as_people_write_it(text, year):
    assert fiscal.fiscal_year_from_text(text) == year


def test_it_refuses_text_that_is_not_a_fiscal_year():
    with pytest.raises(ValueError):
        fiscal.fiscal_year_from_text("来年度")


def test_a_calendar_month_reads_in_the_era_of_that_day():
    assert fiscal.japanese_month(datetime.date(2015, 10, 30)) == "平成27年10月"
    assert fiscal.japanese_month(datetime.date(2019, 4, 30)) == "平成31年4月"
    assert fiscal.japanese_month(datetime.date(2019, 5, 1)) == "令和元年5月"
    assert fiscal.japanese_month(None) == ""
