"""Corrections after publication (kpi.corrections): a published year's results are locked on the
year-entry screen, in the Excel import and in the admin; they change only by a correction, which
a department member requests and the secretariat approves (or makes at once), with a 訂正理由
that citizens see on the 訂正履歴 page, the indicator page, the open data and that year's report."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpi import corrections
from kpi.corrections import CorrectedValues
from kpi.models import Achievement, Correction, ImportJob, Indicator
from strategy.models import FiscalYear
from tests.conftest import member_of
from tests.factory import grow_strategy

SLUG = "nemuro-sousei-2015"
H28, H29 = 2016, 2017
REASON = "集計の誤り（出生数の二重計上）を訂正"


def staff_url(name, **kwargs):
    return reverse(f"staff:{name}", kwargs={"slug": SLUG, **kwargs})


def public_url(name, **kwargs):
    return reverse(name, kwargs={"slug": SLUG, **kwargs})


def g11_h28() -> Achievement:
    return Achievement.objects.get(
        indicator__code="G1-1", fiscal_year__year=H28, fiscal_year__strategy__slug=SLUG
    )


def snapshot():
    return sorted(
        Achievement.objects.values_list("pk", "state", "value", "cumulative", "note", "updated_at")
    )


def h28() -> FiscalYear:
    return FiscalYear.objects.get(strategy__slug=SLUG, year=H28)


def g11() -> Indicator:
    return Indicator.objects.get(strategy__slug=SLUG, code="G1-1")


@pytest.fixture
def first_department_member(department, nemuro_departments):
    """A department member of 第一課, which owns goals 1 and 2 (G1-1 among them)."""
    return member_of(department, nemuro_departments[0])


@pytest.fixture
def second_department_member(department, nemuro_departments):
    """A department member of 第二課 (goal 3 only)."""
    return member_of(department, nemuro_departments[1])


# --- the lock ----------------------------------------------------------------------------------


def test_the_entry_screen_shows_a_published_year_read_only_with_links_to_correct(
    as_user, department
):
    html = as_user(department).get(staff_url("year_entry", year=H28)).content.decode()
    assert "公表済みの年度（H28）の実績は訂正でのみ変更できます。" in html
    assert 'id="year-entry-form"' not in html
    assert staff_url("correction_new", year=H28, code="G1-1") in html


def test_the_entry_screen_refuses_a_post_for_a_published_year(as_user, department):
    before = snapshot()
    client = as_user(department)
    response = client.post(
        staff_url("year_entry", year=H28),
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-value": "4321.9"},
        follow=True,
    )
    assert "公表済みの年度（H28）の実績は訂正でのみ変更できます。" in response.content.decode()
    assert snapshot() == before


def test_the_save_service_refuses_a_published_year(nemuro, department):
    from kpi.entry.save import RowInput, achievements_save_year

    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        achievements_save_year(
            strategy=nemuro,
            fiscal_year=h28(),
            rows=[RowInput(g11(), "", value=Decimal("4321.9"))],
            user=department,
        )
    assert refusal.value.code == "published_year"
    assert snapshot() == before


def sheet_for(client, year) -> bytes:
    response = client.get(staff_url("entry_sheet", year=year))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "G1-1":
            row[4].value = 4321.9
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_refuses_the_whole_sheet_of_a_published_year(as_user, department):
    client = as_user(department)
    before, jobs = snapshot(), ImportJob.objects.count()
    response = client.post(
        staff_url("import_upload"),
        {"fiscal_year": H28, "file": SimpleUploadedFile("h28.xlsx", sheet_for(client, H28))},
    )
    assert "公表済みの年度（H28）の実績は訂正でのみ変更できます。" in response.content.decode()
    assert snapshot() == before and ImportJob.objects.count() == jobs


def test_a_sheet_checked_before_its_year_was_published_is_not_applied(as_user, department, nemuro):
    from django.utils import timezone

    from kpi import imports

    client = as_user(department)
    client.post(
        staff_url("import_upload"),
        {"fiscal_year": H29, "file": SimpleUploadedFile("h29.xlsx", sheet_for(client, H29))},
    )
    job = ImportJob.objects.order_by("-pk").first()
    assert job.can_apply
    FiscalYear.objects.filter(strategy=nemuro, year=H29).update(published_at=timezone.now())
    job.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError, match="訂正でのみ変更できます"):
        imports.import_apply(job=job, user=department)
    assert snapshot() == before


def test_the_admin_shows_a_published_years_result_read_only(client, secretariat):
    client.force_login(secretariat)
    result = g11_h28()
    url = reverse("admin:kpi_achievement_change", args=[result.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()
    before = snapshot()
    response = client.post(url, {"indicator": result.indicator_id, "value": "4321.9"})
    assert response.status_code == 403
    delete = client.post(reverse("admin:kpi_achievement_delete", args=[result.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert snapshot() == before


def test_the_admin_refuses_a_new_result_in_a_published_year(client, secretariat, nemuro):
    client.force_login(secretariat)
    indicator = Indicator.objects.get(strategy=nemuro, code="G1-1")
    Achievement.objects.filter(indicator=indicator, fiscal_year=h28()).delete()
    before = snapshot()
    response = client.post(
        reverse("admin:kpi_achievement_add"),
        {"indicator": indicator.pk, "fiscal_year": h28().pk, "state": "recorded", "value": "2"},
    )
    assert "公表済みの年度（H28）の実績は訂正でのみ変更できます。" in response.content.decode()
    assert snapshot() == before


# --- corrections -------------------------------------------------------------------------------


def request_g11(client, value="1.55", reason=REASON):
    return client.post(
        staff_url("correction_new", year=H28, code="G1-1"),
        {
            "value": value,
            "cumulative": "",
            "state": "recorded",
            "note": "H26 数値",
            "reason": reason,
        },
        follow=True,
    )


def test_a_department_request_approved_by_the_secretariat_is_shown_to_citizens(
    client, as_user, first_department_member, secretariat
):
    staff = as_user(first_department_member)
    response = request_g11(staff)
    assert "訂正を申請しました" in response.content.decode()
    assert g11_h28().value == Decimal("1.53")  # nothing changes before approval
    correction = Correction.objects.get()
    assert correction.is_pending and correction.old_value == Decimal("1.53")
    assert correction.requested_by == first_department_member

    client.force_login(secretariat)
    index = client.get(staff_url("correction_index")).content.decode()
    assert "G1-1" in index and REASON in index
    client.post(staff_url("correction_decide", pk=correction.pk), {"action": "approve"})
    correction.refresh_from_db()
    assert correction.status == Correction.Status.APPLIED
    assert correction.decided_by == secretariat
    result = g11_h28()
    assert result.value == Decimal("1.55")
    last = result.history.first()
    assert last.history_user == secretariat and REASON in last.history_change_reason
    client.logout()

    history = client.get(public_url("kpi:correction_history")).content.decode()
    assert "G1-1" in history and "1.53" in history and "1.55" in history and REASON in history
    page = client.get(public_url("kpi:indicator", code="G1-1")).content.decode()
    assert "訂正あり" in page and REASON in page and "1.55" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(public_url("kpi:opendata_csv")).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    row = next(r for r in rows if r["指標コード"] == "G1-1" and r["年度"] == str(H28))
    assert row["実績値"].startswith("1.55") and row["訂正理由"] == REASON
    assert row["訂正日"] == correction.decided_at.astimezone().date().isoformat() or row["訂正日"]
    report = client.get(reverse("verification:report", kwargs={"slug": SLUG, "year": H28}))
    text = report.content.decode()
    assert "公表後の訂正" in text and REASON in text
    feed = client.get(reverse("strategy:feed", kwargs={"slug": SLUG})).content.decode()
    assert "G1-1" in feed and "実績を訂正しました" in feed


def test_a_rejected_request_changes_nothing(as_user, first_department_member, secretariat, client):
    request_g11(as_user(first_department_member))
    correction = Correction.objects.get()
    before = snapshot()
    client.force_login(secretariat)
    client.post(
        staff_url("correction_decide", pk=correction.pk),
        {"action": "reject", "decision_note": "根拠資料が不足"},
    )
    correction.refresh_from_db()
    assert correction.status == Correction.Status.REJECTED
    assert correction.decision_note == "根拠資料が不足"
    assert snapshot() == before
    client.logout()
    assert REASON not in client.get(public_url("kpi:correction_history")).content.decode()


def test_another_departments_member_cannot_request_for_an_indicator_not_theirs(
    as_user, second_department_member, nemuro
):
    client = as_user(second_department_member)
    assert client.get(staff_url("correction_new", year=H28, code="G1-1")).status_code == 404
    assert request_g11(client).status_code == 404
    with pytest.raises(ValidationError):
        corrections.correction_request(
            indicator=g11(),
            fiscal_year=h28(),
            new=CorrectedValues(value=Decimal("1.55")),
            reason=REASON,
            user=second_department_member,
        )
    assert not Correction.objects.exists()


def test_a_department_member_cannot_approve(as_user, first_department_member):
    client = as_user(first_department_member)
    request_g11(client)
    correction = Correction.objects.get()
    response = client.post(staff_url("correction_decide", pk=correction.pk), {"action": "approve"})
    assert response.status_code == 403
    assert g11_h28().value == Decimal("1.53")


def test_the_secretariat_corrects_at_once(as_user, secretariat):
    response = request_g11(as_user(secretariat), value="1.54")
    assert "実績を訂正しました" in response.content.decode()
    assert g11_h28().value == Decimal("1.54")
    assert Correction.objects.get().status == Correction.Status.APPLIED


def test_a_correction_without_a_reason_or_breaking_a_rule_changes_nothing(as_user, secretariat):
    client = as_user(secretariat)
    before = snapshot()
    assert "訂正理由を入力してください。" in request_g11(client, reason="").content.decode()
    negative = request_g11(client, value="-1").content.decode()
    assert "実績値に負の値は入力できません。" in negative
    assert snapshot() == before and not Correction.objects.exists()


def test_an_unpublished_year_is_not_corrected_but_entered(nemuro, secretariat):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=H29)
    with pytest.raises(ValidationError) as refusal:
        corrections.correction_apply(
            indicator=g11(),
            fiscal_year=h29,
            new=CorrectedValues(value=Decimal("1")),
            reason=REASON,
            user=secretariat,
        )
    assert refusal.value.code == "not_published"


def test_a_request_is_not_approved_over_a_result_changed_since(
    first_department_member, secretariat
):
    request = corrections.correction_request(
        indicator=g11(),
        fiscal_year=h28(),
        new=CorrectedValues(value=Decimal("1.55"), note="H26 数値"),
        reason=REASON,
        user=first_department_member,
    )
    corrections.correction_apply(
        indicator=g11(),
        fiscal_year=h28(),
        new=CorrectedValues(value=Decimal("1.60"), note="H26 数値"),
        reason="別の訂正",
        user=secretariat,
    )
    with pytest.raises(ValidationError) as refusal:
        corrections.correction_approve(correction=request, user=secretariat)
    assert refusal.value.code == "stale"
    assert g11_h28().value == Decimal("1.60")


# --- the public page's queries -------------------------------------------------------------------


@pytest.mark.usefixtures("warm_caches")
def test_the_correction_history_runs_a_fixed_number_of_queries(
    client, nemuro, secretariat, django_assert_num_queries
):
    def correct_some(codes):
        for code in codes:
            indicator = Indicator.objects.get(strategy=nemuro, code=code)
            current = corrections.current_result(indicator, h28())
            corrections.correction_apply(
                indicator=indicator,
                fiscal_year=h28(),
                new=CorrectedValues(
                    state="recorded",
                    value=(current.value or Decimal("0")) + 1 if current else Decimal("1"),
                    cumulative=current.cumulative if current else None,
                    note=current.note if current else "",
                ),
                reason=f"{code}の訂正",
                user=secretariat,
            )

    correct_some(["G1-1"])
    url = public_url("kpi:correction_history")
    # the strategy with its municipality; the corrections with their indicators and years; the
    # date of the latest publication (the footer of every public page)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    grow_strategy(nemuro, 10)
    extra = Indicator.objects.filter(strategy=nemuro, code__startswith="extra").values_list(
        "code", flat=True
    )
    correct_some(list(extra)[:10])
    with django_assert_num_queries(3):
        html = client.get(url).content.decode()
    assert html.count('id="correction-') == 11
