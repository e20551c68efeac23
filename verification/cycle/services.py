"""Writes of the yearly data call. Each is keyword-only and atomic, checks the rules before it
saves (``full_clean`` on every row), records every status change in ``SubmissionTransition`` (who,
when, old → new, comment) and sends its e-mail only once the change is committed.

The cycle per department (DESIGN.md §2):

* 未着手 — the call is open, nothing entered yet;
* 入力中 — never stored: a submission still 未着手 shows 入力中 as soon as any result of its
  indicators for the year exists (the year-entry screen lives in kpi, a lower layer that may not
  call the data call; ``DepartmentSubmission.effective_status``);
* 提出済 — the department submitted (with its empty indicators confirmed, if any);
* 確認済 — the secretariat accepted it;
* 差戻し — the secretariat returned it with a comment: the department is back to entering (入力中
  with that comment outstanding) and submits again. A submission already 確認済 may still be
  returned while the year is unpublished (an error found later).

A call stays open until its year is published; nothing changes in a closed call."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.models import Department, FiscalYear

from ..models import DataCall, DepartmentSubmission, SubmissionStatus, SubmissionTransition
from ..selectors.data_call import empty_coverage, status_of, year_coverage
from . import mail

Status = SubmissionStatus


def _refuse(message: str, code: str, field: str | None = None, **params):
    error = ValidationError(message, code=code, params=params or None)
    raise ValidationError({field: error}) if field else error


def _department_coverage(call: DataCall, department: Department):
    strategy = call.fiscal_year.strategy
    coverage = year_coverage(strategy, [call.fiscal_year])
    return coverage.get((call.fiscal_year_id, department.pk)) or empty_coverage(department.pk)


def _locked_submission(call: DataCall, department: Department) -> DepartmentSubmission:
    """The department's submission to `call`, locked for this transaction (created 未着手 for a
    department added after the call opened)."""
    if department.municipality_id != call.fiscal_year.strategy.municipality_id:
        _refuse(_("別の団体の担当課です。"), "department_other_municipality")
    submission, _created = DepartmentSubmission.objects.select_for_update().get_or_create(
        call=call, department=department
    )
    submission.call, submission.department = call, department
    return submission


def _check_open(call: DataCall) -> None:
    if not call.is_open:
        _refuse(
            _("%(year)sは公表済みのため、照会は終了しています。"),
            "call_closed",
            year=call.fiscal_year.long_label,
        )


def _move(
    submission: DepartmentSubmission, *, old: str, new: str, user, comment: str = ""
) -> DepartmentSubmission:
    submission.status = new
    submission.full_clean()
    submission.save()
    transition = SubmissionTransition(
        submission=submission, old_status=old, new_status=new, comment=comment, user=user
    )
    transition.full_clean()
    transition.save()
    return submission


def _load_call(call: DataCall) -> DataCall:
    """The call again, with its year and strategy, its year locked for this transaction (so a
    publication cannot slip in between the check and the change)."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=call.fiscal_year_id)
    call = DataCall.objects.select_related("fiscal_year__strategy__municipality", "opened_by").get(
        pk=call.pk
    )
    call.fiscal_year.published_at = fiscal_year.published_at
    return call


@transaction.atomic
def data_call_open(
    *, fiscal_year: FiscalYear, deadline: date | None, message: str = "", user, today: date
) -> DataCall:
    """Open the data call of `fiscal_year` with a deadline (today or later) and an optional
    message: every department of the municipality gets a submission, 未着手; their members are
    told by e-mail. One call per year, and none for a published year."""
    fiscal_year = (
        FiscalYear.objects.select_for_update()
        .select_related("strategy__municipality")
        .get(pk=fiscal_year.pk)
    )
    if fiscal_year.published_at is not None:
        _refuse(
            _("%(year)sは公表済みです。公表済みの年度には照会できません。"),
            "year_published",
            year=fiscal_year.long_label,
        )
    if DataCall.objects.filter(fiscal_year=fiscal_year).exists():
        _refuse(
            _("%(year)sの照会は既に開始しています。"),
            "call_exists",
            year=fiscal_year.long_label,
        )
    if deadline is None:
        _refuse(_("提出期限を入力してください。"), "deadline_required", "deadline")
    if deadline < today:
        _refuse(_("提出期限は今日以降の日付にしてください。"), "deadline_past", "deadline")
    call = DataCall(
        fiscal_year=fiscal_year, deadline=deadline, message=message.strip(), opened_by=user
    )
    call.full_clean()
    call.save()
    for department in Department.objects.filter(
        municipality_id=fiscal_year.strategy.municipality_id
    ):
        submission = DepartmentSubmission(call=call, department=department)
        submission.full_clean(validate_constraints=False)  # the call is new: no duplicate
        submission.save()
    transaction.on_commit(lambda: mail.call_opened(call))
    return call


