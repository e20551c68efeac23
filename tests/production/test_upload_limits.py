"""Upload limits of the Excel / CSV import, checked before the file is loaded: a small file
cannot cost the server minutes and gigabytes. Each refusal is a Japanese message on the upload
form, nothing is stored, and a bomb is refused in under 2 s with under 100 MB of extra memory.

The bombs are built here: 3,000 rows of a 32,767-character string (a few KB zipped), a
sharedStrings.xml of repeated long strings compressed to about 200 KB, a worksheet of inline
strings, a single row of 400,000 cells, a sheet that declares 100,000 rows."""

import csv
import io
import random
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpi.imports.sheets import read_sheet
from kpi.models import Achievement, ImportJob

H29 = 2017
HEADER = ["指標コード", "指標名", "単位", "年度", "実績値", "累計", "状態", "注記"]
LONGEST_EXCEL_CELL = 32_767
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


# --- the bombs ---------------------------------------------------------------------------------


def workbook(rows) -> bytes:
    """An .xlsx written by openpyxl (streaming), the header first."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("実績入力")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def handmade_workbook(sheet_xml, shared_strings=None, *, dimension="A1:H2") -> bytes:
    """A minimal .xlsx written part by part; `sheet_xml` and `shared_strings` are iterables of
    text chunks, streamed into the zip (the test never holds the unzipped bomb in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        overrides = [
            ("/xl/workbook.xml", f"{CT}.sheet.main+xml"),
            ("/xl/worksheets/sheet1.xml", f"{CT}.worksheet+xml"),
        ]
        if shared_strings is not None:
            overrides.append(("/xl/sharedStrings.xml", f"{CT}.sharedStrings+xml"))
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="実績入力" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        relations = (
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        )
        if shared_strings is not None:
            relations += (
                f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG_REL}">{relations}</Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'.encode()
            )
            for chunk in sheet_xml:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<sst xmlns="{MAIN}">'.encode())
                for chunk in shared_strings:
                    part.write(chunk.encode())
                part.write(b"</sst>")
    return out.getvalue()


def inline_row(number: int, cells) -> str:
    return (
        f'<row r="{number}">'
        + "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in cells)
        + "</row>"
    )


def long_strings_workbook() -> bytes:
    """3,000 rows whose 指標コード is the same 32,767-character string, stored once in
    sharedStrings.xml as Excel stores it: under 40 KB zipped (the issue measured 24 KB)."""
    code = "1" * LONGEST_EXCEL_CELL
    rows = (
        f'<row r="{number}"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
        for number in range(2, 3_002)
    )
    return handmade_workbook(
        [inline_row(1, HEADER), *rows],
        [f"<si><t>{code}</t></si><si><t>指標</t></si>"],
        dimension="A1:H3001",
    )


def long_strings_written_by_openpyxl() -> bytes:
    """The same 3,000 rows as openpyxl's streaming writer stores them (each string in full,
    about 100 MB unzipped, 470 KB zipped)."""
    code = "1" * LONGEST_EXCEL_CELL
    return workbook([code, "指標", "%", "H29", 1, None, "実績あり", ""] for _ in range(3_000))


def shared_strings_bomb() -> bytes:
    """A sharedStrings.xml of 6,000 strings of 32,767 characters (about 200 MB unzipped),
    compressed to about 200 KB; the sheet itself is the header and one row."""
    text = "x" * LONGEST_EXCEL_CELL
    strings = (f"<si><t>{text}</t></si>" for _ in range(6_000))
    return handmade_workbook([inline_row(1, HEADER), inline_row(2, ["G1-1"])], strings)


def inline_strings_bomb() -> bytes:
    """The same 200 MB, as inline strings in the worksheet (no shared strings at all)."""
    text = "x" * LONGEST_EXCEL_CELL
    rows = (inline_row(number, [text] * 2) for number in range(2, 3_002))
    return handmade_workbook([inline_row(1, HEADER), *rows], dimension="A1:H3001")


def one_row_of_many_cells() -> bytes:
    """A single row of 300,000 cells of different numbers (so that it compresses only 5 times:
    1.1 MB zipped, 6 MB unzipped, within those limits): openpyxl would build it in one piece."""
    numbers = random.Random(1)
    cells = (f"<c><v>{numbers.randrange(10**6)}</v></c>" for _ in range(300_000))
    return handmade_workbook([inline_row(1, HEADER), '<row r="2">', *cells, "</row>"])


