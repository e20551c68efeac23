"""The audit trail (all staff roles): the latest changes to a strategy's results, verdicts,
opinions, indicator targets and 事業量, with who, when and old → new."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from strategy.access import get_staff_strategy, staff_required

from ..selectors.changes import recent_changes_page


@staff_required("strategy.view_unpublished")
def recent_changes(request, slug):
    """Queries: the strategy (1), then those of ``recent_changes_page`` (9)."""
    strategy = get_staff_strategy(request.user, slug, "strategy.view_unpublished")
    page = recent_changes_page(strategy, request.GET.get("page"))
    context = {
        "strategy": strategy,
        "page_obj": page,
        "breadcrumbs": [(None, _("最近の変更（監査記録）"))],
    }
    return render(request, "staff/recent_changes.html", context)
