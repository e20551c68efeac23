"""Property-based fuzzing of the two ways staff write results: whatever is typed into the
year-entry form or uploaded as a sheet, the answer is never a server error, and when the answer
is a refusal no result in the database has changed. Each example runs in its own savepoint, rolled
back afterwards, so the examples are independent."""

import csv
import io
from contextlib import contextmanager

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.imports.resource import COLUMNS
from kpi.models import Achievement, ImportJob
from tests.kpi.test_year_entry import load as load_entry_form

SLUG = "nemuro-sousei-2015"
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as people (and attackers) type it: anything, numbers in every notation, Japanese minus
# signs and full-width digits, markup.
NUMBERISH = st.one_of(
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.from_regex(r"[-+△▲−0-9０-９,，.．% ]{0,14}", fullmatch=True),
)
TEXT = st.one_of(st.text(max_size=120), NUMBERISH, st.just("<script>alert(1)</script>"))
STATES = st.one_of(st.sampled_from(Achievement.State.values), st.text(max_size=8))
ROW_EDIT = st.fixed_dictionaries(
    {},
    optional={
        "value": TEXT,
        "cumulative": TEXT,
        "state": STATES,
        "note": TEXT,
        "indicator": st.one_of(st.integers().map(str), st.text(max_size=6)),
        "version": st.text(max_size=40),
    },
)


def results_snapshot():
    return list(
        Achievement.objects.order_by("pk").values_list(
            "pk", "indicator_id", "fiscal_year_id", "state", "value", "cumulative", "note", "text"
        )
    )


_LOADED: dict[tuple, object] = {}


def loaded_once(key: tuple, load_it):
    """What a page or download gives, read on the first example only: every example is rolled
    back, so the seeded data, and therefore the page, are the same for all of them."""
    if key not in _LOADED:
        _LOADED[key] = load_it()
    return _LOADED[key]


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- The year-entry form -----------------------------------------------------------------------


def load(client, year: int):
    page = load_entry_form(client, year)
    page.pristine = dict(page.fields)
    return page


@FUZZ
@given(
    year=st.sampled_from([2017, 2018]),  # years not yet published: a published one is locked
    edits=st.lists(st.tuples(st.integers(min_value=0), ROW_EDIT), max_size=4),
    total_forms=st.one_of(st.none(), st.text(max_size=5), st.integers().map(str)),
)
def test_the_year_entry_form_never_fails_and_a_refusal_changes_nothing(
    as_user, nemuro, department, year, edits, total_forms
):
    client = as_user(department)
    with rolled_back():
        page = loaded_once(("entry", year), lambda: load(client, year))
        page.fields = dict(page.pristine)
        codes = sorted(page.prefix)
        for index, values in edits:
            page.type(codes[index % len(codes)], **values)
        if total_forms is not None:
            page.fields["form-TOTAL_FORMS"] = total_forms
        before = results_snapshot()
        response = client.post(
            reverse("staff:year_entry", kwargs={"slug": SLUG, "year": year}), page.fields
        )
        assert response.status_code in (200, 302), response.status_code
        if response.status_code != 302:
            assert results_snapshot() == before


# --- The Excel / CSV upload --------------------------------------------------------------------

CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    NUMBERISH,
)
YEAR_CHOICE = st.one_of(
    st.sampled_from([2015, 2016, 2017, 2018, 2019]), st.integers(), st.text(max_size=6)
)


def entry_sheet(client, year: int) -> openpyxl.Workbook:
    def download():
        response = client.get(reverse("staff:entry_sheet", kwargs={"slug": SLUG, "year": year}))
        assert response.status_code == 200
        return response.content

    return openpyxl.load_workbook(io.BytesIO(loaded_once(("sheet", year), download)))


@st.composite
def uploads(draw, client):
    """(filename, bytes): the real entry sheet with cells changed, a CSV with the right header and
    arbitrary rows, or arbitrary bytes under an arbitrary name."""
    kind = draw(st.sampled_from(["edited sheet", "csv", "bytes"]))
    if kind == "edited sheet":
        book = entry_sheet(client, draw(st.sampled_from([2016, 2017])))
        sheet = book.active
        for _ in range(draw(st.integers(min_value=0, max_value=6))):
            row = draw(st.integers(min_value=1, max_value=sheet.max_row + 2))
            column = draw(st.integers(min_value=1, max_value=len(COLUMNS) + 1))
            sheet.cell(row=row, column=column, value=draw(CELL))
        out = io.BytesIO()
        book.save(out)
        return "entry.xlsx", out.getvalue()
    if kind == "csv":
        rows = draw(st.lists(st.lists(TEXT, max_size=len(COLUMNS) + 1), max_size=6))
        text = io.StringIO()
        csv.writer(text).writerows([list(COLUMNS), *rows])
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "shift_jis"]))
        return "entry.csv", text.getvalue().encode(encoding, errors="ignore")
    name = draw(st.sampled_from(["entry.xlsx", "entry.csv", "entry.txt", "x"]))
    return name, draw(st.binary(max_size=2000))


@FUZZ
@given(year=YEAR_CHOICE, data=st.data())
def test_an_upload_never_fails_and_a_refusal_changes_nothing(
    as_user, nemuro, department, year, data
):
    client = as_user(department)
    with rolled_back():
        filename, content = data.draw(uploads(client))
        before = results_snapshot()
        response = client.post(
            reverse("staff:import_upload", kwargs={"slug": SLUG}),
            {"fiscal_year": year, "file": SimpleUploadedFile(filename, content)},
        )
        assert response.status_code in (200, 302), response.status_code
        assert results_snapshot() == before  # an upload is only previewed, never written
        if response.status_code != 302:
            return
        job_url = response["Location"]
        job = ImportJob.objects.order_by("-pk").first()
        for _ in range(5):  # check every chunk of rows
            status = client.get(job_url + "status.json")
            assert status.status_code == 200
            if status.json()["status"] != ImportJob.Status.PENDING:
                break
        assert client.get(job_url).status_code == 200
        confirm = client.post(job_url, {"action": "apply"})
        assert confirm.status_code == 302
        job.refresh_from_db()
        if job.status != ImportJob.Status.APPLIED:
            assert results_snapshot() == before