def declared_rows(count: int) -> bytes:
    """Two rows, but a used range that says `count` rows."""
    return handmade_workbook(
        [inline_row(1, HEADER), inline_row(2, ["G1-1"])], dimension=f"A1:H{count}"
    )


def refused(data: bytes, filename: str = "entry.xlsx") -> tuple[ValidationError, float, int]:
    """Read `data` as an upload: the refusal, the seconds it took, and the peak of memory the
    reading allocated (tracemalloc, measured in a second run so that it does not slow the
    first)."""
    started = time.perf_counter()
    with pytest.raises(ValidationError) as raised:
        read_sheet(filename=filename, data=data)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError):
            read_sheet(filename=filename, data=data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised.value, seconds, peak


MB = 1024 * 1024


# --- each bomb is refused quickly, in little memory ---------------------------------------------


def test_3000_rows_of_32767_character_strings_are_refused_at_the_first_long_cell():
    data = long_strings_workbook()
    assert len(data) < 40 * 1024  # small when zipped
    error, seconds, peak = refused(data)
    assert error.code == "cell_too_long"
    assert error.message % error.params == (
        "2行目のA列のセルが長すぎます（1,000文字まで。このセルは32,767文字）。何も保存していません。"
    )
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_the_same_rows_with_every_string_in_full_are_refused_from_the_zip():
    data = long_strings_written_by_openpyxl()
    assert len(data) < 1 * MB
    error, seconds, peak = refused(data)
    assert error.code == "unzipped_too_large"
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_a_shared_strings_bomb_is_refused_from_the_zip_table_of_contents():
    data = shared_strings_bomb()
    assert 100 * 1024 < len(data) < 400 * 1024  # about 200 KB
    part = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml")
    assert part.file_size > 180 * MB
    error, seconds, peak = refused(data)
    assert error.code == "unzipped_too_large"
    assert (
        "展開すると大きすぎるため読み込めません（展開後16 MBまで）" in error.message % error.params
    )
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_a_worksheet_of_inline_strings_that_unzips_to_200_mb_is_refused():
    data = inline_strings_bomb()
    assert len(data) < 400 * 1024
    error, seconds, peak = refused(data)
    assert error.code == "unzipped_too_large"
    assert seconds < 2 and peak < 100 * MB, (seconds, peak / MB)


def test_a_single_row_of_300000_cells_is_refused_before_openpyxl_builds_it():
    data = one_row_of_many_cells()
    assert len(data) < 2 * MB
    error, seconds, peak = refused(data)
    assert error.code == "too_many_columns"
    assert error.message % error.params == (
        "列が多すぎます（50列まで）。入力用シートの列（指標コード、指標名、単位、年度、実績値、"
        "累計、状態、注記）だけを残してください。何も保存していません。"
    )
    assert seconds < 2 and peak < 20 * MB, (seconds, peak / MB)


def test_a_sheet_that_declares_more_rows_than_the_limit_is_refused_before_its_rows_are_read():
    error, seconds, peak = refused(declared_rows(100_000))
    assert error.code == "too_many_rows"
    assert error.message % error.params == (
        "行が多すぎます（1行目の見出しを除いて5,000行まで）。行を分けて、いくつかのファイルで"
        "取り込んでください。何も保存していません。"
    )
    assert seconds < 2 and peak < 20 * MB


def test_a_sheet_that_declares_too_many_columns_is_refused():
    data = handmade_workbook([inline_row(1, HEADER)], dimension="A1:XFD2")
    error, _, _ = refused(data)
    assert error.code == "too_many_columns"


# --- rows, cells and size, at their limits -----------------------------------------------------


def data_row(number: int, note: str = "") -> list:
    return [f"G1-{number}", "指標", "%", "H29", 1, None, "実績あり", note]


@pytest.mark.parametrize("filename", ["entry.xlsx", "entry.csv"])
def test_rows_up_to_the_limit_are_read_and_one_more_is_refused(settings, filename):
    settings.IMPORT_MAX_ROWS = 100

    def content(count):
        rows = [data_row(n) for n in range(count)]
        if filename.endswith(".xlsx"):
            return workbook(rows)
        out = io.StringIO()
        csv.writer(out).writerows([HEADER, *rows])
        return out.getvalue().encode()

    assert len(read_sheet(filename=filename, data=content(100)).rows) == 100
    with pytest.raises(ValidationError) as raised:
        read_sheet(filename=filename, data=content(101))
    assert raised.value.code == "too_many_rows"
    assert "見出しを除いて100行まで" in raised.value.message % raised.value.params


@pytest.mark.parametrize("filename", ["entry.xlsx", "entry.csv"])
def test_a_cell_up_to_the_limit_is_read_and_one_character_more_is_refused(settings, filename):
    def content(note):
        rows = [data_row(1), data_row(2, note)]
        if filename.endswith(".xlsx"):
            return workbook(rows)
        out = io.StringIO()
        csv.writer(out).writerows([HEADER, *rows])
        return out.getvalue().encode()

    sheet = read_sheet(filename=filename, data=content("注" * 1_000))
    assert len(sheet.rows) == 2
    with pytest.raises(ValidationError) as raised:
        read_sheet(filename=filename, data=content("注" * 1_001))
    assert raised.value.message % raised.value.params == (
        "3行目のH列のセルが長すぎます（1,000文字まで。このセルは1,001文字）。何も保存していません。"
    )


def test_a_csv_cell_beyond_what_the_csv_module_reads_is_a_long_cell_not_a_wrong_type():
    text = ",".join(HEADER) + "\r\nG1-1," + "x" * 200_000 + "\r\n"
    with pytest.raises(ValidationError) as raised:
        read_sheet(filename="entry.csv", data=text.encode())
    assert raised.value.code == "cell_too_long"
    assert "2行目に長すぎるセルがあります" in raised.value.message % raised.value.params


def test_the_limits_come_from_the_settings(settings):
    settings.IMPORT_MAX_BYTES = 1_000
    settings.IMPORT_MAX_CELL_CHARS = 10
    with pytest.raises(ValidationError) as raised:
        read_sheet(filename="entry.xlsx", data=workbook([data_row(1)]))
    assert raised.value.code == "too_large"
    settings.IMPORT_MAX_BYTES = 2 * MB
    with pytest.raises(ValidationError) as raised:
        read_sheet(filename="entry.xlsx", data=workbook([data_row(1, "12345678901")]))
    assert raised.value.code == "cell_too_long"


# --- on the upload form: a clear message, nothing stored ----------------------------------------


@pytest.fixture
def staff(as_user, department):
    return as_user(department)


def upload(client, strategy, content: bytes, filename="entry.xlsx"):
    return client.post(
        reverse("staff:import_upload", kwargs={"slug": strategy.slug}),
        {"fiscal_year": H29, "file": SimpleUploadedFile(filename, content)},
    )


def results():
    return list(Achievement.objects.order_by("pk").values_list("pk", "value", "note"))


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        (
            long_strings_workbook,
            "2行目のA列のセルが長すぎます（1,000文字まで。このセルは32,767文字）",
        ),
        (shared_strings_bomb, "このExcelファイルは、展開すると大きすぎるため読み込めません"),
        (one_row_of_many_cells, "列が多すぎます（50列まで）"),
        (lambda: declared_rows(100_000), "行が多すぎます（1行目の見出しを除いて5,000行まで）"),
    ],
    ids=["long-strings", "shared-strings", "one-wide-row", "declared-rows"],
)
def test_the_upload_form_refuses_each_bomb_with_a_message_and_stores_nothing(
    staff, nemuro, bomb, message
):
    before = results()
    started = time.perf_counter()
    response = upload(staff, nemuro, bomb())
    assert response.status_code == 200  # the form again, not a job page
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert results() == before
    assert time.perf_counter() - started < 5  # building the bomb included


def test_a_file_over_the_size_limit_is_refused_by_its_size_on_the_form(staff, nemuro, settings):
    settings.IMPORT_MAX_BYTES = 2 * MB
    response = upload(staff, nemuro, b"x" * (2 * MB + 1), filename="entry.csv")
    html = response.content.decode()
    assert "ファイルが大きすぎます（2 MBまで。選んだファイルは2 MB）。" in html
    assert ImportJob.objects.count() == 0


def test_the_form_states_the_limits(staff, nemuro):
    response = staff.get(reverse("staff:import_upload", kwargs={"slug": nemuro.slug}))
    assert "2 MBまで、見出しを除いて5,000行まで、1つのセルは1,000文字まで。" in (
        response.content.decode()
    )
