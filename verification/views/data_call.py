"""The yearly data call's pages (実績の照会 → 提出 → 確認 / 差戻し):

* the secretariat: the list of calls, a year's completion board (department × status, indicators
  入力済 / 集計中・未集計 / 未入力, 期限超過 in words, the 未割当 indicators) where a call is opened,
  and each department's submission with its log, to accept (確認) or return (差戻し) it;
* a department member: 「自分の担当」 (what each open call still needs from their departments,
  the deadline, the secretariat's comments, the 提出 button) and their own departments'
  submissions — another department's is a 404, like another municipality's strategy.

Every view needs a login, then reaches its strategy through ``get_staff_strategy`` with the page's
permission, checked for the role held in that strategy's municipality: a stranger gets 404 before
any 403 (so a permission that only department members hold anywhere, like 提出, does not tell
another city's secretariat that the page exists).

Reads: verification.selectors.data_call; writes: verification.cycle.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.access import department_ids, get_staff_strategy, has_perm_for
from strategy.models import Department, FiscalYear

from ..cycle.forms import DataCallOpenForm, ReturnForm, SubmitForm
from ..cycle.services import (
    data_call_open,
    submission_accept,
    submission_return,
    submission_submit,
)
from ..forms import add_service_errors
from ..models import DataCall, DepartmentSubmission
from ..selectors import data_call as selectors

MANAGE = "verification.manage_datacall"
SUBMIT = "verification.submit_datacall"
VIEW = "verification.view_departmentsubmission"


def _index_crumb(strategy):
    return (reverse("staff:data_call_index", kwargs={"slug": strategy.slug}), _("実績の照会"))


def _board_url(strategy, year: int) -> str:
    return reverse("staff:data_call_board", kwargs={"slug": strategy.slug, "year": year})


def _my_tasks_url(strategy) -> str:
    return reverse("staff:my_tasks", kwargs={"slug": strategy.slug})


def _submission_url(strategy, year: int, department: Department) -> str:
    return reverse(
        "staff:data_call_submission",
        kwargs={"slug": strategy.slug, "year": year, "department_id": department.pk},
    )


def _fiscal_year(strategy, year: int) -> FiscalYear:
    """The year with its call (``data_call``, when one was opened); 404 outside the period."""
    fiscal_year = get_object_or_404(
        FiscalYear.objects.select_related("data_call", "data_call__opened_by"),
        strategy=strategy,
        year=year,
    )
    fiscal_year.strategy = strategy
    return fiscal_year


def _call(strategy, year: int) -> DataCall:
    fiscal_year = _fiscal_year(strategy, year)
    call = getattr(fiscal_year, "data_call", None)
    if call is None:
        raise Http404("この年度の照会はありません。")
    call.fiscal_year = fiscal_year
    return call


def _department(user, strategy, department_id: int) -> Department:
    """A department of the strategy's municipality that `user` may see: every one for the
    secretariat, only their own for a department member; else 404 (never a 403 that would say
    the department exists)."""
    department = get_object_or_404(
        Department, pk=department_id, municipality_id=strategy.municipality_id
    )
    allowed = department_ids(user, strategy.municipality_id)
    if allowed is not None and department.pk not in allowed:
        raise Http404("担当課が見つかりません。")
    return department


# --- The secretariat -----------------------------------------------------------------------------


@login_required
def data_call_index(request, slug):
    """Queries: the strategy (1), ``data_call_years`` (2)."""
    strategy = get_staff_strategy(request.user, slug, MANAGE)
    context = {
        "strategy": strategy,
        "years": selectors.data_call_years(strategy),
        "breadcrumbs": [(None, _("実績の照会"))],
    }
    return render(request, "staff/data_call_index.html", context)


def _render_board(request, strategy, fiscal_year, *, open_form=None, status=200):
    board = selectors.data_call_board(strategy, fiscal_year, today=timezone.localdate())
    if open_form is None and board.call is None and not fiscal_year.is_published:
        open_form = DataCallOpenForm()
    context = {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        "board": board,
        "open_form": open_form,
        "breadcrumbs": [_index_crumb(strategy), (None, fiscal_year.long_label)],
    }
    return render(request, "staff/data_call_board.html", context, status=status)


@login_required
def data_call_board(request, slug, year):
    """The completion board, or the form that opens the year's call.
    Queries: the strategy (1), the year with its call (1), the board (5)."""
    strategy = get_staff_strategy(request.user, slug, MANAGE)
    return _render_board(request, strategy, _fiscal_year(strategy, year))


@login_required
def data_call_start(request, slug, year):
    strategy = get_staff_strategy(request.user, slug, MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fiscal_year = _fiscal_year(strategy, year)
    form = DataCallOpenForm(request.POST)
    if form.is_valid():
        try:
            data_call_open(
                fiscal_year=fiscal_year,
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
                user=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(year)sの実績の照会を開始しました。担当課に通知しました。")
                % {"year": fiscal_year.long_label},
            )
            return redirect(_board_url(strategy, year))
    return _render_board(request, strategy, fiscal_year, open_form=form)


# --- One department's submission -------------------------------------------------------------------


def _render_submission(
    request, strategy, call, department, *, submit_form=None, return_form=None, status=200
):
    user = request.user
    page = selectors.submission_page(strategy, call, department, today=timezone.localdate())
    may_manage = has_perm_for(user, MANAGE, strategy)
    may_submit = has_perm_for(user, SUBMIT, strategy)
    breadcrumbs = [(None, f"{call.fiscal_year.long_label} {department.name}")]
    if may_manage:
        breadcrumbs = [
            _index_crumb(strategy),
            (_board_url(strategy, call.fiscal_year.year), call.fiscal_year.long_label),
            (None, department.name),
        ]
    elif may_submit:
        breadcrumbs.insert(0, (_my_tasks_url(strategy), _("自分の担当")))
    refused = [  # what a service refused that is no field's: shown above everything
        error for form in (submit_form, return_form) if form for error in form.non_field_errors()
    ]
    context = {
        "strategy": strategy,
        "call": call,
        "department": department,
        "page": page,
        "refused": refused,
        "submit_form": (submit_form or SubmitForm()) if may_submit and page.can_submit else None,
        "return_form": (return_form or ReturnForm()) if may_manage and page.can_return else None,
        "may_accept": may_manage and page.can_accept,
        "breadcrumbs": breadcrumbs,
    }
    return render(request, "staff/data_call_submission.html", context, status=status)


@login_required
def data_call_submission(request, slug, year, department_id):
    """Queries: the strategy (1), the year with its call (1), the department (1), the page (5)."""
    strategy = get_staff_strategy(request.user, slug, VIEW)
    call = _call(strategy, year)
    department = _department(request.user, strategy, department_id)
    return _render_submission(request, strategy, call, department)


@login_required
def data_call_submit(request, slug, year, department_id):
    strategy = get_staff_strategy(request.user, slug, SUBMIT)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    call = _call(strategy, year)
    department = _department(request.user, strategy, department_id)
    form = SubmitForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    try:
        submission_submit(
            call=call,
            department=department,
            user=request.user,
            confirm_empty=form.cleaned_data.get("confirm_empty", False),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_submission(request, strategy, call, department, submit_form=form)
    messages.success(
        request,
        _("%(department)sの%(year)sの実績を提出しました。事務局の確認をお待ちください。")
        % {"department": department.name, "year": call.fiscal_year.long_label},
    )
    return redirect(_my_tasks_url(strategy))


def _stored_submission(call, department) -> DepartmentSubmission:
    submission = DepartmentSubmission.objects.filter(call=call, department=department).first()
    if submission is None:  # a department added after the call opened: still 未着手
        submission = DepartmentSubmission(call=call, department=department)
    submission.call, submission.department = call, department
    return submission


@login_required
def data_call_accept(request, slug, year, department_id):
    strategy = get_staff_strategy(request.user, slug, MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    call = _call(strategy, year)
    department = _department(request.user, strategy, department_id)
    try:
        submission_accept(submission=_stored_submission(call, department), user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(department)sの%(year)sの実績を確認済みにしました。")
            % {"department": department.name, "year": call.fiscal_year.long_label},
        )
    return redirect(_board_url(strategy, year))


@login_required
def data_call_return(request, slug, year, department_id):
    strategy = get_staff_strategy(request.user, slug, MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    call = _call(strategy, year)
    department = _department(request.user, strategy, department_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            submission_return(
                submission=_stored_submission(call, department),
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(department)sの%(year)sの実績を差し戻しました。担当課に通知しました。")
                % {"department": department.name, "year": call.fiscal_year.long_label},
            )
            return redirect(_board_url(strategy, year))
    return _render_submission(request, strategy, call, department, return_form=form)


# --- 自分の担当 ------------------------------------------------------------------------------------


@login_required
def my_tasks_page(request, slug):
    """Queries: the strategy (1), the user's memberships (2), ``my_tasks`` (6)."""
    strategy = get_staff_strategy(request.user, slug, SUBMIT)
    mine = department_ids(request.user, strategy.municipality_id)
    tasks = selectors.my_tasks(strategy, mine or set(), today=timezone.localdate())
    context = {
        "strategy": strategy,
        "tasks": tasks,
        "has_departments": bool(mine),
        "breadcrumbs": [(None, _("自分の担当"))],
    }
    return render(request, "staff/my_tasks.html", context)
