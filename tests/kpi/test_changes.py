"""The change from the previous year is computed, never stored, and printed as the report does."""

from decimal import Decimal

import pytest
import yaml

from kpi.changes import format_change, year_change
from kpi.models import Achievement, Indicator
from nemuro_strategy.data.seeding import FIXTURES_DIR


def printed_changes():
    data = yaml.safe_load((FIXTURES_DIR / "nemuro" / "report_h28.yaml").read_text(encoding="utf-8"))
    return [
        (a["indicator"], a["fiscal_year"], a["printed_change"])
        for a in data["achievements"]
        if a["printed_change"]
    ]


def test_the_computed_change_matches_every_arrow_the_report_prints(nemuro):
    compared = 0
    for code, year, printed in printed_changes():
        indicator = Indicator.objects.get(strategy=nemuro, code=code)
        current = Achievement.objects.get(indicator=indicator, fiscal_year__year=year)
        if year == nemuro.first_fiscal_year:
            previous_value = indicator.baseline_value
        else:
            previous_value = Achievement.objects.get(
                indicator=indicator, fiscal_year__year=year - 1
            ).value
        change = year_change(current.value, previous_value)
        if change is None:  # no baseline printed ("—"): nothing to compute from
            continue
        assert format_change(change, unit=indicator.unit, decimals=indicator.decimals) == printed, (
            code
        )
        compared += 1
    assert compared >= 25


@pytest.mark.parametrize(
    ("current", "previous", "unit", "decimals", "text"),
    [
        ("1.53", "1.37", "", 2, "(0.16↑)"),
        ("11.0", "11.3", "%", 1, "(0.3↓)"),
        ("49205", "45896", "人", 0, "(3,309人↑)"),
        ("3", "3", "件", 0, "(→)"),
    ],
)
def test_it_formats_a_change_like_the_report(current, previous, unit, decimals, text):
    assert (
        format_change(
            year_change(Decimal(current), Decimal(previous)), unit=unit, decimals=decimals
        )
        == text
    )


def test_no_change_is_shown_when_a_year_is_still_being_aggregated():
    assert year_change(None, Decimal("6.3")) is None
    assert format_change(None, unit="%", decimals=1) == ""
