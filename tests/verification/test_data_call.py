"""The yearly data call, through the pages: the secretariat opens H29's call → 第一課 enters and
submits → the secretariat returns it with a comment → 第一課 fixes and resubmits → accepted →
the readiness check lists what is still missing → published with a reason. A department sees only
its own submission and indicators; another city's secretariat finds nothing of Nemuro's; every
refusal leaves the database as it was; the board and 「自分の担当」 run a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.conftest import _user_in, member_of
from tests.factory import grow_strategy
from tests.kpi.test_year_entry import EntryForm
from verification.models import (
    DataCall,
    DepartmentSubmission,
    SubmissionStatus,
    SubmissionTransition,
    YearPublication,
)

SLUG = "nemuro-sousei-2015"
H29 = 2017
Status = SubmissionStatus


def url(name: str, **kwargs) -> str:
    return reverse(f"staff:{name}", kwargs={"slug": SLUG, **kwargs})


def dept_url(name: str, department, year: int = H29) -> str:
    return url(name, year=year, department_id=department.pk)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def goal_codes(*numbers) -> list[str]:
    """The codes of the goals' indicators in force in H29."""
    from strategy.models import Strategy

    nemuro = Strategy.objects.get(slug=SLUG)
    return list(
        Indicator.objects.filter(strategy=nemuro, goal__number__in=numbers)
        .in_force_in_year(nemuro, H29)
        .values_list("code", flat=True)
    )


def row_of(code: str) -> str:
    return f'<th scope="row">{code}</th>'


def submission(department) -> DepartmentSubmission:
    return DepartmentSubmission.objects.get(call__fiscal_year__year=H29, department=department)


def log_of(department) -> list[tuple]:
    return [
        (t.old_status, t.new_status, t.comment, t.user.username)
        for t in SubmissionTransition.objects.filter(submission__department=department)
    ]


@pytest.fixture
def departments(nemuro_departments):
    return nemuro_departments


@pytest.fixture
def member_a(departments):
    """A member of 第一課 (goals 1 and 2), with an e-mail address."""
    user = _user_in("担当課", "daiichi")
    user.email = "daiichi@example.jp"
    user.save()
    return member_of(user, departments[0])


@pytest.fixture
def member_b(departments):
    """A member of 第二課 (goal 3), with an e-mail address."""
    user = _user_in("担当課", "daini")
    user.email = "daini@example.jp"
    user.save()
    return member_of(user, departments[1])


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office(secretariat, nemuro):
    return client_of(secretariat)


def deadline(days: int = 14):
    return timezone.localdate() + timedelta(days=days)


def open_h29(office, days: int = 14, message: str = "4月末までに入力してください。"):
    return office.post(
        url("data_call_open", year=H29),
        {"deadline": deadline(days).isoformat(), "message": message},
        follow=True,
    )


def state_of_the_call() -> tuple:
    """Everything the data call and the publication write, to show that a refusal changed
    nothing."""
    return (
        list(DataCall.objects.values_list("pk", "deadline", "message")),
        list(
            DepartmentSubmission.objects.order_by("pk").values_list(
                "pk", "status", "comment", "submitted_at", "reviewed_at"
            )
        ),
        SubmissionTransition.objects.count(),
        list(FiscalYear.objects.filter(strategy__slug=SLUG).values_list("year", "published_at")),
        YearPublication.objects.count(),
    )


# --- The whole cycle -----------------------------------------------------------------------------


