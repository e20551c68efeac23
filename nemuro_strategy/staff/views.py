"""The staff landing page: what this user may do, strategy by strategy."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from nemuro_strategy.staff.links import links_for
from strategy.models import Strategy


@login_required
def staff_home(request):
    strategies = []
    for strategy in Strategy.objects.with_municipality():
        strategy.links = links_for(request.user, strategy)
        strategies.append(strategy)
    return render(request, "staff/home.html", {"strategies": strategies, "breadcrumbs": []})
