"""The Excel round trip of a year's results: download the entry sheet, fill it in, upload it, watch
it being checked in chunks, read the preview, confirm. Every rejected sheet leaves the results as
they were and says why, naming the row as Excel numbers it."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi import imports
from kpi.imports import resource, widgets
from kpi.models import Achievement, ImportJob, Indicator
from strategy.models import FiscalYear, Measure, Revision
from tests.factory import extra_indicator

H28, H29 = 2016, 2017
IN_FORCE_H28, IN_FORCE_H29 = 49, 51
WRONG_TYPE = "Excel（.xlsx）またはCSVファイルを選んでください。"
EMPTY_FILE = "ファイルが空です。入力用シートに実績を入力してから選んでください。"
NO_DATA_ROWS = (
    "データの行がありません。1行目の見出しの下（2行目から）に指標ごとの実績を入力してください。"
)
HEADER = ["指標コード", "指標名", "単位", "年度", "実績値", "累計", "状態", "注記"]


# --- helpers -----------------------------------------------------------------------------------


def staff_url(name, strategy, **kwargs):
    return reverse(f"staff:{name}", kwargs={"slug": strategy.slug, **kwargs})


def download(client, strategy, year) -> openpyxl.Workbook:
    response = client.get(staff_url("entry_sheet", strategy, year=year))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(sheet, code) -> int:
    """The Excel row number of an indicator in the sheet."""
    for cell in sheet["A"]:
        if cell.value == code:
            return cell.row
    raise AssertionError(code)


def upload(client, strategy, year, content: bytes, filename="entry.xlsx"):
    return client.post(
        staff_url("import_upload", strategy),
        {"fiscal_year": year, "file": SimpleUploadedFile(filename, content)},
    )


def results_snapshot():
    return list(
        Achievement.objects.order_by("pk").values_list(
            "pk", "indicator_id", "fiscal_year_id", "state", "value", "cumulative", "note", "text"
        )
    )


def latest_job() -> ImportJob:
    return ImportJob.objects.order_by("-pk").first()


@pytest.fixture
def staff(as_user, department):
    return as_user(department)


@pytest.fixture
def h29_sheet(staff, nemuro):
    return download(staff, nemuro, H29)


@pytest.fixture
def h28_sheet(staff, nemuro):
    """H28's sheet, prefilled, as it was before H28 was published (a published year is changed
    only by corrections: tests/kpi/test_corrections.py)."""
    FiscalYear.objects.filter(strategy=nemuro, year=H28).update(published_at=None)
    return download(staff, nemuro, H28)


# --- the entry sheet ---------------------------------------------------------------------------


def test_the_h29_sheet_has_one_row_per_indicator_in_force_with_japanese_columns(staff, nemuro):
    response = staff.get(staff_url("entry_sheet", nemuro, year=H29))
    assert response["Content-Type"] == imports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="012238_nemuro-sousei-2015_2017_entry.xlsx"'
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADER
    body = rows[1:]
    assert len(body) == IN_FORCE_H29
    codes = [row[0] for row in body]
    assert codes[:5] == [
        "G1-1",
        "G1-2",
        "G1-3",
        "G1-4",
        "1ア①-1",
    ]  # 数値目標 first, like the report
    assert "3ウ①-1" in codes and "3ウ①-4" in codes  # added by the 2017 revision
    assert "3イ②-2" not in codes  # moved to 3ウ①-1 by that revision
    assert {row[3] for row in body} == {"H29"}
    assert {row[4:] for row in body} == {(None, None, None, None)}  # nothing recorded for H29 yet
    first = body[codes.index("3ウ①-1")]
    assert first[1:3] == ("ふるさと納税制度を活用した寄附受納額", "億円")


def test_the_h28_sheet_is_prefilled_with_the_stored_results(h28_sheet):
    rows = {row[0]: row for row in list(h28_sheet.active.values)[1:]}
    assert len(rows) == IN_FORCE_H28
    assert rows["G1-1"][3:] == ("H28", 1.53, None, "実績あり", "H26 数値")
    assert rows["1ア①-1"][4:7] == (64, 100, "実績あり")
    assert rows["1ア②-2"][4:7] == (None, None, "集計中")
    assert rows["3イ②-2"][4:6] == (33.1, 46)
    assert h28_sheet.active["E2"].number_format == "#,##0.00"  # 合計特殊出生率: two decimals


def test_there_is_no_sheet_for_a_year_outside_the_period(staff, nemuro):
    for year in (2014, 2020, 2021):
        assert staff.get(staff_url("entry_sheet", nemuro, year=year)).status_code == 404


# --- the round trip ----------------------------------------------------------------------------


def test_an_edited_sheet_is_previewed_and_written_only_when_confirmed(
    staff, nemuro, department, h29_sheet
):
    sheet = h29_sheet.active
    sheet[f"E{row_of(sheet, 'G1-1')}"] = 1.49
    sheet[f"G{row_of(sheet, 'G1-1')}"] = "実績あり"
    r = row_of(sheet, "1ア①-1")
    sheet[f"E{r}"], sheet[f"F{r}"], sheet[f"G{r}"] = 36, 136, "実績あり"
    sheet[f"G{row_of(sheet, '1ア②-2')}"] = "集計中"
    r = row_of(sheet, "3ウ①-1")
    sheet[f"E{r}"], sheet[f"F{r}"], sheet[f"H{r}"] = "１２，３４５．６", None, "速報値"
    before = results_snapshot()

    response = upload(staff, nemuro, H29, as_bytes(h29_sheet))

    job = latest_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.processed_rows, job.total_rows) == ("previewed", 51, 51)
    assert results_snapshot() == before  # the preview is a dry run
    page = staff.get(job.get_absolute_url()).content.decode()
    assert "新規 4件・更新 0件・変更なし 47件・エラー 0件" in page
    assert "1.49" in page and "36人／累計136人" in page and "集計中" in page
    assert "12,345.6億円／注記「速報値」" in page
    assert 'value="apply"' in page and "確定" in page
    # 3ウ①-1 jumped against its predecessor's H28 value: applying needs the confirmation
    assert "前年度から大きく変わっている行（1行）" in page
    assert 'name="confirm_jumps"' in page
    staff.post(job.get_absolute_url(), {"action": "apply"})
    assert results_snapshot() == before

    response = staff.post(job.get_absolute_url(), {"action": "apply", "confirm_jumps": "on"})

    assert response.status_code == 302
    written = {
        a.indicator.code: a
        for a in Achievement.objects.filter(fiscal_year__year=H29).select_related("indicator")
    }
    assert set(written) == {"G1-1", "1ア①-1", "1ア②-2", "3ウ①-1"}
    assert (written["G1-1"].value, written["G1-1"].state) == (Decimal("1.49"), "recorded")
    assert (written["1ア①-1"].value, written["1ア①-1"].cumulative) == (36, 136)
    assert (written["1ア②-2"].state, written["1ア②-2"].value) == ("aggregating", None)
    assert (written["3ウ①-1"].value, written["3ウ①-1"].note) == (Decimal("12345.6"), "速報値")
    history = Achievement.history.filter(fiscal_year__year=H29)
    assert history.count() == 4
    assert {h.history_user for h in history} == {department}
    assert {h.history_type for h in history} == {"+"}
    job.refresh_from_db()
    assert job.status == "applied" and job.applied_by == department
    page = staff.get(job.get_absolute_url()).content.decode()
    assert "H29の実績に反映しました（新規4件・更新0件）。" in page
    assert 'value="apply"' not in page


def test_a_changed_value_is_an_update_showing_old_and_new(staff, nemuro, department, h28_sheet):
    sheet = h28_sheet.active
    sheet[f"E{row_of(sheet, 'G1-2')}"] = 11.2
    upload(staff, nemuro, H28, as_bytes(h28_sheet))
    job = latest_job()
    (changed,) = [row for row in job.preview if row["kind"] != "unchanged"]
    assert changed == {
        "row": 3,
        "code": "G1-2",
        "name": "年少人口割合",
        "kind": "update",
        "old": "11.0%／注記「住民基本台帳」",
        "new": "11.2%／注記「住民基本台帳」",
        "errors": [],
        "warnings": [],
    }
    page = staff.get(job.get_absolute_url()).content.decode()
    assert "11.0%" in page and "11.2%" in page and "更新" in page

    imports.import_apply(job=job, user=department)

    result = Achievement.objects.get(indicator__code="G1-2", fiscal_year__year=H28)
    assert result.value == Decimal("11.2") and result.note == "住民基本台帳"
    last = result.history.first()
    assert last.history_type == "~" and last.history_user == department
    assert last.history_change_reason == "Excelから取り込み（entry.xlsx）"


def test_the_sheet_as_downloaded_changes_nothing(staff, nemuro, department, h28_sheet):
    history_before = Achievement.history.count()
    before = results_snapshot()
    upload(staff, nemuro, H28, as_bytes(h28_sheet))
    job = latest_job()
    assert imports.preview_summary(job.preview) == {
        "new": 0,
        "update": 0,
        "unchanged": IN_FORCE_H28,
        "invalid": 0,
    }
    imports.import_apply(job=job, user=department)
    assert results_snapshot() == before and Achievement.history.count() == history_before


def test_changing_a_value_printed_as_text_drops_the_old_text(staff, nemuro, department, h28_sheet):
    stored = Achievement.objects.get(indicator__code="1ア③-1", fiscal_year__year=H28)
    assert stored.text == "ゼロ名維持 (地域課題あり)"
    sheet = h28_sheet.active
    sheet[f"E{row_of(sheet, '1ア③-1')}"] = 2
    upload(staff, nemuro, H28, as_bytes(h28_sheet))
    imports.import_apply(job=latest_job(), user=department)
    stored.refresh_from_db()
    assert (stored.value, stored.text, stored.note) == (2, "", "地域課題あり")


def test_a_csv_in_shift_jis_is_read_like_the_workbook(staff, nemuro):
    lines = [
        ",".join(HEADER),
        'G1-2,年少人口割合,%,H29,"10.8",,実績あり,住民基本台帳',
        '1ア①-1,独身者の出会いの場に参加した人数,人,H29,"1,234",,,',
    ]
    content = "\r\n".join(lines).encode("cp932")
    upload(staff, nemuro, H29, content, filename="h29.csv")
    job = latest_job()
    assert job.status == "previewed"
    assert [(row["code"], row["kind"], row["new"]) for row in job.preview] == [
        ("G1-2", "new", "10.8%／注記「住民基本台帳」"),
        ("1ア①-1", "new", "1,234人"),  # an empty 状態 with a number is 実績あり
    ]


# --- rejections: each says why, and nothing is written -----------------------------------------


def edit(sheet, **cells):
    for ref, value in cells.items():
        sheet[ref] = value


ROW_ERRORS = {
    "an unknown indicator code": (
        {"A5": "X9-9"},
        "行5: 指標コード「X9-9」はこの戦略にありません。",
    ),
    "a year outside the period in the 年度 column": (
        {"D2": "H33"},
        "行2: 年度「H33」は計画期間（H27〜H31）の外です。",
    ),
    "another year of the period in the 年度 column": (
        {"D4": "H28"},
        "行4: 年度「H28」はアップロードで選んだ年度（H29）と違います。"
        "1つのシートには1つの年度の実績を入力してください。",
    ),
    "text in a number cell": (
        {"E3": "約12"},
        "行3: 実績値「約12」は数値ではありません。",
    ),
    "text in the 累計 cell": (
        {"F6": "100人"},
        "行6: 累計「100人」は数値ではありません。",
    ),
    "the same indicator twice": (
        {"A5": "G1-2"},
        "行5: 指標コード「G1-2」が行3と重複しています。",
    ),
    "集計中 with a value": (
        {"E2": 1.6, "G2": "集計中"},
        "行2: 集計中・未集計の年度には数値を入力できません。",
    ),
    "a negative count": (
        {"E6": -3, "G6": "実績あり"},
        "行6: 実績値に負の値は入力できません。",
    ),
    "a negative count written with a Japanese minus": (
        {"E6": "△3"},
        "行6: 実績値に負の値は入力できません。",
    ),
    "実績あり without a value": (
        {"G2": "実績あり"},
        "行2: 実績ありの年度には実績値を入力してください。",
    ),
    "an unknown state": (
        {"G2": "済"},
        "行2: 状態「済」は 実績あり・集計中・未集計 のいずれかにしてください。",
    ),
    "an empty indicator code": (
        {"A7": None},
        "行7: 指標コードを入力してください。",
    ),
}


@pytest.mark.parametrize("case", list(ROW_ERRORS))
def test_a_sheet_with_an_invalid_row_is_rejected_whole(case, staff, nemuro, h29_sheet):
    cells, message = ROW_ERRORS[case]
    sheet = h29_sheet.active
    edit(sheet, E10=5, G10="実績あり")  # a valid change that must not be written either
    edit(sheet, **cells)
    before = results_snapshot()

    upload(staff, nemuro, H29, as_bytes(h29_sheet))

    job = latest_job()
    assert job.status == "failed" and job.errors == [message]
    page = staff.get(job.get_absolute_url()).content.decode()
    assert message in page
    assert "<caption>エラーのある行" in page and 'value="apply"' not in page
    response = staff.post(job.get_absolute_url(), {"action": "apply"}, follow=True)
    assert "この取り込みは確定できません" in response.content.decode()
    assert results_snapshot() == before


def test_an_indicator_not_in_force_that_year_points_to_its_successor(staff, nemuro, h29_sheet):
    sheet = h29_sheet.active
    r = row_of(sheet, "3ウ①-1")
    edit(sheet, **{f"A{r}": "3イ②-2", f"E{r}": 50, f"G{r}": "実績あり"})
    before = results_snapshot()
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    assert latest_job().errors == [
        f"行{r}: 指標コード「3イ②-2」は改訂（2017-11-22）で廃止された指標で、"
        "平成29年度には使われていません。この年度は後継の指標コード「3ウ①-1」で入力してください。"
    ]
    assert results_snapshot() == before


def test_an_indicator_added_later_is_not_in_force_earlier(staff, nemuro, h28_sheet):
    sheet = h28_sheet.active
    edit(sheet, A2="3ウ①-3", E2=1, G2="実績あり")
    upload(staff, nemuro, H28, as_bytes(h28_sheet))
    assert latest_job().errors == [
        "行2: 指標コード「3ウ①-3」は改訂（2017-11-22）で追加された指標で、平成28年度にはまだありません。"
    ]


def test_row_numbers_are_the_ones_excel_shows_even_after_a_blank_row(staff, nemuro, h29_sheet):
    sheet = h29_sheet.active
    sheet.insert_rows(4)  # an empty row 4; G1-3 moves to row 5
    edit(sheet, E5="三")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    job = latest_job()
    assert job.total_rows == IN_FORCE_H29  # the blank row is not a data row
    assert job.errors == ["行5: 実績値「三」は数値ではありません。"]


def test_every_error_of_every_row_is_listed(staff, nemuro, h29_sheet):
    edit(h29_sheet.active, A5="X9-9", E3="約12", F3="x", D8="H33")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    assert latest_job().errors == [
        "行3: 実績値「約12」は数値ではありません。",
        "行3: 累計「x」は数値ではありません。",
        "行5: 指標コード「X9-9」はこの戦略にありません。",
        "行8: 年度「H33」は計画期間（H27〜H31）の外です。",
    ]


def test_full_width_digits_and_separators_are_numbers(staff, nemuro, h29_sheet):
    sheet = h29_sheet.active
    edit(sheet, E3="１１．４", E6="1,234", F6="１，２３４", E7=" 56 ")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    job = latest_job()
    assert job.status == "previewed"
    new = {row["code"]: row["new"] for row in job.preview if row["kind"] == "new"}
    assert new == {"G1-2": "11.4%", "1ア①-1": "1,234人／累計1,234人", "1ア①-2": "56件"}


def test_the_year_column_may_be_written_as_people_write_it(staff, nemuro, h29_sheet):
    edit(h29_sheet.active, D2="平成29年度", D3=2017, D4="h29", D5=None, E5=1, G5="実績あり")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    job = latest_job()
    assert job.status == "previewed" and job.errors == []
    assert [row["kind"] for row in job.preview[:4]] == ["unchanged"] * 3 + ["new"]


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("H29", 2017),
        ("Ｈ２９", 2017),
        ("平成29年度", 2017),
        ("平成３１年度（令和元年度）", 2019),
        ("令和元年度", 2019),
        ("2017", 2017),
        ("2017年度", 2017),
        ("来年度", None),
        ("H", None),
    ],
)
def test_the_year_column_is_read_by_the_one_wareki_reader(typed, year):
    """strategy.fiscal.fiscal_year_from_text, after full-width characters are normalised."""
    assert widgets.FiscalYearWidget(resource=None).parse(typed) == year


FILE_ERRORS = {
    "a text file": ("notes.txt", "指標コード,実績値\nG1-1,1.5\n".encode(), WRONG_TYPE),
    "a PDF renamed .xlsx": (
        "entry.xlsx",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        WRONG_TYPE,
    ),
    "a zip that is not a workbook": (
        "entry.xlsx",
        b"PK\x03\x04" + b"\x00" * 64,
        WRONG_TYPE,
    ),
    "an old .xls workbook": ("entry.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", WRONG_TYPE),
    "an empty file": ("entry.xlsx", b"", EMPTY_FILE),
    "an empty CSV": ("entry.csv", b"\r\n", "シートが空です。"),
}


@pytest.mark.parametrize("case", list(FILE_ERRORS))
def test_a_file_that_is_not_an_entry_sheet_is_refused_on_the_form(case, staff, nemuro):
    filename, content, message = FILE_ERRORS[case]
    before = results_snapshot()
    response = upload(staff, nemuro, H29, content, filename=filename)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and results_snapshot() == before


def test_a_sheet_with_only_its_header_has_no_data_rows(staff, nemuro, h29_sheet):
    h29_sheet.active.delete_rows(2, IN_FORCE_H29)
    response = upload(staff, nemuro, H29, as_bytes(h29_sheet))
    assert NO_DATA_ROWS in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_sheet_with_the_wrong_columns_says_which_are_missing(staff, nemuro, h29_sheet):
    sheet = h29_sheet.active
    sheet.delete_cols(7)  # 状態
    sheet.delete_cols(5)  # 実績値
    response = upload(staff, nemuro, H29, as_bytes(h29_sheet))
    html = response.content.decode()
    assert "必要な列がありません：「実績値」「状態」。" in html
    assert not ImportJob.objects.exists()


def test_a_chosen_year_outside_the_period_is_refused(staff, nemuro, h29_sheet):
    before = results_snapshot()
    response = upload(staff, nemuro, 2021, as_bytes(h29_sheet))
    assert "年度「2021」は計画期間（H27〜H31）の外です。" in response.content.decode()
    assert not ImportJob.objects.exists() and results_snapshot() == before


def test_confirming_rechecks_and_writes_nothing_if_the_data_changed_meanwhile(
    staff, nemuro, department, h29_sheet
):
    sheet = h29_sheet.active
    edit(sheet, E2=1.5, G2="実績あり", E6=30, G6="実績あり")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    job = latest_job()
    assert job.can_apply
    # meanwhile a revision (wrongly) retires 1ア①-1 from H29 onwards
    Indicator.objects.filter(strategy=nemuro, code="1ア①-1").update(
        retired_in=Revision.objects.get(strategy=nemuro, sequence=2)
    )
    before = results_snapshot()

    response = staff.post(job.get_absolute_url(), {"action": "apply"}, follow=True)

    html = response.content.decode()
    assert "確認の後でデータが変わったため、1行にエラーがあります。何も書き込んでいません。" in html
    assert "行6: 指標コード「1ア①-1」は改訂（2017-11-22）で廃止された指標で" in html
    assert results_snapshot() == before  # G1-1 on row 2 was valid, and is not written either
    job.refresh_from_db()
    assert job.status == "failed" and job.applied_at is None


def test_a_result_entered_while_confirming_leaves_everything_unwritten(
    staff, nemuro, department, h29_sheet, monkeypatch
):
    edit(h29_sheet.active, E2=1.5, G2="実績あり", E3=10.9, G3="実績あり")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    job = latest_job()
    real = resource.bulk_create_with_history

    def someone_else_first(objs, model, **kwargs):
        first = objs[0]
        Achievement.objects.create(
            indicator=first.indicator, fiscal_year=first.fiscal_year, value=1
        )
        return real(objs, model, **kwargs)

    monkeypatch.setattr(resource, "bulk_create_with_history", someone_else_first)
    before = results_snapshot()
    with pytest.raises(ValidationError, match="もう一度「確定」を押してください"):
        imports.import_apply(job=job, user=department)
    assert results_snapshot() == before
    job.refresh_from_db()
    assert job.status == "previewed" and job.can_apply  # confirming again re-checks


def test_confirming_twice_writes_once(staff, nemuro, department, h29_sheet):
    edit(h29_sheet.active, E2=1.5, G2="実績あり")
    upload(staff, nemuro, H29, as_bytes(h29_sheet))
    job = latest_job()
    staff.post(job.get_absolute_url(), {"action": "apply"})
    response = staff.post(job.get_absolute_url(), {"action": "apply"}, follow=True)
    assert "この取り込みは確定できません" in response.content.decode()
    assert Achievement.history.filter(fiscal_year__year=H29).count() == 1


# --- large sheets: chunks, progress, queries ---------------------------------------------------


def add_indicators(strategy, n: int) -> None:
    """`n` more KPIs under 1ア①, each with an H29 result of 16: tests.factory.grow_strategy's
    indicators, made in bulk so that a 1,000-row sheet takes no time to build."""
    first = strategy.revisions.get(sequence=1)
    measure = Measure.objects.select_related("policy__goal").get(strategy=strategy, code="1ア①")
    added = Indicator.objects.bulk_create(
        extra_indicator(first, i, goal=measure.policy.goal, measure=measure) for i in range(n)
    )
    h29 = FiscalYear.objects.get(strategy=strategy, year=H29)
    Achievement.objects.bulk_create(
        Achievement(indicator=indicator, fiscal_year=h29, value=Decimal("16"))
        for indicator in added
    )


@pytest.fixture
def large_h29_sheet(staff, nemuro):
    """1,001 rows: the 51 indicators in force plus 950 added ones (each with an H29 value 16)."""
    add_indicators(nemuro, 950)
    book = download(staff, nemuro, H29)
    assert book.active.max_row == 1 + 1001
    return book


def test_a_large_sheet_is_checked_in_chunks_as_the_page_polls(staff, nemuro, large_h29_sheet):
    sheet = large_h29_sheet.active
    for r in range(2, 1003):
        if sheet[f"A{r}"].value.startswith("extra-"):
            sheet[f"E{r}"] = 17
    edit(sheet, E1002="約12")  # the last row

    upload(staff, nemuro, H29, as_bytes(large_h29_sheet))

    job = latest_job()
    assert (job.status, job.processed_rows, job.total_rows) == ("pending", 200, 1001)
    page = staff.get(job.get_absolute_url()).content.decode()
    assert 'role="status" aria-live="polite">200 / 1,001 行を確認しました</p>' in page
    assert 'value="continue"' in page and "続ける" in page  # without JavaScript
    assert staff_url("import_status", nemuro, pk=job.pk) in page  # with JavaScript
    status_url = staff_url("import_status", nemuro, pk=job.pk)
    seen = [staff.get(status_url).json() for _ in range(5)]
    assert [(s["processed"], s["status"]) for s in seen] == [
        (400, "pending"),
        (600, "pending"),
        (800, "pending"),
        (1000, "pending"),
        (1001, "failed"),
    ]
    assert seen[0]["label"] == "400 / 1,001 行を確認しました"
    assert staff.get(status_url).json()["processed"] == 1001  # finished: polling changes nothing
    job.refresh_from_db()
    assert len(job.preview) == 1001 and job.errors == [
        "行1002: 実績値「約12」は数値ではありません。"
    ]
    assert imports.preview_summary(job.preview)["update"] == 950


def test_the_continue_button_advances_the_check_without_javascript(staff, nemuro, large_h29_sheet):
    upload(staff, nemuro, H29, as_bytes(large_h29_sheet))
    job = latest_job()
    response = staff.post(job.get_absolute_url(), {"action": "continue"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.processed_rows == 400


def test_a_1000_row_sheet_is_checked_and_written_in_a_fixed_number_of_queries(
    staff, nemuro, department, large_h29_sheet
):
    sheet = large_h29_sheet.active
    for r in range(2, 1003):
        code = sheet[f"A{r}"].value
        sheet[f"E{r}"], sheet[f"G{r}"] = (17 if code.startswith("extra-") else 1), "実績あり"
    content = as_bytes(large_h29_sheet)
    fiscal_year = FiscalYear.objects.get(strategy=nemuro, year=H29)
    small = imports.import_create(
        strategy=nemuro, fiscal_year=fiscal_year, user=department, filename="a.xlsx", data=content
    )
    imports.import_advance(job=small, chunk_rows=10)  # the first chunk also reads the revision
    with CaptureQueriesContext(connection) as one_chunk:
        imports.import_advance(job=small, chunk_rows=10)
    with CaptureQueriesContext(connection) as big_chunk:
        imports.import_advance(job=small, chunk_rows=200)
    # per chunk, whatever its size: the dry run's savepoint, its
    # rollback and release (3); before_import's savepoint and release (2) around the chunk's
    # indicators (1) and their results this year (1), then the strategy's indicator chains and
    # the chains' results last year (resource.PREVIOUS_YEAR_QUERIES: 2, for kpi.plausibility);
    # the bulk flush's and after_import's savepoints and releases, writing nothing (4); the
    # job's update (1) and re-read (1)
    assert resource.PREVIOUS_YEAR_QUERIES == 2
    assert len(big_chunk) == len(one_chunk) == 13 + resource.PREVIOUS_YEAR_QUERIES

    job = imports.import_create(
        strategy=nemuro, fiscal_year=fiscal_year, user=department, filename="b.xlsx", data=content
    )
    while job.is_pending:
        job = imports.import_advance(job=job)
    assert job.status == "previewed"
    with CaptureQueriesContext(connection) as applying:
        # the nemuro rows set to 1 jumped against H28 (kpi.plausibility): confirmed
        imports.import_apply(job=job, user=department, confirmed=True)
    # per chunk of 200 rows: the lookups and savepoints as above, then a bulk insert of the new
    # results, a bulk update of the changed ones and bulk inserts of their history records (the
    # database may split each into a few batches); plus the job's claim and final update. About
    # 17 per chunk, never one per row.
    assert len(applying) <= 6 * 20
    assert Achievement.objects.filter(fiscal_year__year=H29).count() == 1001
    assert Achievement.objects.filter(fiscal_year__year=H29, value=17).count() == 950
    assert Achievement.history.filter(history_user=department).count() == 1001


# --- who may use it ----------------------------------------------------------------------------


@pytest.fixture
def a_job(nemuro, department):
    fiscal_year = FiscalYear.objects.get(strategy=nemuro, year=H29)
    return imports.import_create(
        strategy=nemuro,
        fiscal_year=fiscal_year,
        user=department,
        filename="h29.xlsx",
        data=imports.entry_sheet_xlsx(strategy=nemuro, fiscal_year=fiscal_year),
    )


def pages(strategy, job):
    return [
        staff_url("import_upload", strategy),
        staff_url("entry_sheet", strategy, year=H29),
        staff_url("import_job", strategy, pk=job.pk),
        staff_url("import_status", strategy, pk=job.pk),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, nemuro, a_job):
    for url in pages(nemuro, a_job):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_panel_members_may_not_import(as_user, panel_member, nemuro, a_job):
    client = as_user(panel_member)
    for url in pages(nemuro, a_job):
        assert client.get(url).status_code == 403
    response = client.post(a_job.get_absolute_url(), {"action": "apply"})
    assert response.status_code == 403 and not Achievement.objects.filter(fiscal_year__year=H29)


@pytest.mark.parametrize("role", ["department", "secretariat"])
def test_staff_who_enter_results_may_import(role, request, as_user, nemuro, a_job):
    client = as_user(request.getfixturevalue(role))
    for url in pages(nemuro, a_job):
        assert client.get(url).status_code == 200


def test_the_upload_page_has_labelled_fields_and_the_year_sheets(staff, nemuro):
    html = staff.get(staff_url("import_upload", nemuro)).content.decode()
    assert '<label for="id_fiscal_year">年度</label>' in html
    assert '<label for="id_file">ファイル</label>' in html
    assert staff_url("entry_sheet", nemuro, year=H29) in html
    assert '<option value="2017" selected>平成29年度（H29）</option>' in html  # first unpublished


def test_a_job_is_only_found_under_its_own_strategy(staff, a_job):
    url = reverse("staff:import_job", kwargs={"slug": "other-strategy", "pk": a_job.pk})
    assert staff.get(url).status_code == 404


# --- departments -------------------------------------------------------------------------------


@pytest.fixture
def first_department(as_user, department, nemuro_departments):
    """The department member in 第一課 only (goals 1 and 2; 第二課 has goal 3)."""
    from tests.conftest import member_of

    return as_user(member_of(department, nemuro_departments[0]))


def test_a_department_member_downloads_only_their_departments_rows(first_department, nemuro):
    codes = [cell.value for cell in download(first_department, nemuro, H29).active["A"][1:]]
    assert "G1-1" in codes and "1ア①-1" in codes
    assert not [code for code in codes if code.startswith(("G3-", "3"))]


def test_a_row_of_another_departments_indicator_is_refused_and_nothing_is_saved(
    first_department, secretariat, nemuro
):
    from django.test import Client

    the_secretariat = Client()
    the_secretariat.force_login(secretariat)
    book = download(the_secretariat, nemuro, H29)  # every indicator, goal 3 included
    sheet = book.active
    edit(sheet, **{f"E{row_of(sheet, '1ア①-1')}": 5, f"G{row_of(sheet, '1ア①-1')}": "実績あり"})
    theirs = row_of(sheet, "3ウ①-1")
    edit(sheet, **{f"E{theirs}": 7, f"G{theirs}": "実績あり"})
    before = results_snapshot()

    upload(first_department, nemuro, H29, as_bytes(book))

    job = latest_job()
    message = (
        f"行{theirs}: 指標コード「3ウ①-1」はあなたの担当課の指標ではありません。"
        "担当課の指標だけを取り込めます。"
    )
    assert job.status == "failed" and message in job.errors
    assert message in first_department.get(job.get_absolute_url()).content.decode()
    first_department.post(job.get_absolute_url(), {"action": "apply"})
    assert results_snapshot() == before


def test_another_municipalitys_staff_cannot_open_a_job(
    client, nemuro, department, other_municipality
):
    from tests.conftest import _user_in

    client.force_login(department)
    upload(client, nemuro, H29, as_bytes(download(client, nemuro, H29)))
    job = latest_job()
    client.force_login(_user_in("事務局", "tashi", other_municipality.code))
    assert client.get(job.get_absolute_url()).status_code == 404
