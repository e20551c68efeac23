"""Reminders to overdue departments (``manage.py send_reminders``): every department of an open
call past its deadline that has not submitted (未着手, 入力中 or 差戻し) gets one e-mail a day. A
``ReminderLog`` row per department per day makes a second run on the same day send nothing; a dry
run lists what would be sent and writes and sends nothing."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from strategy.models import Department

from ..models import DataCall, DepartmentSubmission, ReminderLog
from . import mail


@dataclass
class Reminder:
    submission: DepartmentSubmission
    addresses: list[str]
    already_sent: bool = False  # reminded earlier today: nothing sent again
    sent: int = 0  # messages handed to the mail backend (after the commit)


def overdue_submissions(*, today: date) -> list[tuple[DepartmentSubmission, bool]]:
    """(submission, already reminded today) for every department of every open call whose
    deadline has passed and that has not submitted, by year and department order. A department
    added after its call opened has no row yet: it comes unsaved."""
    calls = list(
        DataCall.objects.open()
        .filter(deadline__lt=today)
        .select_related("fiscal_year__strategy__municipality")
        .order_by("fiscal_year__strategy__slug", "fiscal_year__year")
    )
    if not calls:
        return []
    municipalities = {call.fiscal_year.strategy.municipality_id for call in calls}
    departments: dict[int, list[Department]] = {}
    for department in Department.objects.filter(municipality_id__in=municipalities):
        departments.setdefault(department.municipality_id, []).append(department)
    stored = {
        (s.call_id, s.department_id): s for s in DepartmentSubmission.objects.filter(call__in=calls)
    }
    reminded = set(
        ReminderLog.objects.filter(sent_on=today, submission__call__in=calls).values_list(
            "submission_id", flat=True
        )
    )
    found = []
    for call in calls:
        for department in departments.get(call.fiscal_year.strategy.municipality_id, []):
            submission = stored.get((call.pk, department.pk))
            if submission is None:
                submission = DepartmentSubmission(call=call, department=department)
            submission.call, submission.department = call, department
            if submission.is_overdue(today):
                found.append((submission, submission.pk in reminded))
    return found


def reminders_send(*, today: date, dry_run: bool = False) -> list[Reminder]:
    """Remind every overdue department once today (see the module). Each department in its own
    transaction: its log row, then its e-mail once committed."""
    reminders = []
    for submission, already in overdue_submissions(today=today):
        reminder = Reminder(
            submission, mail.department_addresses(submission.department_id), already_sent=already
        )
        reminders.append(reminder)
        if already or dry_run:
            continue
        _remind(reminder, today=today)
    return reminders


@transaction.atomic
def _remind(reminder: Reminder, *, today: date) -> None:
    submission = reminder.submission
    call, department = submission.call, submission.department
    if submission.pk is None:
        submission, _created = DepartmentSubmission.objects.get_or_create(
            call=call, department=department
        )
        submission.call, submission.department = call, department
        reminder.submission = submission
    if ReminderLog.objects.select_for_update().filter(submission=submission, sent_on=today):
        reminder.already_sent = True  # another run got there first
        return
    log = ReminderLog(submission=submission, sent_on=today, recipients=len(reminder.addresses))
    log.full_clean()
    log.save()

    def send():
        reminder.sent = mail.submission_overdue(submission, reminder.addresses)

    transaction.on_commit(send)
