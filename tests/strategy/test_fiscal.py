"""Fiscal years read as users know them."""

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