def test_the_whole_cycle_from_the_call_to_publication(
    nemuro,
    secretariat,
    office,
    departments,
    member_a,
    member_b,
    django_capture_on_commit_callbacks,
):
    first, second = departments
    a = client_of(member_a)

    # the secretariat opens H29's call: every department is 未着手 and is told by e-mail
    with django_capture_on_commit_callbacks(execute=True):
        response = open_h29(office)
    assert response.redirect_chain == [(url("data_call_board", year=H29), 302)]
    assert messages_of(response) == ["平成29年度の実績の照会を開始しました。担当課に通知しました。"]
    assert sorted(m.to[0] for m in mail.outbox) == ["daiichi@example.jp", "daini@example.jp"]
    assert "【実績の照会】平成29年度" in mail.outbox[0].subject
    assert "4月末までに入力してください。" in mail.outbox[0].body
    board = response.context["board"]
    assert [(r.department.name, r.status_label) for r in board.rows] == [
        ("第一課", "未着手"),
        ("第二課", "未着手"),
    ]

    # 第一課's member sees what is due: goals 1 and 2's indicators, none of goal 3's
    page = a.get(url("my_tasks")).content.decode()
    assert "平成29年度 — 第一課" in page and "第二課" not in page
    assert all(row_of(code) in page for code in goal_codes(1, 2))
    assert not any(row_of(code) in page for code in goal_codes(3))
    assert "4月末までに入力してください。" in page

    # 第一課 enters one result on the year-entry screen: its submission shows 入力中
    form = EntryForm(
        a.get(reverse("staff:year_entry", kwargs={"slug": SLUG, "year": H29})).content.decode()
    )
    response = a.post(
        reverse("staff:year_entry", kwargs={"slug": SLUG, "year": H29}),
        form.type("G1-1", value="1.60").fields,
    )
    assert response.status_code == 302
    board = office.get(url("data_call_board", year=H29)).context["board"]
    assert [r.status_label for r in board.rows] == ["入力中", "未着手"]
    assert (board.rows[0].coverage.recorded, board.rows[0].coverage.empty) == (
        1,
        board.rows[0].coverage.total - 1,
    )

    # submitting with empty indicators asks for a confirmation first
    response = a.post(dept_url("data_call_submit", first), {})
    assert response.status_code == 200
    assert "未入力の指標が" in response.content.decode()
    assert "確認欄にチェックを入れてください" in response.content.decode()
    assert submission(first).status == Status.NOT_STARTED
    response = a.post(dept_url("data_call_submit", first), {"confirm_empty": "on"}, follow=True)
    assert response.redirect_chain == [(url("my_tasks"), 302)]
    assert submission(first).status == Status.SUBMITTED

    # the secretariat returns it: a comment is required
    response = office.post(dept_url("data_call_return", first), {"comment": "　"})
    assert response.status_code == 200
    assert "差戻しの理由（コメント）を入力してください。" in response.content.decode()
    assert submission(first).status == Status.SUBMITTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            dept_url("data_call_return", first), {"comment": "G1-1の出典を注記してください。"}
        )
    assert response.status_code == 302
    assert submission(first).status == Status.RETURNED
    assert [m.to for m in mail.outbox] == [["daiichi@example.jp"]]
    assert "G1-1の出典を注記してください。" in mail.outbox[0].body

    # 第一課 sees the comment on its page and on the staff home, fixes and resubmits
    assert "G1-1の出典を注記してください。" in a.get(url("my_tasks")).content.decode()
    home = a.get(reverse("staff:home")).content.decode()
    assert "差し戻されました。" in home and "G1-1の出典を注記してください。" in home
    response = a.post(dept_url("data_call_submit", first), {"confirm_empty": "on"})
    assert response.status_code == 302
    assert submission(first).status == Status.SUBMITTED
    assert submission(first).comment == ""

    # accepted
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(dept_url("data_call_accept", first), follow=True)
    assert messages_of(response)[-1] == "第一課の平成29年度の実績を確認済みにしました。"
    assert submission(first).status == Status.ACCEPTED
    assert "【確認済】" in mail.outbox[0].subject and mail.outbox[0].to == ["daiichi@example.jp"]

    # every change is in the log: who, when, old → new, comment
    assert log_of(first) == [
        ("in_progress", "submitted", "", "daiichi"),
        ("submitted", "returned", "G1-1の出典を注記してください。", "jimukyoku"),
        ("returned", "submitted", "", "daiichi"),
        ("submitted", "accepted", "", "jimukyoku"),
    ]
    log = office.get(dept_url("data_call_submission", first)).content.decode()
    assert "入力中 → 提出済" in log and "提出済 → 差戻し" in log and "提出済 → 確認済" in log

    # the readiness check lists what is still missing
    check = office.get(url("publication_check", year=H29))
    readiness = check.context["readiness"]
    assert readiness.departments_not_accepted == [("第二課", "未着手")]
    assert len(readiness.empty_indicators) == readiness.indicator_count - 1
    assert readiness.measures_without_internal and readiness.goals_without_panel
    html = check.content.decode()
    assert "第二課（未着手）" in html and "不足があります" in html

    # publishing needs the confirmation, and with gaps a reason
    response = office.post(url("publish", year=H29), {"reason": "速報"})
    assert response.status_code == 200
    assert "確認欄にチェックを入れてください。" in response.content.decode()
    response = office.post(url("publish", year=H29), {"confirmed": "on"})
    assert response.status_code == 200
    assert "理由を入力してください。" in response.content.decode()
    assert FiscalYear.objects.get(strategy=nemuro, year=H29).published_at is None
    reason = "第二課の集計が遅れているが、第一課の実績を速報として公表する"
    response = office.post(url("publish", year=H29), {"confirmed": "on", "reason": reason})
    assert response.status_code == 302
    record = YearPublication.objects.get(fiscal_year__strategy=nemuro, fiscal_year__year=H29)
    assert (record.action, record.user, record.reason) == ("publish", secretariat, reason)

    # publishing the year closes its call
    assert "現在、提出を求められている照会はありません。" in a.get(url("my_tasks")).content.decode()
    before = state_of_the_call()
    response = client_of(member_b).post(
        dept_url("data_call_submit", second), {"confirm_empty": "on"}
    )
    assert "公表済みのため、照会は終了しています。" in response.content.decode()
    assert state_of_the_call() == before


