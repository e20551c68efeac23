"""The PDF of the 効果検証調書, printed by WeasyPrint from the report's own HTML template: tagged for
screen readers (structure tree, language, title), IPAexGothic embedded, the page's text in the
page's order, a table of contents with page numbers and bookmarks that lead to every chapter, goal
and measure; cached under the strategy's data version, previews apart from public copies.

The H28 PDF is printed once for the module (printing takes seconds); tests about the cache replace
the printer by a stand-in that records its calls."""

import ast
import io
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTTextLine

from kpi.models import Achievement
from strategy.models import FiscalYear
from tests.verification.pdf_reading import (
    html_headings,
    html_text,
    in_order,
    read_tagged,
    squeeze,
)
from tests.verification.seed_report import (
    seed_internal_verdicts,
    seed_panel_verdicts,
    seed_project_entries,
    seed_yearly_cells,
)
from verification.report import PREVIEW_MARK
from verification.report import pdf as report_pdf
from verification.services import fiscal_year_publish

SLUG = "nemuro-sousei-2015"
H28, H29 = 2016, 2017
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db  # so the test database exists for the module's fixture too


def url(name: str, year: int, slug: str = SLUG) -> str:
    return reverse(f"verification:{name}", kwargs={"slug": slug, "year": year})


def get_ok(client, address: str):
    response = client.get(address)
    assert response.status_code == 200, address
    return response


@pytest.fixture(scope="module")
def h28(django_db_setup, django_db_blocker):
    """The H28 report as the public gets it: the page, the PDF, and the PDF as read by a screen
    reader (its structure tree)."""
    with django_db_blocker.unblock():
        cache.clear()
        client = Client()
        page = get_ok(client, url("report", H28)).content.decode()
        content = get_ok(client, url("report_pdf", H28)).content
        cache.clear()
    return SimpleNamespace(page=page, pdf=content, tagged=read_tagged(content))


@pytest.fixture
def printer(monkeypatch):
    """Replace WeasyPrint by a stand-in: every print is recorded and returns a small PDF that says
    whether it was a preview."""
    calls = []

    def fake(html, *, origin, stylesheets=()):
        calls.append(html)
        return b"%PDF-1.7 preview" if PREVIEW_MARK in html else b"%PDF-1.7 public"

    monkeypatch.setattr(report_pdf, "html_to_pdf", fake)
    return calls


# -- a tagged, Japanese document ---------------------------------------------------------------------


def test_the_pdf_is_a_tagged_japanese_document_with_its_title(h28):
    pdf = pikepdf.open(io.BytesIO(h28.pdf))
    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "ja"
    assert str(pdf.docinfo.Title).startswith("効果検証調書（H28）【案】")
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True  # the title, not the file name
    assert "pdfuaid" in bytes(pdf.Root.Metadata.read_bytes()).decode()  # claims PDF/UA-1
    kinds = {element.kind for element in h28.tagged.walk()}
    assert {"/H1", "/H2", "/H3", "/Table", "/THead", "/TH", "/TD", "/Caption", "/L", "/LI"} <= kinds


def test_every_font_is_embedded_ipaexgothic(h28):
    pdf = pikepdf.open(io.BytesIO(h28.pdf))
    fonts = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.BaseFont)] = embedded
    assert fonts and all(fonts.values()), fonts
    assert all("IPAexGothic" in name for name in fonts), fonts  # the header's too


def test_the_pdf_reads_like_the_page(h28):
    """The same text in the same order: the PDF's structure tree read as a screen reader reads
    it, and the page as printed, compared without whitespace (the table of contents' page
    numbers, which only the PDF has, set aside)."""
    pdf_text = re.sub(r"\.{2,}\d+", "", squeeze(h28.tagged.text))
    assert pdf_text == squeeze(html_text(h28.page))
    assert len(pdf_text) > 20_000


def test_the_headings_of_the_pdf_are_those_of_the_page_in_order(h28):
    headings = [(level, squeeze(text)) for level, text, _page in h28.tagged.headings()]
    assert headings == html_headings(h28.page)
    assert headings[0] == ("/H1", squeeze("効果検証調書（H28）【案】"))
    assert [text for level, text in headings if level == "/H2"] == [
        "目次",
        squeeze("第1章 総合戦略の効果検証に当たっての基本的な考え方"),
        squeeze("第2章 人口の将来展望を踏まえた戦略目標"),
        squeeze("第3章 数値目標等の達成状況と検証結果"),
    ]


def starting_pages(h28) -> dict[str, int]:
    """Heading text → the page (1-based) it is printed on."""
    return {squeeze(text): page + 1 for _level, text, page in h28.tagged.headings()}


