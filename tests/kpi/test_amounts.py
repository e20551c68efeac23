"""Amounts are read one way (the entry screen and the Excel import alike) and written two ways: for
people, rounded to the indicator's decimals; for machines and inputs, exactly as stored."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpi import opendata
from kpi.amounts import decimal_places, exact_amount, format_amount, parse_amount
from kpi.imports.widgets import AmountWidget
from kpi.models import Achievement, Indicator

# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "unit", "number"),
    [
        ("1.53", "", Decimal("1.53")),
        ("１，２３４", "人", Decimal("1234")),
        ("1,234", "人", Decimal("1234")),
        (" 12 人 ", "人", Decimal("12")),
        ("１０．９％", "%", Decimal("10.9")),
        ("0.5", "億円", Decimal("0.5")),
        ("", "人", None),
        ("△5", "人", Decimal("-5")),  # read, then refused as negative by the constraint
    ],
)
def test_numbers_are_read_the_way_people_type_them(typed, unit, number):
    assert parse_amount(typed, unit=unit) == number


@pytest.mark.parametrize("typed", ["約12", "12,34", "1.2.3", "12件", "five", "1e3", "NaN"])
def test_anything_else_is_not_a_number(typed):
    with pytest.raises(ValidationError, match="数値で入力してください。") as refused:
        parse_amount(typed, unit="人")
    assert refused.value.code == "not_a_number"


@pytest.mark.parametrize(
    "typed", ["１，２３４", "1,234", "△3", "−3", "▲3", "－3", "–3", ".5", "12.50", " 56 ", "+7"]
)
def test_the_entry_screen_and_the_import_read_text_the_same_way(typed):
    assert AmountWidget("実績値").clean(typed) == parse_amount(typed)


@pytest.mark.parametrize("typed", ["約12", "12,34", "100人", "1e3"])
def test_the_import_refuses_what_the_entry_screen_refuses_naming_the_column(typed):
    with pytest.raises(ValidationError):
        parse_amount(typed)
    with pytest.raises(ValueError, match=f"実績値「{typed}」は数値ではありません。"):
        AmountWidget("実績値").clean(typed)


def test_spreadsheet_numbers_stay_numbers_rounded_to_the_places_the_database_keeps():
    assert parse_amount(1234) == Decimal("1234")
    assert parse_amount(1.53) == Decimal("1.53")
    assert parse_amount(0.1 + 0.2) == Decimal("0.3000")
    assert parse_amount(Decimal("1.5300")) == Decimal("1.5300")
    with pytest.raises(ValidationError):
        parse_amount(float("nan"))
    with pytest.raises(ValidationError):
        parse_amount(True)


def test_decimal_places_ignore_trailing_zeros():
    assert decimal_places(Decimal("12.50")) == 1
    assert decimal_places(Decimal("100")) == 0
    assert decimal_places(Decimal("1.2340")) == 3


# --- writing -----------------------------------------------------------------------------------


def test_for_people_an_amount_is_rounded_to_the_indicators_decimals_with_separators():
    assert format_amount(Decimal("45896.0000"), decimals=0, unit="人") == "45,896人"
    assert format_amount(Decimal("1.5300"), decimals=2) == "1.53"
    assert format_amount(Decimal("1.2340"), decimals=2) == "1.23"
    assert format_amount(Decimal("12345.6"), decimals=1, grouping=False) == "12345.6"
    assert format_amount(None, decimals=2, unit="人") == ""


def test_exactly_an_amount_keeps_the_indicators_decimals_and_never_loses_stored_ones():
    assert exact_amount(Decimal("46.0000"), decimals=1) == "46.0"
    assert exact_amount(Decimal("1.5300"), decimals=2) == "1.53"
    assert exact_amount(Decimal("45896.0000"), decimals=0) == "45896"
    assert exact_amount(Decimal("100"), decimals=0) == "100"
    assert exact_amount(Decimal("12.3450"), decimals=1) == "12.345"
    assert exact_amount(Decimal("51413"), decimals=0, grouping=True) == "51,413"
    assert exact_amount(None, decimals=2) == ""


@pytest.fixture
def finer_than_its_decimals(nemuro):
    """G1-1 (two decimals) with an H27 result stored with three: 1.534."""
    result = Achievement.objects.get(indicator__code="G1-1", fiscal_year__year=2015)
    result.value = Decimal("1.534")
    result.save()
    return result


def test_pages_and_the_indicator_csv_round_while_open_data_keeps_the_stored_value(
    client, finer_than_its_decimals
):
    """The one documented behaviour (kpi.amounts): people see the indicator's decimals, the
    machine-readable open data gets the value exactly."""
    slug = "nemuro-sousei-2015"
    page = client.get(reverse("kpi:indicator", kwargs={"slug": slug, "code": "G1-1"}))
    html = page.content.decode()
    assert "1.53" in html and "1.534" not in html
    indicator_csv = client.get(reverse("kpi:indicator_csv", kwargs={"slug": slug, "code": "G1-1"}))
    rows = list(csv.DictReader(io.StringIO(indicator_csv.content.decode("utf-8-sig"))))
    assert rows[0]["実績値"] == "1.53"
    strategy = finer_than_its_decimals.indicator.strategy
    data = [
        dict(zip(opendata.FIELD_NAMES, row, strict=True)) for row in opendata.dataset_rows(strategy)
    ]
    (h27,) = [row for row in data if row["指標コード"] == "G1-1" and row["年度"] == "2015"]
    assert h27["実績値"] == "1.534"


def test_the_entry_screen_shows_the_stored_value_exactly_in_its_input(
    as_user, department, finer_than_its_decimals
):
    """An input holds the exact value, so saving the row again (say, with a new note) cannot
    round 1.534 to 1.53."""
    response = as_user(department).get(
        reverse("staff:year_entry", kwargs={"slug": "nemuro-sousei-2015", "year": 2015})
    )
    (form,) = [f for f in response.context["formset"].forms if f.row.indicator.code == "G1-1"]
    assert form.initial["value"] == "1.534"


def test_the_stored_indicator_formats_for_people(nemuro):
    indicator = Indicator.objects.get(code="1ア④-2")
    assert indicator.format_value(Decimal("51413")) == "51,413" + indicator.unit
    assert indicator.format_value(Decimal("51413"), with_unit=False) == "51,413"
