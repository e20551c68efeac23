"""Nothing assumes one strategy or the years H27–H31: a second one fits as data."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpi.models import Achievement, Indicator
from strategy.models import Municipality, Strategy
from tests.factory import make_strategy, make_tree


def test_a_second_strategy_with_other_years_and_the_same_codes_fits(nemuro):
    other = make_strategy()
    kpi = make_tree(other)
    assert other.period_label == "R2〜R6"
    assert [fy.short_label for fy in other.fiscal_years.all()] == ["R2", "R3", "R4", "R5", "R6"]
    row = Achievement(
        indicator=kpi, fiscal_year=other.fiscal_years.get(year=2021), value=Decimal("12")
    )
    row.full_clean()
    row.save()
    # Nemuro's indicator with the same code is untouched and distinct
    assert Indicator.objects.filter(code="1ア①-1").count() == 2
    assert (
        Indicator.objects.get(strategy=nemuro, code="1ア①-1").name
        == "独身者の出会いの場に参加した人数"
    )
    assert other.revision_for_year(2022).sequence == 1


def test_the_next_five_year_plan_of_the_same_city_fits(nemuro):
    second = make_strategy(code="012238", name="根室市", slug="nemuro-2020")
    assert second.municipality == nemuro.municipality
    assert list(Strategy.objects.filter(municipality__code="012238")) == [nemuro, second]


def test_it_checks_the_local_government_code(db):
    municipality = Municipality(code="012239", prefecture="北海道", name="根室市")
    with pytest.raises(ValidationError) as caught:
        municipality.full_clean()
    assert "検査数字" in str(caught.value)


def test_a_period_must_run_forward(db):
    strategy = Strategy(
        municipality=Municipality.objects.get(code="012238"),
        slug="backwards",
        name="逆順",
        first_fiscal_year=2020,
        last_fiscal_year=2019,
    )
    with pytest.raises(ValidationError) as caught:
        strategy.full_clean()
    assert "最終年度は初年度以降にしてください。" in str(caught.value)
