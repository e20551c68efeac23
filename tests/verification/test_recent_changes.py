"""Staff read the audit trail: the latest changes to results, verdicts, opinions, indicator targets
and 事業量 of a strategy, with who, when (Japan time) and old → new, newest first."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear, Measure, ProjectOutputLine
from tests.factory import grow_strategy, make_strategy, make_tree
from verification.models import InternalReview, PanelOpinion
from verification.selectors.changes import recent_changes_page

SLUG = "nemuro-sousei-2015"
URL = reverse("staff:recent_changes", kwargs={"slug": SLUG})
# Far after the seed was loaded, so these changes are the newest.
LATER = datetime.datetime(2040, 3, 31, 15, 30, tzinfo=datetime.UTC)  # 2040-04-01 00:30 in Tokyo


def fields_of(change) -> dict[str, tuple[str, str]]:
    return {f.label: (f.old, f.new) for f in change.fields}


@pytest.fixture
def named_secretariat(secretariat):
    secretariat.first_name = "根室花子"
    secretariat.save()
    return secretariat


@pytest.fixture
def h28_birth_rate(nemuro) -> Achievement:
    return Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2016
    )


def save_as(obj, user, when=LATER):
    """Save through simple-history as `user` at `when` (what the middleware does for a request)."""
    obj._history_user = user
    obj._history_date = when
    obj.save()


# --- Who may read it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["secretariat", "department", "panel_member"])
def test_every_staff_role_may_read_the_recent_changes(request, as_user, nemuro, role):
    response = as_user(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    assert "最近の変更（監査記録）" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, nemuro):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_logged_in_user_without_a_role_is_forbidden(as_user, nemuro):
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.create_user("shimin", password="pw-secret-123")
    assert as_user(citizen).get(URL).status_code == 403


# --- What each line says -----------------------------------------------------------------------


def test_a_changed_result_shows_who_when_what_and_old_to_new(
    as_user, nemuro, named_secretariat, h28_birth_rate
):
    h28_birth_rate.value = Decimal("1.56")
    h28_birth_rate.note = "H26 数値（確定値）"
    save_as(h28_birth_rate, named_secretariat)

    response = as_user(named_secretariat).get(URL)
    change = response.context["page_obj"].object_list[0]
    assert change.who == "根室花子"
    assert change.action == "変更"
    assert change.what == "実績 G1-1 合計特殊出生率 H28"
    assert fields_of(change) == {
        "実績値": ("1.53", "1.56"),
        "注記": ("H26 数値", "H26 数値（確定値）"),
    }
    html = response.content.decode()
    assert "2040年4月1日 00:30:00" in html  # Asia/Tokyo, not UTC
    assert '<time datetime="2040-04-01T00:30:00+09:00">' in html
    assert "<strong>実績値</strong>：1.53 → 1.56" in html
    assert '<th scope="row">実績 G1-1 合計特殊出生率 H28</th>' in html


def test_a_new_h29_result_shows_its_values(nemuro, department):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    achievement = Achievement(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=h29,
        value=Decimal("1.77"),
        note="H27 数値",
        data_year=2015,
    )
    save_as(achievement, department)
    [change] = recent_changes_page(nemuro, per_page=1).object_list
    assert (change.action, change.who, change.what) == (
        "追加",
        "tantouka",
        "実績 G1-1 合計特殊出生率 H29",
    )
    assert fields_of(change) == {
        "状態": ("", "実績あり"),
        "実績値": ("", "1.77"),
        "注記": ("", "H27 数値"),
        "データの年度": ("", "2015"),
    }


def test_a_deleted_opinion_shows_its_old_text(nemuro, secretariat):
    opinion = PanelOpinion.objects.filter(review__goal__strategy=nemuro).order_by("pk").first()
    text = opinion.text
    opinion._history_user = secretariat
    opinion._history_date = LATER
    opinion.delete()
    [change] = recent_changes_page(nemuro, per_page=1).object_list
    assert change.action == "削除" and change.who == "jimukyoku"
    assert change.what == "意見等 基本目標1 H27 1番目"
    assert fields_of(change) == {"意見等": (text, "")}


def test_verdicts_targets_and_outputs_are_listed_with_their_names(nemuro, secretariat):
    review = InternalReview.objects.get(
        measure=Measure.objects.get(strategy=nemuro, code="1ア①"), fiscal_year__year=2016
    )
    review.grade = "C"
    save_as(review, secretariat, LATER)
    indicator = Indicator.objects.get(strategy=nemuro, code="3ウ①-1")
    old_target = indicator.target_text
    indicator.target_text = "5年で総額120億円増加"
    save_as(indicator, secretariat, LATER + datetime.timedelta(seconds=1))
    line = ProjectOutputLine.objects.filter(text="延べ222,345件").get()
    line.text = "延べ222,346件"
    save_as(line, secretariat, LATER + datetime.timedelta(seconds=2))

    newest = recent_changes_page(nemuro, per_page=3).object_list
    assert [c.what for c in newest] == [
        "事業量 H28 ふるさと納税推進事業：ふるさと応援寄附件数",
        "指標 3ウ①-1 " + indicator.name,
        "内部検証 1ア① H28",
    ]
    assert fields_of(newest[0]) == {"事業量（表記）": ("延べ222,345件", "延べ222,346件")}
    assert fields_of(newest[1]) == {"目標（表記）": (old_target, "5年で総額120億円増加")}
    assert fields_of(newest[2]) == {"検証結果": ("B 概ね順調に進んでいる", "C やや遅れている")}


def test_changes_without_a_user_come_from_the_seed(as_user, nemuro, secretariat):
    page = as_user(secretariat).get(URL).context["page_obj"]
    assert {change.who for change in page.object_list} == {"種データ"}
    assert {change.action for change in page.object_list} == {"追加"}


# --- Order, paging and scope -------------------------------------------------------------------


def test_the_changes_are_newest_first_a_hundred_to_a_page(as_user, nemuro, secretariat):
    client = as_user(secretariat)
    first = client.get(URL).context["page_obj"]
    # results, indicators (2 changed), verdicts, outputs, and the project listings' history (the
    # 127 seeded listings created, one changed by the seed: 128 records; listings can be restored
    # from this page)
    seeded = 50 + 55 + 18 + 2 + 10 + 47 + 66 + 128
    assert first.paginator.count == seeded
    assert len(first.object_list) == 100 and first.paginator.num_pages == 4
    last = client.get(URL, {"page": 4}).context["page_obj"]
    assert len(last.object_list) == seeded - 300
    dates = [c.when for c in first.object_list] + [c.when for c in last.object_list]
    assert dates == sorted(dates, reverse=True)
    html = client.get(URL, {"page": 2}).content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html and "2 / 4ページ" in html


def test_another_strategys_changes_are_not_listed(nemuro, secretariat):
    other = make_strategy()
    kpi = make_tree(other)
    result = Achievement(
        indicator=kpi, fiscal_year=FiscalYear.objects.get(strategy=other, year=2020), value=5
    )
    save_as(result, secretariat)
    [newest, *_] = recent_changes_page(other).object_list
    assert newest.what == "実績 1ア①-1 相談件数 R2"
    assert recent_changes_page(other).paginator.count == 2  # the KPI and its result
    assert "実績 1ア①-1 相談件数 R2" not in [
        c.what for c in recent_changes_page(nemuro).object_list
    ]


def test_the_page_runs_the_same_number_of_queries_whatever_the_data_size(
    as_user, nemuro, secretariat, warm_caches
):
    client = as_user(secretariat)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    grow_strategy(nemuro, 25)  # 300 more changes, the newest page now of other models
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL, {"page": 2}).status_code == 200
    # session, user, the user's and the groups' permissions, the user's memberships, strategy, the
    # count of changes, the page's index, one query per tracked model (8, project listings
    # included)
    assert len(small) == len(large) == 16, [q["sql"][:80] for q in large.captured_queries]
