"""The open-data CSV carries a BOM, so it is opened by Excel: a text that a spreadsheet would run
as a formula comes out with a leading apostrophe; numbers stay as they are, and the JSON keeps
every value exactly as stored."""

import csv
import io
import json

import pytest
from django.urls import reverse

from kpi import opendata
from kpi.models import Achievement
from kpi.opendata.files import csv_row

FORMULA = '=HYPERLINK("http://example.com","x")'


def download(client, name, strategy) -> str:
    response = client.get(reverse(f"kpi:{name}", kwargs={"slug": strategy.slug}))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def csv_row_of(client, strategy, code, year) -> dict:
    rows = csv.DictReader(io.StringIO(download(client, "opendata_csv", strategy), newline=""))
    [row] = [r for r in rows if r["指標コード"] == code and r["年度"] == str(year)]
    return row


def json_row_of(client, strategy, code, year) -> dict:
    document = json.loads(download(client, "opendata_json", strategy))
    [row] = [r for r in document["rows"] if r["指標コード"] == code and r["年度"] == year]
    return row


@pytest.fixture
def birth_rate_h28(nemuro) -> Achievement:
    """The published H28 result of G1-1 (合計特殊出生率)."""
    achievement = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2016
    )
    assert achievement.fiscal_year.published_at is not None
    return achievement


def test_a_formula_in_a_published_note_is_neutralised_in_the_csv_and_exact_in_the_json(
    client, nemuro, birth_rate_h28
):
    Achievement.objects.filter(pk=birth_rate_h28.pk).update(note=FORMULA)
    assert csv_row_of(client, nemuro, "G1-1", 2016)["注記"] == "'" + FORMULA
    assert json_row_of(client, nemuro, "G1-1", 2016)["注記"] == FORMULA


@pytest.mark.parametrize(
    "note", ["+1+1", "-1+cmd", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1", "-", "+", "@"]
)
def test_every_text_a_spreadsheet_would_run_gets_an_apostrophe(
    client, nemuro, birth_rate_h28, note
):
    Achievement.objects.filter(pk=birth_rate_h28.pk).update(note=note)
    assert csv_row_of(client, nemuro, "G1-1", 2016)["注記"] == "'" + note
    assert json_row_of(client, nemuro, "G1-1", 2016)["注記"] == note


def test_ordinary_texts_and_texts_that_are_numbers_are_left_alone(client, nemuro, birth_rate_h28):
    Achievement.objects.filter(pk=birth_rate_h28.pk).update(note="-1.5", text="H25 = 数値")
    row = csv_row_of(client, nemuro, "G1-1", 2016)
    assert (row["注記"], row["表記"]) == ("-1.5", "H25 = 数値")


def test_only_text_columns_are_neutralised_and_negative_numbers_stay_numbers():
    """The database holds no negative amounts today (check constraints), so the number columns
    are tried with one directly: "-5" in a number column is a number, not a formula."""
    texts = {f.name for f in opendata.FIELDS if f.type == opendata.FieldType.STRING}
    row = csv_row(["-5" if f.name not in texts else "=x" for f in opendata.FIELDS])
    for field, cell in zip(opendata.FIELDS, row, strict=True):
        assert cell == ("'=x" if field.name in texts else "-5"), field.name


def test_the_field_definitions_on_the_page_say_so(client, nemuro):
    response = client.get(reverse("kpi:opendata", kwargs={"slug": nemuro.slug}))
    html = response.content.decode()
    assert 'id="formula-cells"' in html
    assert "先頭にアポストロフィ（'）を付けています" in html
    assert "JSONでは、すべての値を登録されたとおりに収録しています" in html
    assert '<a href="#formula-cells">項目の定義</a>' in html
