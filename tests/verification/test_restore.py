"""The secretariat puts a changed or deleted row back from the recent-changes page (この版に戻す):
the restore is recorded with who and why; refusals leave the database as it was."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear, ProjectListing
from verification.selectors.changes import recent_changes_page

SLUG = "nemuro-sousei-2015"
CHANGES = reverse("staff:recent_changes", kwargs={"slug": SLUG})
RESTORE = reverse("staff:restore_change", kwargs={"slug": SLUG})
LATER = datetime.datetime(2040, 3, 31, 15, 30, tzinfo=datetime.UTC)


def result(nemuro, year: int) -> Achievement:
    """A seeded result of that year with a value."""
    return (
        Achievement.objects.filter(indicator__strategy=nemuro, fiscal_year__year=year)
        .exclude(value=None)
        .order_by("indicator__code")
        .first()
    )


def save_as(obj, user, when=LATER):
    obj._history_user = user
    obj._history_date = when
    obj.save()


def post(client, record, reason="入力誤りを戻す"):
    return client.post(
        RESTORE,
        {
            "model": record.instance._meta.label_lower,
            "history_id": record.history_id,
            "reason": reason,
        },
        follow=True,
    )


def state() -> tuple:
    """What a refusal must leave alone: every result and listing, and their history."""
    return (
        list(Achievement.objects.order_by("pk").values_list("pk", "value", "state", "note")),
        list(ProjectListing.objects.order_by("pk").values_list("pk", "measure", "position")),
        Achievement.history.count(),
        ProjectListing.history.count(),
    )


@pytest.fixture
def changed_h29(nemuro, department) -> tuple[Achievement, object]:
    """H29's 合計特殊出生率 (H29 is not published), entered, then changed."""
    original = Decimal("1.77")
    row = Achievement(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
        value=original,
    )
    save_as(row, department, LATER - datetime.timedelta(hours=1))
    version = row.history.latest()
    row.value = original + Decimal("0.5")
    save_as(row, department)
    assert version.value == original
    return row, version


def test_the_secretariat_sees_a_restore_button_per_change(as_user, secretariat, changed_h29):
    html = as_user(secretariat).get(CHANGES).content.decode()
    assert "この版に戻す" in html and 'name="reason"' in html


def test_a_department_sees_no_restore_button(as_user, department, changed_h29):
    html = as_user(department).get(CHANGES).content.decode()
    assert "この版に戻す" not in html


def test_the_secretariat_restores_a_changed_h29_result(as_user, secretariat, changed_h29):
    row, version = changed_h29
    response = post(as_user(secretariat), version)
    assert "この版に戻しました" in response.content.decode()
    row.refresh_from_db()
    assert row.value == version.value
    audit = row.history.order_by("-history_id").first()  # made now, before LATER
    assert audit.history_user == secretariat
    assert audit.history_change_reason == "入力誤りを戻す"
    assert audit.history_type == "~"


def test_the_secretariat_restores_a_deleted_project_listing(as_user, secretariat, nemuro):
    listing = ProjectListing.objects.filter(measure__strategy=nemuro).order_by("pk").first()
    before = ProjectListing.objects.filter(pk=listing.pk).values().get()
    listing.delete()
    deletion = ProjectListing.history.filter(id=before["id"], history_type="-").get()
    changes = recent_changes_page(nemuro).object_list
    assert any(c.history_id == deletion.history_id and c.action == "削除" for c in changes)
    response = post(as_user(secretariat), deletion, reason="誤って削除したため")
    assert "この版に戻しました" in response.content.decode()
    assert ProjectListing.objects.filter(pk=before["id"]).values().get() == before
    audit = ProjectListing.history.filter(id=before["id"]).order_by("-history_id").first()
    assert (audit.history_type, audit.history_user, audit.history_change_reason) == (
        "+",
        secretariat,
        "誤って削除したため",
    )


# --- refusals ----------------------------------------------------------------------------------


def test_a_restore_without_a_reason_changes_nothing(as_user, secretariat, changed_h29):
    _row, version = changed_h29
    before = state()
    response = post(as_user(secretariat), version, reason="  ")
    assert "戻す理由を入力してください。" in response.content.decode()
    assert state() == before


def test_a_published_years_result_is_not_restored(as_user, secretariat, nemuro, department):
    row = result(nemuro, 2016)  # H28, published: locked
    save_as(row, department, LATER - datetime.timedelta(hours=1))  # history only, unchanged
    version = row.history.latest()
    before = state()
    response = post(as_user(secretariat), version)
    html = response.content.decode()
    assert "公表済み" in html and "この版に戻しました" not in html
    assert state() == before


def test_a_restore_that_breaks_a_constraint_changes_nothing(as_user, secretariat, nemuro):
    listing = ProjectListing.objects.filter(measure__strategy=nemuro).order_by("pk").first()
    pk, measure, position = listing.pk, listing.measure, listing.position
    listing.delete()
    deletion = ProjectListing.history.filter(id=pk, history_type="-").get()
    # another listing takes its place in the table meanwhile
    other = ProjectListing.objects.filter(measure=measure).exclude(pk=pk).first()
    other.position = position
    other.save()
    before = state()
    response = post(as_user(secretariat), deletion)
    assert "戻せませんでした" in response.content.decode()
    assert state() == before


def test_another_citys_secretariat_cannot_restore(client, nemuro, changed_h29, other_municipality):
    from tests.conftest import _user_in

    stranger = _user_in("事務局", "tashi-jimukyoku", other_municipality.code)
    client.force_login(stranger)
    _row, version = changed_h29
    before = state()
    response = post(client, version)
    assert response.status_code == 404
    assert state() == before


def test_a_change_of_another_strategy_is_not_found_here(as_user, secretariat, other_strategy):
    row = Achievement.objects.filter(indicator__strategy=other_strategy).first()
    if row is None:
        pytest.skip("the other strategy has no result")
    save_as(row, secretariat)
    before = state()
    response = post(as_user(secretariat), row.history.latest())
    assert "戻す変更が見つかりません。" in response.content.decode()
    assert state() == before


def test_an_opinion_of_a_deleted_review_waits_for_its_review(as_user, secretariat, nemuro):
    from verification.models import PanelOpinion, PanelReview

    review = PanelReview.objects.filter(goal__strategy=nemuro, opinions__isnull=False).first()
    opinion = review.opinions.order_by("position").first()
    opinion_id = opinion.pk
    review.delete()  # its opinions go with it
    deletion = PanelOpinion.history.filter(id=opinion_id, history_type="-").get()
    before = state()
    response = post(as_user(secretariat), deletion)
    assert "先にそちらを戻してください" in response.content.decode()
    assert state() == before and not PanelOpinion.objects.filter(pk=opinion_id).exists()