def test_the_table_of_contents_gives_the_page_each_chapter_and_goal_starts_on(h28):
    text = squeeze(h28.tagged.text)
    start = text.index("目次")
    toc = text[start : text.index(squeeze("第1章 総合戦略の効果検証に当たっての基本"), start + 30)]
    entries = re.findall(r"(.+?)\.{2,}(\d+)", toc.removeprefix("目次"))
    assert [title[:3] for title, _page in entries] == [
        "第1章",
        "第2章",
        "第3章",
        "【基本",
        "【基本",
        "【基本",
    ]
    pages = starting_pages(h28)
    chapter_pages = [int(page) for _title, page in entries]
    assert chapter_pages == sorted(chapter_pages) and chapter_pages[0] >= 3
    for title, page in entries:
        heading = title.replace("【", "").replace("】", "")
        assert pages[heading] == int(page), title
    assert squeeze("資料－1 「根室市創生総合戦略（基本目標・KPI・事業）実績一覧」（Excel）") in toc


def test_the_bookmarks_lead_to_every_chapter_goal_and_measure(h28):
    pdf = pikepdf.open(io.BytesIO(h28.pdf))
    page_of = {page.objgen: index + 1 for index, page in enumerate(pdf.pages)}
    marks = []

    def walk(items, depth):
        for item in items:
            destination = item.destination
            target = destination[0] if isinstance(destination, pikepdf.Array) else None
            marks.append((depth, squeeze(item.title), page_of.get(target.objgen)))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    headings = html_headings(h28.page)
    expected = [text for level, text in headings if level == "/H2"]
    assert [title for depth, title, _ in marks if depth == 1] == expected
    goals = [title for depth, title, _ in marks if depth == 2 and title.startswith("基本目標")]
    assert len(goals) == 3
    measures = [title for depth, title, _ in marks if depth == 3]
    assert measures == [text for level, text in headings if level == "/H6"]
    assert len(measures) == 16  # the measures of the 2015 structure
    pages = starting_pages(h28)
    for _depth, title, page in marks:
        assert page == pages[title], title


def test_the_pdf_has_a_running_header_and_page_numbers(h28):
    pdf = pikepdf.open(io.BytesIO(h28.pdf))
    pages = len(pdf.pages)
    assert pages >= 30
    first = squeeze(extract_text(io.BytesIO(h28.pdf), page_numbers=[0]))
    assert "/" + str(pages) not in first  # the cover has neither header nor number
    fifth = squeeze(extract_text(io.BytesIO(h28.pdf), page_numbers=[4]))
    assert "根室市創生総合戦略" in fifth
    assert squeeze("平成28年度 効果検証調書（H28）【案】") in fifth
    assert f"5/{pages}" in fifth


# -- faithful to the seed ----------------------------------------------------------------------------

PRINTED_DIFFERENTLY = {("0 (→)", 0): "0団体・地区", ("0 (→)", 1): "0団体・地区 (→)"}


def test_the_pdf_prints_every_value_verdict_and_project_of_the_seed_in_document_order(
    h28, report_text
):
    text = squeeze(h28.tagged.text)
    cells, seen = [], {}
    for cell in seed_yearly_cells(report_text):
        occurrence = seen[cell] = seen.get(cell, -1) + 1
        cells.append(squeeze(PRINTED_DIFFERENTLY.get((cell, occurrence), cell)))
    assert len(cells) == 50 and in_order(text, cells) == []
    internal = [
        squeeze(f"{year} {grade} {label} {note} {verdict}")
        for year, grade, label, note, verdict in seed_internal_verdicts(report_text)
    ]
    assert len(internal) == 18 and in_order(text, internal) == []
    panel = [
        squeeze(f"{year} {grade} ◀付帯意見▶ {supplementary} {' '.join(opinions)}")
        for year, grade, supplementary, opinions in seed_panel_verdicts(report_text)
    ]
    assert len(panel) == 2 and in_order(text, panel) == []
    entries = []
    for entry in seed_project_entries(report_text):
        entries.append(squeeze(f"{entry['number']} {entry['title']} {entry['note']}"))
        entries.append(squeeze(f"〈目的〉{entry['purpose']}〈内容〉{entry['content']}"))
        entries.append(squeeze("〈事業量〉" + "".join(entry["lines"])))
    assert len(entries) == 3 * 47 and in_order(text, entries) == []
    criteria = report_text[report_text.index("検証結果の区分\t考え方") :].splitlines()[1:5]
    assert in_order(text, [squeeze(line) for line in criteria]) == []


def test_the_opinions_column_of_the_panel_table_keeps_its_width(h28):
    """The 意見等 column once collapsed to a character a line when a row moved to a new page."""
    opinion = "保育料無料化などの対象拡大に向けた取り組みの必要性"
    page = next(e.page for e in h28.tagged.walk() if e.kind == "/LI" and opinion in e.text)
    layout = next(extract_pages(io.BytesIO(h28.pdf), page_numbers=[page]))

    def lines(box):
        for item in getattr(box, "_objs", []):
            if isinstance(item, LTTextLine):
                yield item.get_text().strip()
            else:
                yield from lines(item)

    opinion_lines = [line for line in lines(layout) if "保育料" in line]
    assert opinion_lines and len(opinion_lines[0]) >= 12, opinion_lines


