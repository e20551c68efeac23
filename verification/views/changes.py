"""The audit trail (all staff roles): the latest changes to a strategy's results, verdicts,
opinions, indicator targets, project listings and 事業量, with who, when and old → new; the
secretariat may put a row back as one of its versions (この版に戻す)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from strategy.access import get_staff_strategy, staff_required

from ..restore import change_restore
from ..selectors.changes import recent_changes_page

# Only the secretariat deletes results: the same role may undo a change or a deletion.
RESTORE_PERMISSION = "kpi.delete_achievement"


@staff_required("strategy.view_unpublished")
def recent_changes(request, slug):
    """Queries: the strategy (1), then those of ``recent_changes_page`` (10)."""
    strategy = get_staff_strategy(request.user, slug, "strategy.view_unpublished")
    page = recent_changes_page(strategy, request.GET.get("page"))
    context = {
        "strategy": strategy,
        "page_obj": page,
        "can_restore": request.user.has_perm(RESTORE_PERMISSION),
        "breadcrumbs": [(None, _("最近の変更（監査記録）"))],
    }
    return render(request, "staff/recent_changes.html", context)


@staff_required(RESTORE_PERMISSION)
@require_POST
def restore_change(request, slug):
    """この版に戻す: the row of one history record (``model``, ``history_id``) back to it."""
    strategy = get_staff_strategy(request.user, slug, RESTORE_PERMISSION)
    target = reverse("staff:recent_changes", kwargs={"slug": strategy.slug})
    try:
        history_id = int(request.POST.get("history_id", ""))
    except ValueError:
        messages.error(request, _("戻す変更が指定されていません。"))
        return redirect(target)
    try:
        row = change_restore(
            strategy=strategy,
            model_label=request.POST.get("model", ""),
            history_id=history_id,
            user=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("「%(row)s」をこの版に戻しました。") % {"row": row})
    return redirect(target)
