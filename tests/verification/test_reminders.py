"""python manage.py send_reminders [--dry-run]: every department of an open call past its
deadline that has not submitted gets one e-mail a day; a second run the same day sends nothing;
a dry run sends and records nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from strategy.models import FiscalYear
from tests.conftest import _user_in, member_of
from verification.cycle.reminders import reminders_send
from verification.cycle.services import data_call_open, submission_submit
from verification.models import DataCall, ReminderLog

H29 = 2017


@pytest.fixture
def overdue_call(nemuro, nemuro_departments, secretariat):
    """H29's call, its deadline yesterday; 第一課 has two members with an address and one
    without, 第二課 one member; 第二課 has submitted."""
    first, second = nemuro_departments
    for name, department, email in (
        ("a1", first, "a1@example.jp"),
        ("a2", first, "a2@example.jp"),
        ("a3", first, ""),
        ("b1", second, "b1@example.jp"),
    ):
        user = _user_in("担当課", name)
        user.email = email
        user.save()
        member_of(user, department)
    today = timezone.localdate()
    call = data_call_open(
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=H29),
        deadline=today,
        user=secretariat,
        today=today,
    )
    submission_submit(call=call, department=second, user=None, confirm_empty=True)
    DataCall.objects.filter(pk=call.pk).update(deadline=today - timedelta(days=1))
    mail.outbox.clear()
    return call


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_the_overdue_departments_and_sends_nothing(overdue_call):
    text = run("--dry-run")
    assert "督促予定：" in text and "第一課" in text and "宛先 2件" in text
    assert "第二課" not in text  # submitted
    assert "--dry-run" in text
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_overdue_departments_are_reminded_once_a_day(
    overdue_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        text = run()
    assert sorted(m.to[0] for m in mail.outbox) == ["a1@example.jp", "a2@example.jp"]
    assert "【督促】平成29年度の実績（第一課）の提出期限" in mail.outbox[0].subject
    assert "督促：" in text and "宛先 2件" in text and "督促した担当課：1課" in text
    log = ReminderLog.objects.get()
    assert (log.submission.department.name, log.sent_on, log.recipients) == (
        "第一課",
        timezone.localdate(),
        2,
    )

    # the same day again: nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        text = run()
    assert mail.outbox == [] and ReminderLog.objects.count() == 1
    assert "本日は督促済み：" in text

    # the next day: once more
    tomorrow = timezone.localdate() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        reminders = reminders_send(today=tomorrow)
    assert [r.sent for r in reminders] == [2]
    assert ReminderLog.objects.count() == 2


def test_nothing_is_sent_before_the_deadline_or_once_the_year_is_published(
    overdue_call, django_capture_on_commit_callbacks
):
    DataCall.objects.update(deadline=timezone.localdate())
    assert "提出期限を過ぎた担当課はありません。" in run()
    DataCall.objects.update(deadline=timezone.localdate() - timedelta(days=3))
    FiscalYear.objects.filter(pk=overdue_call.fiscal_year_id).update(published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert "提出期限を過ぎた担当課はありません。" in run()
    assert mail.outbox == [] and not ReminderLog.objects.exists()
