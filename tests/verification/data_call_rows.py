"""Rows of every data call model for the tests that walk the admin registry (the admin matrix,
the pinned changelists): a call for the strategy's last year with, for each department of its
municipality (one is added when it has none), a submission returned after being submitted (its
two log rows) and a reminder."""

from datetime import date

from strategy.models import Department, FiscalYear
from verification.models import (
    DataCall,
    DepartmentSubmission,
    ReminderLog,
    SubmissionStatus,
    SubmissionTransition,
)


def add_data_call_rows(strategy, user=None) -> DataCall:
    municipality_id = strategy.municipality_id
    if not Department.objects.filter(municipality_id=municipality_id).exists():
        Department.objects.create(municipality_id=municipality_id, name=f"{strategy.slug}の課")
    fiscal_year = FiscalYear.objects.filter(strategy=strategy).order_by("-year").first()
    call = DataCall.objects.create(
        fiscal_year=fiscal_year, deadline=date(2018, 5, 31), opened_by=user
    )
    for department in Department.objects.filter(municipality_id=municipality_id):
        submission = DepartmentSubmission.objects.create(
            call=call, department=department, status=SubmissionStatus.RETURNED, comment="再確認"
        )
        for old, new in (
            (SubmissionStatus.IN_PROGRESS, SubmissionStatus.SUBMITTED),
            (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED),
        ):
            SubmissionTransition.objects.create(
                submission=submission, old_status=old, new_status=new, user=user
            )
        ReminderLog.objects.create(submission=submission, sent_on=date(2018, 6, 1))
    return call
