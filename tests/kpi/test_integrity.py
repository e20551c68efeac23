"""The database itself refuses bad yearly rows, and full_clean() says why in Japanese."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear


@pytest.fixture
def birth_rate(nemuro) -> Indicator:
    return Indicator.objects.get(strategy=nemuro, code="G1-1")


def year(strategy, y) -> FiscalYear:
    return FiscalYear.objects.get(strategy=strategy, year=y)


def test_it_refuses_a_second_result_for_the_same_year(nemuro, birth_rate):
    h27 = year(nemuro, 2015)
    duplicate = Achievement(indicator=birth_rate, fiscal_year=h27, value=Decimal("1.60"))
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "この指標のこの年度の実績は既に登録されています。" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(indicator=birth_rate, fiscal_year=h27, value=Decimal("1.60"))
    assert Achievement.objects.get(indicator=birth_rate, fiscal_year=h27).value == Decimal("1.53")


def test_it_has_no_fiscal_year_outside_the_period(nemuro):
    assert list(nemuro.fiscal_years.values_list("year", flat=True)) == [
        2015,
        2016,
        2017,
        2018,
        2019,
    ]
    outside = FiscalYear(strategy=nemuro, year=2020)
    with pytest.raises(ValidationError) as caught:
        outside.full_clean()
    assert "年度は計画期間（H27〜H31）内で指定してください。" in str(caught.value)


def test_the_database_refuses_a_result_pointing_at_a_year_that_does_not_exist(birth_rate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(indicator=birth_rate, fiscal_year_id=999_999, value=Decimal("1"))
        connection.check_constraints()  # foreign keys are checked at commit; check now


def test_it_refuses_a_year_of_another_strategy(nemuro, birth_rate):
    from tests.factory import make_strategy

    other = make_strategy()
    row = Achievement(indicator=birth_rate, fiscal_year=year(other, 2020), value=Decimal("1.4"))
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "指標と別の総合戦略の年度です。" in str(caught.value)


def test_it_refuses_a_negative_count(nemuro):
    indicator = Indicator.objects.get(strategy=nemuro, code="1ア①-1")
    row = Achievement(indicator=indicator, fiscal_year=year(nemuro, 2017), value=Decimal("-3"))
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "実績値に負の値は入力できません。" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(
            indicator=indicator, fiscal_year=year(nemuro, 2017), value=Decimal("-3")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(
            indicator=indicator,
            fiscal_year=year(nemuro, 2017),
            value=Decimal("3"),
            cumulative=Decimal("-1"),
        )


def test_a_year_still_being_aggregated_holds_no_number(nemuro, birth_rate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(
            indicator=birth_rate,
            fiscal_year=year(nemuro, 2017),
            state=Achievement.State.AGGREGATING,
            value=Decimal("1.5"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(
            indicator=birth_rate, fiscal_year=year(nemuro, 2017), state=Achievement.State.RECORDED
        )


def test_it_refuses_a_result_for_an_indicator_not_in_force_that_year(nemuro):
    # the 2015 ふるさと納税 KPI under 3イ② was replaced by the 2017 revision, in force from H29
    retired = Indicator.objects.get(strategy=nemuro, code="3イ②-2")
    row = Achievement(indicator=retired, fiscal_year=year(nemuro, 2017), value=Decimal("40"))
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "構成に含まれていません" in str(caught.value)


def test_numbers_are_decimals(nemuro):
    row = Achievement.objects.get(
        indicator__code="3イ②-3", indicator__strategy=nemuro, fiscal_year__year=2016
    )
    assert isinstance(row.value, Decimal)
    assert row.value == Decimal("19.17")
    assert row.cumulative == Decimal("26.24")
