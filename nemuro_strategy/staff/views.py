"""The staff landing page: what this user may do, strategy by strategy (only the strategies of
the municipalities they belong to)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from nemuro_strategy.staff.links import links_for
from strategy.access import staff_strategies


@login_required
def staff_home(request):
    strategies = []
    for strategy in staff_strategies(request.user):
        strategy.links = links_for(request.user, strategy)
        strategies.append(strategy)
    return render(request, "staff/home.html", {"strategies": strategies, "breadcrumbs": []})