# -- who gets which copy ------------------------------------------------------------------------------


def test_a_panel_member_can_preview_the_pdf_of_an_unpublished_year(as_user, panel_member, nemuro):
    response = get_ok(as_user(panel_member), url("report_pdf", H29))
    assert response["Cache-Control"] == "private"
    tagged = read_tagged(response.content)
    first_page = squeeze("".join(e.text for e in tagged.walk() if e.kind == "/H1"))
    assert squeeze("効果検証調書（H29）") in first_page
    assert squeeze(PREVIEW_MARK) in squeeze(tagged.text)[:2000]  # on the cover
    assert squeeze("（ウ）地方創生の計画的な推進") in squeeze(tagged.text)  # the 2017 structure


def test_a_regenerated_h29_report_prints_once_h29_is_published(client, secretariat, nemuro):
    assert client.get(url("report_pdf", H29)).status_code == 404
    fiscal_year_publish(
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=H29),
        user=secretariat,
        confirmed=True,
        reason="検証の途中だが印刷を確かめるため",
    )
    response = get_ok(client, url("report_pdf", H29))
    tagged = read_tagged(response.content)
    text = squeeze(tagged.text)
    assert tagged.headings()[0][1].startswith("効果検証調書（H29）")
    assert squeeze(PREVIEW_MARK) not in text
    assert squeeze("②官民協働による地方創生の推進") in text
    assert squeeze("5年で総額100億円増加") in text
    assert squeeze("33.1億円 (累計46.0億円)") in text  # the moved KPI keeps its history


def test_a_repeat_download_is_served_from_the_cache(
    client, nemuro, printer, django_assert_num_queries
):
    first = get_ok(client, url("report_pdf", H28)).content
    with django_assert_num_queries(2):  # the strategy, the fiscal year (who may see it)
        again = get_ok(client, url("report_pdf", H28))
    assert again.content == first and len(printer) == 1
    assert again["Content-Type"] == "application/pdf"
    assert again["Content-Disposition"] == 'inline; filename="report-2016.pdf"'


def test_a_write_to_the_strategy_makes_the_next_download_fresh(client, nemuro, printer):
    get_ok(client, url("report_pdf", H28))
    achievement = Achievement.objects.filter(indicator__strategy=nemuro).first()
    achievement.note = "訂正"
    achievement.save()
    get_ok(client, url("report_pdf", H28))
    assert len(printer) == 2


def test_a_preview_is_stored_apart_and_never_served_to_the_public(
    client, as_user, panel_member, nemuro, printer
):
    staff = as_user(panel_member)
    assert get_ok(staff, url("report_pdf", H29)).content == b"%PDF-1.7 preview"
    staff.logout()
    assert client.get(url("report_pdf", H29)).status_code == 404
    FiscalYear.objects.filter(strategy=nemuro, year=H29).update(published_at="2018-01-01T00:00Z")
    assert get_ok(client, url("report_pdf", H29)).content == b"%PDF-1.7 public"
    assert len(printer) == 2


def test_a_failing_cache_still_serves_the_pdf(client, nemuro, printer, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(report_pdf.cache, "get", broken)
    monkeypatch.setattr(report_pdf.cache, "set", broken)
    with caplog.at_level(logging.WARNING, logger="verification.report.pdf"):
        response = get_ok(client, url("report_pdf", H28))
    assert response.content == b"%PDF-1.7 public"
    assert "PDF cache unreadable" in caplog.text and "PDF cache unwritable" in caplog.text


# -- printing fetches nothing from elsewhere ---------------------------------------------------------


def test_printing_loads_only_this_sites_files():
    fetcher = report_pdf.SiteFetcher("http://testserver")
    assert fetcher.fetch("http://testserver/static/css/report.css").read().startswith(b"/*")
    assert fetcher.fetch(report_pdf.FONT_URL).read()[:4] in (b"\x00\x01\x00\x00", b"true")
    for address in (
        "http://example.com/static/css/report.css",
        "file:///etc/passwd",
        "http://testserver/no-such-page/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(address)


def test_no_module_imports_reportlab():
    """The report has one renderer: nothing in the project imports reportlab."""
    importing = []
    sources = [ROOT / "manage.py"]
    for package in ("strategy", "kpi", "verification", "nemuro_strategy", "scripts", "tests"):
        sources += (ROOT / package).rglob("*.py")
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "reportlab" for name in names):
                importing.append(str(path.relative_to(ROOT)))
    assert importing == []
    assert not (ROOT / "verification" / "report_pdf.py").exists()
