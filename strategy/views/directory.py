"""The directory of all strategies (strategy/directory.py)."""

from django.shortcuts import render

from strategy.access import default_strategy
from strategy.directory import directory_page


def strategy_index(request):
    params = request.GET.copy()
    page_number = params.pop("page", ["1"])[-1]
    context = directory_page(params, page_number)
    query = params.urlencode()
    return render(
        request,
        "strategy/strategy_index.html",
        {
            **context,
            "strategy": default_strategy(),
            "query": query,
            "breadcrumbs": [(None, "総合戦略の一覧")],
        },
    )
