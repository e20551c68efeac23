"""The staff landing page: what this user may do, strategy by strategy (only the strategies of
the municipalities they belong to), and the notices of the yearly data call: each open call with
its deadline and, for a department member, their departments' status (a return with the
secretariat's comment); for the secretariat, the submissions awaiting confirmation and the
departments overdue (verification.selectors.data_call.home_notices)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from nemuro_strategy.staff.links import links_for
from strategy.access import department_ids, has_perm_for, staff_strategies
from verification.selectors.data_call import home_notices

MANAGE = "verification.manage_datacall"
SUBMIT = "verification.submit_datacall"


@login_required
def staff_home(request):
    user = request.user
    strategies = list(staff_strategies(user))
    departments, summaries = {}, set()
    for strategy in strategies:
        strategy.links = links_for(user, strategy)
        if has_perm_for(user, MANAGE, strategy):
            summaries.add(strategy.pk)
        mine = department_ids(user, strategy.municipality_id)
        if mine and has_perm_for(user, SUBMIT, strategy):
            departments[strategy.pk] = mine
    notices = home_notices(
        strategies, departments=departments, summaries=summaries, today=timezone.localdate()
    )
    for strategy in strategies:
        strategy.notices = notices.get(strategy.pk, [])
    return render(request, "staff/home.html", {"strategies": strategies, "breadcrumbs": []})