@transaction.atomic
def submission_submit(
    *, call: DataCall, department: Department, user, confirm_empty: bool = False
) -> DepartmentSubmission:
    """The department submits its results to `call`: from 未着手 / 入力中 / 差戻し to 提出済. With
    indicators still 未入力 it needs `confirm_empty` (the page asks)."""
    call = _load_call(call)
    _check_open(call)
    submission = _locked_submission(call, department)
    coverage = _department_coverage(call, department)
    old = status_of(submission, coverage)
    if submission.status == Status.SUBMITTED:
        _refuse(_("%(department)sは既に提出済みです。"), "already_submitted", department=department)
    if submission.status == Status.ACCEPTED:
        _refuse(
            _("%(department)sは事務局が確認済みのため、提出できません。"),
            "already_accepted",
            department=department,
        )
    if coverage.empty and not confirm_empty:
        _refuse(
            _(
                "未入力の指標が%(count)s件あります。このまま提出する場合は、"
                "確認欄にチェックを入れてください。"
            ),
            "empty_not_confirmed",
            "confirm_empty",
            count=coverage.empty,
        )
    submission.comment = ""
    submission.submitted_at = timezone.now()
    submission.submitted_by = user
    return _move(submission, old=old, new=Status.SUBMITTED, user=user)


@transaction.atomic
def submission_accept(*, submission: DepartmentSubmission, user) -> DepartmentSubmission:
    """The secretariat accepts a submitted department's results (提出済 → 確認済); the department's
    members are told by e-mail."""
    call = _load_call(submission.call)
    _check_open(call)
    submission = _locked_submission(call, submission.department)
    if submission.status == Status.ACCEPTED:
        _refuse(
            _("%(department)sは既に確認済みです。"),
            "already_accepted",
            department=submission.department,
        )
    if submission.status != Status.SUBMITTED:
        _refuse(
            _("%(department)sは提出されていないため、確認できません（現在：%(status)s）。"),
            "not_submitted",
            department=submission.department,
            status=Status(submission.status).label,
        )
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = user
    _move(submission, old=Status.SUBMITTED, new=Status.ACCEPTED, user=user)
    transaction.on_commit(lambda: mail.submission_accepted(submission))
    return submission


@transaction.atomic
def submission_return(
    *, submission: DepartmentSubmission, user, comment: str
) -> DepartmentSubmission:
    """The secretariat returns a submitted (or accepted) department's results with a comment
    saying what to fix (→ 差戻し); the department's members are told by e-mail."""
    comment = comment.strip()
    if not comment:
        _refuse(_("差戻しの理由（コメント）を入力してください。"), "comment_required", "comment")
    call = _load_call(submission.call)
    _check_open(call)
    submission = _locked_submission(call, submission.department)
    if submission.status not in (Status.SUBMITTED, Status.ACCEPTED):
        _refuse(
            _("%(department)sは提出されていないため、差し戻せません（現在：%(status)s）。"),
            "not_submitted",
            department=submission.department,
            status=Status(submission.status).label,
        )
    old = submission.status
    submission.comment = comment
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = user
    _move(submission, old=old, new=Status.RETURNED, user=user, comment=comment)
    transaction.on_commit(lambda: mail.submission_returned(submission))
    return submission
