"""The 効果検証調書 regenerated from the database: the H28 report prints everything the seed report
(000) prints, in the structure in force that year; 資料-1 carries the same content (the PDF, printed
from this page: test_report_pdf.py); an unpublished year is a preview for staff and panel members
only; the page runs a fixed number of queries.

The expected texts are read from the seed report itself (fixtures/sources/000_*.txt), not from the
fixtures, so the test checks the whole chain seed → YAML → database → report."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.factory import grow_strategy
from tests.verification.seed_report import (
    page_text,
    seed_internal_verdicts,
    seed_panel_verdicts,
    seed_project_entries,
    seed_yearly_cells,
    squeeze,
)
from verification.report import PREVIEW_MARK

SLUG = "nemuro-sousei-2015"
H27, H28, H29 = 2015, 2016, 2017


# -- helpers -----------------------------------------------------------------------------------------


def url(name: str, year: int | None = None, slug: str = SLUG) -> str:
    kwargs = {"slug": slug} if year is None else {"slug": slug, "year": year}
    return reverse(f"verification:{name}", kwargs=kwargs)


def get_ok(client, address: str):
    response = client.get(address)
    assert response.status_code == 200, address
    return response


@pytest.fixture
def h28_text(client, nemuro) -> str:
    return page_text(get_ok(client, url("report", H28)).content)


def test_the_seed_parsers_find_everything_the_seed_report_prints(report_text):
    assert len(seed_yearly_cells(report_text)) == 50
    assert len(seed_internal_verdicts(report_text)) == 18
    panel = seed_panel_verdicts(report_text)
    assert len(panel) == 2 and sum(len(opinions) for *_, opinions in panel) == 10
    entries = seed_project_entries(report_text)
    assert len(entries) == 47
    assert sum(len(entry["lines"]) for entry in entries) == 66
    assert [e["number"] for e in entries][-3:] == ["92", "1", "2"]


# -- the H28 report as a page ------------------------------------------------------------------------


# 3ア②-1 has no unit in the seed's cells (「0 (→)」); the system prints its unit, and computes no
# arrow for H27 because the 策定時 is 「—」 (nothing to compare with).
PRINTED_DIFFERENTLY = {("0 (→)", 0): "0団体・地区", ("0 (→)", 1): "0団体・地区 (→)"}


def test_the_h28_report_prints_every_yearly_value_as_the_seed_does(h28_text, report_text):
    seen = {}
    for cell in seed_yearly_cells(report_text):
        occurrence = seen[cell] = seen.get(cell, -1) + 1
        expected = PRINTED_DIFFERENTLY.get((cell, occurrence), cell)
        assert squeeze(expected) in h28_text, cell
    for text in ("1.53", "33.1億円", "累計46.0億円", "集計中", "ゼロ名維持 (地域課題あり)"):
        assert squeeze(text) in h28_text


def test_the_h28_report_prints_every_internal_verdict_with_its_text(h28_text, report_text):
    for year, grade, label, note, text in seed_internal_verdicts(report_text):
        assert squeeze(f"{year} {grade} {label} {note} {text}") in h28_text, (year, text[:30])


def test_the_h28_report_prints_both_panel_verdicts_and_leaves_h28_empty(h28_text, report_text):
    for year, grade, supplementary, opinions in seed_panel_verdicts(report_text):
        row = f"{year} {grade} ◀付帯意見▶ {supplementary} {' '.join(opinions)}"
        assert squeeze(row) in h28_text
    # the H28 row is empty in the seed and stays empty: straight on to the next section
    assert h28_text.count(squeeze("H28 《 具体的な施策と重要業績評価指標（KPI）の達成状況 》")) == 3


def test_the_h28_report_prints_every_project_entry_and_its_output(h28_text, report_text):
    for entry in seed_project_entries(report_text):
        heading = f"{entry['number']} {entry['title']} {entry['note']}"
        assert squeeze(heading) in h28_text, heading
        assert squeeze(f"〈目的〉{entry['purpose']}〈内容〉{entry['content']}") in h28_text, heading
        assert squeeze("〈事業量〉" + "".join(entry["lines"])) in h28_text, heading
    assert h28_text.count(squeeze("事業名/概要/事業量（2カ年分）など")) >= 9


def test_the_h28_report_has_the_verification_criteria_and_the_first_chapter(h28_text, report_text):
    criteria = report_text[report_text.index("検証結果の区分\t考え方") :].splitlines()[1:5]
    for line in criteria:
        assert squeeze(line) in h28_text
    for text in (
        "効果検証調書（H28）",
        "第1章 総合戦略の効果検証に当たっての基本的な考え方",
        "「根室市創生総合戦略」を平成27年10月に策定したところである",
        "戦略理念として「子どもたちに誇れる まち・ひと・しごと」を掲げ",
        "「子育て支援」、「雇用対策」、「人材育成」の3つの取組み",
        "根室市人口問題・少子化対策推進本部においては、具体的な事業の実施状況を踏まえながら",
        "根室市創生有識者会議においては、3つの基本目標を達成するため",
        "毎年度市民意識調査を実施する。",
    ):
        assert squeeze(text) in h28_text, text


def test_the_h28_report_has_the_population_targets_with_the_decline_to_avert(h28_text, report_text):
    for total in ("26,043", "24,790", "15,262"):
        assert squeeze(f"における総人口{total}人の確保") in h28_text
    rows = re.findall(r"^(社人研推計|根室市推計|減少抑制目標人数)\t(.+)$", report_text, re.M)
    assert len(rows) == 9
    for label, values in rows:
        assert squeeze(label + values) in h28_text, (label, values)
    for text in ("[653人減少抑制]", "[1,299人減少抑制]", "[3,708人減少抑制]", "▲17,644", "3,708"):
        assert squeeze(text) in h28_text


def test_the_h28_report_has_the_structure_of_2015(h28_text):
    assert squeeze("②地方創生の計画的な推進と財政運営") in h28_text
    for name in (
        "・民間企業等からの職員受入人数 ⇒ 5年で2名",
        "・ふるさと納税制度を活用した寄附受納額 ⇒ 5年で総額10億円増加",
        "・ふるさと寄附受納額のうち、総合戦略に掲げた事業の推進に活用した寄附金額 ⇒ 5年で総額10億円",
    ):
        assert squeeze(name) in h28_text
    assert squeeze("官民協働による地方創生の推進") not in h28_text
    assert squeeze("5年で総額100億円増加") not in h28_text
    assert "（ウ）" not in h28_text  # 3(ウ) came with the 2017 revision
    assert squeeze("家庭と仕事の両立を図り子育てに取り組む環境づくりの推進") in h28_text


def test_the_report_page_prints_on_a4_with_page_breaks(client, nemuro):
    response = get_ok(client, url("report", H28))
    assert "css/report.css" in response.content.decode()
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/report.css"), encoding="utf-8").read()
    assert "size: A4" in css and "break-before: page" in css and "break-inside: avoid" in css


def test_a_report_shows_no_year_after_its_own(client, nemuro):
    text = page_text(get_ok(client, url("report", H27)).content)
    assert squeeze("12.9億円 (累計12.9億円)") in text
    assert squeeze("33.1億円") not in text and "集計中" not in text
    assert squeeze("具体的な事業を進めているが") in text  # H27 verdict
    assert squeeze("子育てサークル活動に停滞感が見られる") not in text  # H28 verdict


# -- who may see which year ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report", "report_pdf", "shiryo1"])
def test_citizens_get_404_for_an_unpublished_year_and_an_unknown_one(client, nemuro, name):
    assert client.get(url(name, H29)).status_code == 404
    assert client.get(url(name, 2030)).status_code == 404
    assert client.get(url(name, H28, slug="no-such-strategy")).status_code == 404


def test_a_user_without_the_permission_cannot_preview(client, nemuro):
    user = get_user_model().objects.create_user("someone", password="x-correct-horse-9")
    client.force_login(user)
    assert client.get(url("report", H29)).status_code == 404


@pytest.mark.parametrize("actor", ["panel_member", "secretariat", "department"])
def test_staff_and_panel_members_can_preview_an_unpublished_year(request, as_user, nemuro, actor):
    client = as_user(request.getfixturevalue(actor))
    text = page_text(get_ok(client, url("report", H29)).content)
    assert squeeze(PREVIEW_MARK) in text
    assert get_ok(client, url("shiryo1", H29)).status_code == 200


def test_a_published_year_is_no_preview_even_for_staff(as_user, secretariat, nemuro):
    text = page_text(get_ok(as_user(secretariat), url("report", H28)).content)
    assert squeeze(PREVIEW_MARK) not in text


def test_the_h29_preview_has_the_structure_of_the_2017_revision(as_user, panel_member, nemuro):
    text = page_text(get_ok(as_user(panel_member), url("report", H29)).content)
    assert squeeze("（ウ）地方創生の計画的な推進") in text
    assert squeeze("②官民協働による地方創生の推進") in text
    assert squeeze("5年で総額100億円増加") in text
    # the moved KPI keeps the results of the node it replaced
    assert squeeze("33.1億円 (累計46.0億円)") in text


def test_a_published_report_leaves_out_results_of_years_not_published(
    client, as_user, panel_member, nemuro
):
    g1 = Indicator.objects.get(strategy=nemuro, code="G1-1")
    h29 = FiscalYear.objects.get(strategy=nemuro, year=H29)
    Achievement.objects.create(indicator=g1, fiscal_year=h29, value=Decimal("1.61"))
    assert "1.61(" not in page_text(get_ok(client, url("report", H28)).content)
    preview = page_text(get_ok(as_user(panel_member), url("report", H29)).content)
    assert squeeze("1.61 (0.08↑)") in preview


def test_the_index_lists_published_years_for_citizens_and_all_years_for_staff(
    client, as_user, panel_member, nemuro
):
    text = page_text(get_ok(client, url("report_index")).content)
    assert squeeze("効果検証調書（H28）【案】") in text
    assert "平成27年度" in text and "平成28年度" in text and "平成29年度" not in text
    assert squeeze(PREVIEW_MARK) not in text
    text = page_text(get_ok(as_user(panel_member), url("report_index")).content)
    assert "平成29年度" in text and "平成31年度" in text
    assert text.count(squeeze(PREVIEW_MARK)) >= 3


def test_publishing_a_year_makes_its_report_public(client, nemuro):
    FiscalYear.objects.filter(strategy=nemuro, year=H29).update(published_at=timezone.now())
    text = page_text(get_ok(client, url("report", H29)).content)
    assert squeeze(PREVIEW_MARK) not in text and "効果検証調書（H29）" in text


def test_any_strategy_gets_its_own_report(client, nemuro):
    from tests.factory import make_strategy, make_tree

    other = make_strategy()
    indicator = make_tree(other)
    first = FiscalYear.objects.get(strategy=other, year=2020)
    first.published_at = timezone.now()
    first.save()
    Achievement.objects.create(
        indicator=indicator, fiscal_year=first, value=Decimal("12"), cumulative=Decimal("12")
    )
    text = page_text(get_ok(client, url("report", 2020, slug=other.slug)).content)
    for phrase in (
        "効果検証調書（R2）",
        "「第2期札幌市まち・ひと・しごと創生総合戦略」を令和2年3月に策定したところである",
        "札幌市創生有識者会議においては、1つの基本目標を達成するため",
        "・相談件数 ⇒ 5年で100件",
        "12件 (累計12件)",
        "人口の将来展望は登録されていません。",
    ):
        assert squeeze(phrase) in text, phrase
    assert "根室" not in text
    assert client.get(url("report", 2021, slug=other.slug)).status_code == 404
    assert get_ok(client, url("report_pdf", 2020, slug=other.slug)).content.startswith(b"%PDF")


# -- 資料-1 ----------------------------------------------------------------------------------------------


def shiryo1(client, year: int = H28):
    from openpyxl import load_workbook

    response = get_ok(client, url("shiryo1", year))
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def data_rows(sheet) -> list[tuple]:
    from verification.report.xlsx import HEADER_ROW

    return [row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(row)]


def header(sheet) -> list:
    from verification.report.xlsx import HEADER_ROW

    return [cell.value for cell in sheet[HEADER_ROW]]


def test_shiryo1_lists_every_goal_indicator_and_listing_in_force_that_year(client, nemuro):
    workbook = shiryo1(client)
    assert workbook.sheetnames == ["基本目標", "数値目標・KPI", "事業"]
    goals = data_rows(workbook["基本目標"])
    assert [row[0] for row in goals] == [1, 2, 3] and goals[0][3] == "B 概ね順調に進んでいる"
    indicators = workbook["数値目標・KPI"]
    columns = header(indicators)
    rows = {row[columns.index("コード")]: row for row in data_rows(indicators)}
    assert len(rows) == 49  # 10 数値目標 + 39 KPIs of the 2015 structure (not the 3ウ① KPIs)
    assert "3イ②-2" in rows and "3ウ①-1" not in rows
    g1 = rows["G1-1"]
    assert g1[columns.index("H27")] == pytest.approx(1.53)
    assert g1[columns.index("H28")] == pytest.approx(1.53)
    assert g1[columns.index("H29")] is None
    assert rows["1ア②-2"][columns.index("H28")] == "集計中"
    assert rows["3イ②-2"][columns.index("累計（H28まで）")] == pytest.approx(46.0)
    listings = workbook["事業"]
    columns = header(listings)
    rows = data_rows(listings)
    assert len(rows) == 94  # the 2015 listings (the 2018 draft has 126, 127 rows with retired)
    furusato = [row for row in rows if row[columns.index("事業名")] == "ふるさと納税推進事業"]
    assert len(furusato) == 1 and furusato[0][columns.index("コード")] == "3イ②"
    assert "延べ222,345件" in furusato[0][columns.index("事業量（2カ年分）")]
    with_outputs = [row for row in rows if row[columns.index("事業量（2カ年分）")]]
    # 47 entries on 43 listings (9–10, 25–26 and 83–85 are one project each); 87, 88 report none
    assert len(with_outputs) == 41


def test_shiryo1_of_a_preview_has_the_2017_structure_and_says_so(as_user, panel_member, nemuro):
    workbook = shiryo1(as_user(panel_member), H29)
    sheet = workbook["数値目標・KPI"]
    codes = {row[header(sheet).index("コード")] for row in data_rows(sheet)}
    assert len(codes) == 51 and "3ウ①-1" in codes and "3イ②-2" not in codes
    assert PREVIEW_MARK in [cell.value for cell in sheet[2]]
    assert len(data_rows(workbook["事業"])) == 110


# -- queries -------------------------------------------------------------------------------------------

# strategy, fiscal year, revision in force, first revision, report row, 検証基準, population,
# goals, directions, policies, measures, indicators, amendments (as_of), fiscal years, results,
# project outputs, their lines, internal verdicts, panel verdicts, their opinions
REPORT_QUERIES = 20


@pytest.mark.usefixtures("warm_caches")
def test_the_report_runs_a_fixed_number_of_queries(client, nemuro, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES):
        get_ok(client, url("report", H28))
    with django_assert_num_queries(REPORT_QUERIES):
        get_ok(client, url("report_pdf", H28))
    with django_assert_num_queries(REPORT_QUERIES + 2):  # + listings in force, their wording
        get_ok(client, url("shiryo1", H28))
    grow_strategy(nemuro, 25)
    with django_assert_num_queries(REPORT_QUERIES):
        get_ok(client, url("report", H28))
    with django_assert_num_queries(REPORT_QUERIES):
        get_ok(client, url("report_pdf", H28))
    with django_assert_num_queries(REPORT_QUERIES + 2):
        get_ok(client, url("shiryo1", H28))


@pytest.mark.usefixtures("warm_caches")
def test_a_preview_runs_a_fixed_number_of_queries(
    as_user, panel_member, nemuro, django_assert_num_queries
):
    client = as_user(panel_member)
    get_ok(client, url("report", H28))  # the session is read once before counting
    # + session, user, its memberships (may this member preview this strategy's years: their
    # role there); − the 事業量 lines: no H29 outputs, nothing to prefetch
    preview_queries = REPORT_QUERIES + 3 - 1
    with django_assert_num_queries(preview_queries):
        get_ok(client, url("report", H29))
    grow_strategy(nemuro, 25)  # with H29 draft values, which the preview shows
    with django_assert_num_queries(preview_queries):
        get_ok(client, url("report", H29))


@pytest.mark.usefixtures("warm_caches")
def test_the_index_runs_two_queries(client, nemuro, django_assert_num_queries):
    # strategy, fiscal years with their report row, the latest publication (header's 最終更新日)
    with django_assert_num_queries(3):
        get_ok(client, url("report_index"))
