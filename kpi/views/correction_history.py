"""The public 訂正履歴 of a strategy: every applied correction of a published year's result."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from kpi.corrections import public_corrections
from strategy.access import get_public_strategy


def correction_history(request, slug):
    """Queries: the strategy with its municipality, the corrections with their indicators and
    years (2), and the footer's date of the latest publication (1)."""
    strategy = get_public_strategy(slug)
    return render(
        request,
        "kpi/correction_history.html",
        {
            "strategy": strategy,
            "corrections": list(public_corrections(strategy)),
            "breadcrumbs": [(None, _("訂正履歴"))],
        },
    )
