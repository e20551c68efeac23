"""A4 sheets: the indicator page and the goal page printed as tagged PDFs from their own
templates (chart, table, progress, target history; 数値目標, verdicts, measures), published years
only, linked from the pages, cached under the strategy's data version."""

import io
from decimal import Decimal

import pikepdf
import pytest
from django.urls import reverse

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.verification.pdf_reading import read_tagged, squeeze
from verification.report import pdf as report_pdf

SLUG = "nemuro-sousei-2015"


def indicator_sheet(code: str = "G1-1") -> str:
    return reverse("verification:indicator_sheet", kwargs={"slug": SLUG, "code": code})


def goal_sheet(number: int = 1) -> str:
    return reverse("strategy:goal_sheet", kwargs={"slug": SLUG, "number": number})


def images(content: bytes) -> int:
    """How many distinct images the PDF draws (pages may share one resource dictionary)."""
    pdf = pikepdf.open(io.BytesIO(content))
    return len(
        {
            xobject.objgen
            for page in pdf.pages
            for xobject in page.Resources.get("/XObject", {}).values()
            if xobject.get("/Subtype") == "/Image"
        }
    )


def fonts(content: bytes) -> set[str]:
    pdf = pikepdf.open(io.BytesIO(content))
    return {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}


def get_pdf(client, address: str) -> bytes:
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_indicator_sheet_prints_the_page_with_published_years_only(
    client, as_user, panel_member, nemuro
):
    g1 = Indicator.objects.get(strategy=nemuro, code="G1-1")
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    Achievement.objects.create(indicator=g1, fiscal_year=h29, value=Decimal("1.61"))
    page = client.get(reverse("kpi:indicator", kwargs={"slug": SLUG, "code": "G1-1"}))
    assert indicator_sheet() in page.content.decode()  # the page links to its sheet

    content = get_pdf(as_user(panel_member), indicator_sheet())  # staff get the public sheet
    pdf = pikepdf.open(io.BytesIO(content))
    assert str(pdf.Root.Lang) == "ja" and pdf.Root.MarkInfo.Marked is True
    assert str(pdf.docinfo.Title).startswith("合計特殊出生率")
    assert len(pdf.pages) <= 3
    assert images(content) == 1  # the chart
    assert fonts(content) and all("IPAexGothic" in name for name in fonts(content))
    tagged = read_tagged(content)
    text = squeeze(tagged.text)
    assert tagged.headings()[0][1] == "合計特殊出生率"
    for phrase in (
        "目標",
        "推移",
        "達成度",
        "目標の改訂履歴",
        "1.37",
        "1.53",
        "(0.16↑)",
        "H25 数値",
    ):
        assert squeeze(phrase) in text, phrase
    assert "1.61" not in text and "未公表" in text  # H29 is not published
    assert "印刷用PDF" not in text  # the link to the sheet is not printed


def test_the_goal_sheet_prints_its_targets_verdicts_and_measures(client, nemuro):
    page = client.get(reverse("strategy:goal", kwargs={"slug": SLUG, "number": 1}))
    assert goal_sheet() in page.content.decode()
    content = get_pdf(client, goal_sheet())
    assert images(content) == 4  # one chart per 数値目標
    tagged = read_tagged(content)
    text = squeeze(tagged.text)
    assert tagged.headings()[0][1].startswith("基本目標-1")
    for phrase in (
        "数値目標と達成状況",
        "合計特殊出生率",
        "有識者会議における検証結果",
        "B 概ね順調に進んでいる",
        "保育料無料化などの対象拡大に向けた取り組みの必要性",
        "①出会い、結婚、妊娠、出産、育児に関する機会や相談、支援体制の強化",
    ):
        assert squeeze(phrase) in text, phrase
    assert "印刷用PDF" not in text


@pytest.mark.parametrize(
    "address",
    [
        reverse("verification:indicator_sheet", kwargs={"slug": SLUG, "code": "NO-SUCH"}),
        reverse("strategy:goal_sheet", kwargs={"slug": SLUG, "number": 9}),
        reverse("verification:indicator_sheet", kwargs={"slug": "no-such", "code": "G1-1"}),
    ],
)
def test_an_unknown_indicator_or_goal_has_no_sheet(client, nemuro, address, monkeypatch):
    monkeypatch.setattr(report_pdf, "html_to_pdf", lambda *args, **kwargs: b"%PDF-1.7")
    assert client.get(address).status_code == 404


def test_a_sheet_is_printed_once_until_the_data_changes(
    client, nemuro, monkeypatch, django_assert_num_queries
):
    calls = []
    monkeypatch.setattr(
        report_pdf, "html_to_pdf", lambda html, **kwargs: calls.append(html) or b"%PDF-1.7"
    )
    get_pdf(client, indicator_sheet())
    get_pdf(client, goal_sheet())
    with django_assert_num_queries(1):  # the strategy
        get_pdf(client, indicator_sheet())
    with django_assert_num_queries(1):
        get_pdf(client, goal_sheet())
    assert len(calls) == 2
    Achievement.objects.filter(indicator__strategy=nemuro).update(note="訂正")
    get_pdf(client, indicator_sheet())
    assert len(calls) == 3
