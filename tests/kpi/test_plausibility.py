"""Plausibility (kpi.plausibility): one rule set for the year-entry screen and the Excel import —
bounds per indicator (0–100 for a share), a 累計 never below last year's nor below this year's
実績 (in the database too), no 累計 where the kind keeps none, and a jump against last year saved
only once confirmed. Every refusal leaves the database as it was."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from kpi import imports, plausibility
from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.kpi.test_import import (
    H29,
    as_bytes,
    download,
    latest_job,
    results_snapshot,
    row_of,
    upload,
)
from tests.kpi.test_year_entry import EntryForm, entry_url, load, result

CONFIRM = "前年度から大きく変わっていますが、この値で保存します"
SHARE_REFUSED = "実績値 130% はこの指標の範囲外です。0%以上100%以下で入力してください。"
FALLING = (
    "累計 50件 が前年度（H28）の累計 72件 を下回っています。累計は前年度の累計以上にしてください。"
)
NO_TOTAL = "この指標（到達水準）には累計を入力しません。累計は空欄にしてください。"


@pytest.fixture
def bounded(nemuro):
    """The default rule of migration 0009, which the seed loader applies too: the 13 seeded
    indicators in % are bounded 0–100 (and applying the rule again changes nothing)."""
    shares = Indicator.objects.filter(strategy=nemuro, unit__in=plausibility.SHARE_UNITS)
    assert shares.count() == 13
    assert set(shares.values_list("minimum", "maximum")) == {(0, 100)}
    assert plausibility.bound_shares(Indicator.objects.filter(strategy=nemuro)) == 0
    return nemuro


@pytest.fixture
def staff(as_user, department, bounded):
    return as_user(department)


def errors_of(response) -> dict:
    formset = response.context["formset"]
    return {f.row.indicator.code: f.errors for f in formset.forms if f.errors}


def sheet_upload(staff, nemuro, **cells):
    """Upload the H29 sheet with `cells` ({code: {column letter: value}}) typed in; the job."""
    book = download(staff, nemuro, H29)
    sheet = book.active
    for code, values in cells.items():
        for column, value in values.items():
            sheet[f"{column}{row_of(sheet, code)}"] = value
    upload(staff, nemuro, H29, as_bytes(book))
    return latest_job()


# --- bounds ------------------------------------------------------------------------------------


def test_a_share_of_130_percent_is_refused_on_the_screen(staff):
    before = results_snapshot()
    page = load(staff).type("G1-2", value="130")  # 年少人口割合 (%)
    response = staff.post(entry_url(2017), page.fields)
    assert response.status_code == 200
    assert errors_of(response) == {"G1-2": {"value": [SHARE_REFUSED]}}
    assert results_snapshot() == before


def test_a_share_of_130_percent_is_refused_in_a_sheet(staff, bounded):
    before = results_snapshot()
    job = sheet_upload(staff, bounded, **{"G1-2": {"E": 130, "G": "実績あり"}})
    assert job.status == "failed"
    assert job.errors == [f"行3: 実績値：{SHARE_REFUSED}"]
    assert results_snapshot() == before


def test_without_bounds_any_share_is_accepted(as_user, department, nemuro, settings):
    """Bounds are data: an indicator without them (here G1-2 with its bounds removed) takes any
    value."""
    settings.KPI_JUMP_RATIO = 20  # 11.0 % → 130 % is no jump here
    Indicator.objects.filter(strategy=nemuro, code="G1-2").update(minimum=None, maximum=None)
    staff = as_user(department)
    assert staff.post(entry_url(2017), load(staff).type("G1-2", value="130").fields).status_code
    assert result("G1-2").value == Decimal("130")


# --- 累計 ---------------------------------------------------------------------------------------


def test_a_total_falling_from_72_to_50_is_refused_on_the_screen(staff):
    before = results_snapshot()
    page = load(staff).type("1ア①-2", value="20", cumulative="50")  # H28: 25件, 累計72件
    response = staff.post(entry_url(2017), page.fields)
    assert errors_of(response) == {"1ア①-2": {"cumulative": [FALLING]}}
    assert results_snapshot() == before


def test_a_total_falling_from_72_to_50_is_refused_in_a_sheet(staff, bounded):
    before = results_snapshot()
    job = sheet_upload(staff, bounded, **{"1ア①-2": {"E": 20, "F": 50, "G": "実績あり"}})
    assert job.status == "failed"
    assert len(job.errors) == 1 and job.errors[0].endswith(f"累計：{FALLING}")
    assert results_snapshot() == before


def test_a_level_indicator_has_no_total_input_and_a_posted_total_is_refused(staff):
    page = load(staff)
    assert "G1-2" in page.prefix and f"{page.prefix['G1-2']}-cumulative" not in page.fields
    assert f"{page.prefix['1ア①-2']}-cumulative" in page.fields  # 5年間の累計
    before = results_snapshot()
    response = staff.post(entry_url(2017), page.type("G1-2", value="11", cumulative="40").fields)
    assert errors_of(response) == {"G1-2": {"cumulative": [NO_TOTAL]}}
    assert results_snapshot() == before


def test_a_total_for_a_level_indicator_is_refused_in_a_sheet(staff, bounded):
    job = sheet_upload(staff, bounded, **{"G1-2": {"E": 11, "F": 40, "G": "実績あり"}})
    assert job.errors == [f"行3: 累計：{NO_TOTAL}"]


def test_the_database_refuses_a_total_below_this_years_value(nemuro):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    indicator = Indicator.objects.get(strategy=nemuro, code="1ア①-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.create(
            indicator=indicator, fiscal_year=h29, value=Decimal(30), cumulative=Decimal(20)
        )
    assert not Achievement.objects.filter(indicator=indicator, fiscal_year=h29).exists()
    # equal, or either missing, passes
    Achievement.objects.create(
        indicator=indicator, fiscal_year=h29, value=Decimal(30), cumulative=Decimal(30)
    )


# --- a jump against last year ------------------------------------------------------------------


def test_a_jump_is_refused_on_the_screen_until_its_row_is_confirmed(staff):
    before = results_snapshot()
    page = load(staff).type("G3-3", value="9,000")  # H28: 2,449人 (more than 3 times)
    response = staff.post(entry_url(2017), page.fields)
    assert response.status_code == 200
    [message] = errors_of(response)["G3-3"]["value"]
    assert message.startswith("実績値 9,000人 は前年度（H28）の 2,449人 から3倍を超えて")
    assert results_snapshot() == before
    html = response.content.decode()
    assert f"{CONFIRM}</label>" in html  # the row's checkbox
    again = EntryForm(html)
    confirm = f"{again.prefix['G3-3']}-confirm_jump"
    assert again.fields[confirm] == ""  # shown, not ticked
    assert staff.post(entry_url(2017), again.fields).status_code == 200  # still refused
    assert results_snapshot() == before

    again.fields[confirm] = "on"
    assert staff.post(entry_url(2017), again.fields).status_code == 302
    assert result("G3-3").value == Decimal(9000)


def test_the_confirmation_is_offered_only_on_the_rows_that_jumped(staff):
    assert CONFIRM not in staff.get(entry_url(2017)).content.decode()
    page = load(staff).type("G3-3", value="9000").type("G3-1", value="-1")
    html = staff.post(entry_url(2017), page.fields).content.decode()
    assert EntryForm(html).fields.keys() >= {f"{page.prefix['G3-3']}-confirm_jump"}
    assert f"{page.prefix['G3-1']}-confirm_jump" not in EntryForm(html).fields


def test_a_jump_in_a_sheet_is_a_warning_that_applying_must_confirm(staff, bounded, department):
    before = results_snapshot()
    job = sheet_upload(staff, bounded, **{"G3-3": {"E": 9000, "G": "実績あり"}})
    assert job.status == "previewed" and job.errors == []
    [row] = imports.preview_warnings(job.preview)
    assert row["code"] == "G3-3" and row["warnings"][0].startswith("行")
    page = staff.get(job.get_absolute_url()).content.decode()
    assert "前年度から大きく変わっている行（1行）" in page and 'name="confirm_jumps"' in page

    staff.post(job.get_absolute_url(), {"action": "apply"})  # not confirmed
    job.refresh_from_db()
    assert job.status == "previewed"
    assert results_snapshot() == before

    staff.post(job.get_absolute_url(), {"action": "apply", "confirm_jumps": "on"})
    job.refresh_from_db()
    assert job.status == "applied"
    assert result("G3-3").value == Decimal(9000)


def test_the_jump_ratio_is_a_setting(settings, nemuro):
    g33 = Indicator.objects.get(strategy=nemuro, code="G3-3")
    h28 = Achievement.objects.select_related("fiscal_year").get(
        indicator=g33, fiscal_year__year=2016
    )
    codes = lambda value: [i.code for i in plausibility.check_row(g33, value, None, h28)]  # noqa: E731
    assert codes(Decimal(9000)) == ["jump"]
    assert codes(Decimal(800)) == ["jump"]  # down by more than 3 times too
    assert codes(Decimal(7000)) == []
    settings.KPI_JUMP_RATIO = 5.0
    assert codes(Decimal(9000)) == []
    settings.KPI_JUMP_RATIO = 1
    with pytest.raises(ImproperlyConfigured):
        codes(Decimal(9000))


# --- the page ----------------------------------------------------------------------------------


def test_focus_moves_to_the_error_summary_by_a_script_file(staff):
    html = staff.post(entry_url(2017), load(staff).type("G1-2", value="130").fields)
    html = html.content.decode()
    assert '<div class="error-summary" role="alert" tabindex="-1" id="error-summary">' in html
    assert '<script src="/static/js/error_summary.js" defer></script>' in html
    assert "<script>" not in html  # the CSP allows no inline script