def test_a_year_without_results_can_be_published_only_with_confirmation_and_reason(nemuro, office):
    """No call for H30 at all: the check says so and still lists the other gaps."""
    check = office.get(url("publication_check", year=2018)).context["readiness"]
    assert check.call is None and check.departments_not_accepted == []
    assert len(check.empty_indicators) == check.indicator_count > 0
    response = office.post(
        url("publish", year=2018), {"confirmed": "on", "reason": "試験公開"}, follow=True
    )
    assert messages_of(response) == [
        "平成30年度を公表しました。実績と検証結果が公開ページに表示されます。"
    ]


# --- Who sees what ---------------------------------------------------------------------------------


def test_a_department_never_sees_another_departments_submission_or_indicators(
    nemuro, office, departments, member_a, member_b
):
    first, second = departments
    open_h29(office)
    office.post(dept_url("data_call_return", first), {"comment": "x"})  # refused: not submitted
    b = client_of(member_b)
    for name in ("data_call_submission", "data_call_submit"):
        assert b.get(dept_url(name, first)).status_code in (404, 405)
        assert b.post(dept_url(name, first), {"confirm_empty": "on"}).status_code == 404
    assert submission(first).status == Status.NOT_STARTED
    page = b.get(url("my_tasks")).content.decode()
    assert "第一課" not in page
    assert all(row_of(code) in page for code in goal_codes(3))
    assert not any(row_of(code) in page for code in goal_codes(1, 2))
    # their own is there
    assert b.get(dept_url("data_call_submission", second)).status_code == 200
    # the secretariat's pages are not theirs
    assert b.get(url("data_call_board", year=H29)).status_code == 403
    assert b.post(dept_url("data_call_accept", second)).status_code == 403


