"""The secretariat's 担当課の割当 page: every measure and 数値目標 of a strategy with its department,
and what is still 未割当 (kpi.assignments holds the reads and the write)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kpi.assignments import assignments_of, departments_assign
from nemuro_strategy.staff.forms import AssignmentForm
from strategy.access import get_staff_strategy, staff_required

PERMISSION = "strategy.change_measure"


@staff_required(PERMISSION)
@require_http_methods(["GET", "HEAD", "POST"])
def department_assignments(request, slug):
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    page = assignments_of(strategy)
    form = AssignmentForm(request.POST or None, page=page)
    if request.method == "POST" and form.is_valid():
        try:
            changed = departments_assign(
                strategy=strategy,
                measures=form.chosen("measure"),
                indicators=form.chosen("indicator"),
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("担当課の割当を保存しました（%(n)d件）。") % {"n": changed})
            return redirect(request.path)
    return render(
        request,
        "staff/department_assignments.html",
        {
            "strategy": strategy,
            "page": page,
            "form": form,
            "measure_rows": form.rows("measure", page.measures),
            "indicator_rows": form.rows("indicator", page.goal_indicators),
            "breadcrumbs": [(None, _("担当課の割当"))],
        },
    )