def test_another_municipalitys_secretariat_finds_nothing_of_nemuros(
    nemuro, office, departments, other_municipality
):
    open_h29(office)
    stranger = client_of(_user_in("事務局", "tashi", other_municipality.code))
    for name in ("data_call_index", "my_tasks"):
        assert stranger.get(url(name)).status_code == 404
    assert stranger.get(url("data_call_board", year=H29)).status_code == 404
    assert stranger.get(url("publication_check", year=H29)).status_code == 404
    for name in ("data_call_submission", "data_call_accept", "data_call_return"):
        assert stranger.post(dept_url(name, departments[0]), {"comment": "x"}).status_code == 404
    # nor a department of theirs on Nemuro's call
    from strategy.models import Department

    theirs = Department.objects.create(municipality=other_municipality, name="他市の課")
    assert office.get(dept_url("data_call_submission", theirs)).status_code == 404


def test_a_panel_member_has_no_data_call_pages(nemuro, office, panel_member, departments):
    open_h29(office)
    panel = client_of(panel_member)
    for target in (
        url("data_call_index"),
        url("my_tasks"),
        url("data_call_board", year=H29),
        dept_url("data_call_submission", departments[0]),
    ):
        assert panel.get(target).status_code == 403


# --- Refusals: the database unchanged --------------------------------------------------------------


def test_every_refusal_leaves_the_database_unchanged(
    nemuro, office, departments, member_a, django_capture_on_commit_callbacks
):
    first, second = departments
    a = client_of(member_a)
    with django_capture_on_commit_callbacks(execute=True):
        open_h29(office)
    mail.outbox.clear()
    attempts = [
        # a second call for the same year
        (office, url("data_call_open", year=H29), {"deadline": deadline().isoformat()}, None),
        # a call for a published year, a deadline in the past, no deadline, a malformed one
        (office, url("data_call_open", year=2016), {"deadline": deadline().isoformat()}, None),
        (
            office,
            url("data_call_open", year=2018),
            {"deadline": deadline(-1).isoformat()},
            "提出期限は今日以降の日付にしてください。",
        ),
        (office, url("data_call_open", year=2018), {}, "提出期限を入力してください。"),
        (
            office,
            url("data_call_open", year=2018),
            {"deadline": "来月"},
            "提出期限は 2018-05-31 のように入力してください。",
        ),
        # accepting or returning what was not submitted
        (
            office,
            dept_url("data_call_accept", first),
            {},
            "第一課は提出されていないため、確認できません（現在：未着手）。",
        ),
        (office, dept_url("data_call_return", first), {"comment": "再確認"}, "差し戻せません"),
        # submitting empty indicators unconfirmed
        (a, dept_url("data_call_submit", first), {}, "確認欄にチェックを入れてください"),
        # publishing without confirmation, or with gaps and no reason
        (office, url("publish", year=H29), {}, "確認欄にチェックを入れてください。"),
        (office, url("publish", year=H29), {"confirmed": "on"}, "理由を入力してください。"),
    ]
    for client, target, data, message in attempts:
        before = state_of_the_call()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target, data, follow=True)
        assert response.status_code == 200, target
        if message:
            assert message in response.content.decode(), (target, data)
        assert state_of_the_call() == before, (target, data)
    assert mail.outbox == []
    # a submission twice, an acceptance twice
    a.post(dept_url("data_call_submit", first), {"confirm_empty": "on"})
    before = state_of_the_call()
    response = a.post(dept_url("data_call_submit", first), {"confirm_empty": "on"})
    assert "第一課は既に提出済みです。" in response.content.decode()
    assert state_of_the_call() == before
    office.post(dept_url("data_call_accept", first))
    before = state_of_the_call()
    response = office.post(dept_url("data_call_accept", first), follow=True)
    assert messages_of(response)[-1] == "第一課は既に確認済みです。"
    assert state_of_the_call() == before


def test_a_returned_submission_needs_its_comment_in_the_database_too(nemuro, office, departments):
    from django.core.exceptions import ValidationError

    open_h29(office)
    row = submission(departments[0])
    row.status = Status.RETURNED
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "差戻しにはコメントが必要です。" in str(caught.value)


# --- The board --------------------------------------------------------------------------------------


def test_the_board_marks_overdue_departments_in_words_and_lists_the_unassigned_indicators(
    nemuro, office, departments
):
    from strategy.models import Measure

    open_h29(office)
    # goal 3's measures lose their department: their KPIs are 未割当
    Measure.objects.filter(strategy=nemuro, policy__goal__number=3).update(department=None)
    DataCall.objects.update(deadline=timezone.localdate() - timedelta(days=1))
    response = office.get(url("data_call_board", year=H29))
    html = response.content.decode()
    board = response.context["board"]
    assert [row.overdue for row in board.rows] == [True, True]
    assert html.count('<strong class="behind">期限超過</strong>') == 2
    assert "期限超過 2課" in html
    unassigned = [e.indicator.code for e in board.unassigned.entries]
    kpis_of_goal_3 = list(
        Indicator.objects.filter(strategy=nemuro, goal__number=3, measure__isnull=False)
        .in_force_in_year(nemuro, H29)
        .values_list("code", flat=True)
    )
    assert sorted(unassigned) == sorted(kpis_of_goal_3)
    assert "未割当の指標" in html and all(row_of(code) in html for code in unassigned)


def test_a_department_added_after_the_call_opened_is_on_the_board_and_can_submit(
    nemuro, office, departments, member_a
):
    from strategy.models import Department

    open_h29(office)
    third = Department.objects.create(municipality=nemuro.municipality, name="第三課", order=3)
    board = office.get(url("data_call_board", year=H29)).context["board"]
    assert [(r.department.name, r.status_label) for r in board.rows][-1] == ("第三課", "未着手")
    member_of(member_a, third)
    response = client_of(member_a).post(dept_url("data_call_submit", third), {})
    assert response.status_code == 302  # nothing to enter: nothing to confirm
    assert submission(third).status == Status.SUBMITTED


# --- The staff home --------------------------------------------------------------------------------


def test_the_staff_home_shows_the_open_call_and_the_departments_status(
    nemuro, office, departments, member_a, member_b
):
    open_h29(office)
    a = client_of(member_a)
    a.post(dept_url("data_call_submit", departments[0]), {"confirm_empty": "on"})
    home = a.get(reverse("staff:home")).content.decode()
    label = deadline().strftime("%Y年") + f"{deadline().month}月{deadline().day}日"
    assert f"平成29年度の実績の照会（提出期限 {label}）" in home
    assert "第一課：提出済" in home and "第二課" not in home
    b_home = client_of(member_b).get(reverse("staff:home")).content.decode()
    assert "第二課：未着手" in b_home
    office_home = office.get(reverse("staff:home")).content.decode()
    assert "確認待ち（提出済）1課・期限超過 0課" in office_home


# --- Query counts ----------------------------------------------------------------------------------


@pytest.fixture
def prepared(nemuro, office, departments, member_a, warm_caches):
    open_h29(office)
    Achievement.objects.create(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=H29),
        value=Decimal("1.60"),
    )
    return client_of(member_a)


def count(client, target) -> int:
    client.get(target)  # session and caches as on any later visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


def test_the_board_and_my_tasks_run_the_same_queries_whatever_the_data_size(
    nemuro, office, prepared
):
    a = prepared
    board, tasks = url("data_call_board", year=H29), url("my_tasks")
    small = (count(office, board), count(a, tasks))
    grow_strategy(nemuro, 25)
    large = (count(office, board), count(a, tasks))
    # the board: session, user, the user's memberships, strategy, the year with its call, the
    # departments, the call's submissions, the adopted revisions, the indicators, the results (10)
    # 自分の担当: session, user, memberships (2: roles, departments), strategy, the open calls, the
    # member's departments, their submissions, revisions, indicators, results (11)
    assert small == large == (10, 11), (small, large)
