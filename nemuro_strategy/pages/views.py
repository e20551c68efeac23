"""Public pages that combine the apps (top, goal, measure, revision history): thin views over
nemuro_strategy.pages.selectors."""

from django.shortcuts import render
from django.urls import reverse

from nemuro_strategy.pages import selectors
from strategy.access import default_strategy, get_public_strategy


def home(request):
    """The root: the default strategy's top page, which lists the other strategies."""
    strategy = default_strategy()
    if strategy is None:
        return render(request, "strategy/empty.html")
    return top(request, strategy.slug)


def top(request, slug):
    strategy = get_public_strategy(slug)
    context = selectors.top_page(strategy)
    return render(request, "strategy/top.html", {"strategy": strategy, **context})


def goal(request, slug, number):
    strategy = get_public_strategy(slug)
    context = selectors.goal_page(strategy, number)
    context["breadcrumbs"] = [(None, context["goal"].label)]
    return render(request, "strategy/goal_detail.html", {"strategy": strategy, **context})


def measure(request, slug, code):
    strategy = get_public_strategy(slug)
    context = selectors.measure_page(strategy, code)
    goal_url = reverse("strategy:goal", kwargs={"slug": slug, "number": context["goal"].number})
    context["breadcrumbs"] = [(goal_url, context["goal"].label), (None, context["measure"].label)]
    return render(request, "strategy/measure_detail.html", {"strategy": strategy, **context})


def revisions(request, slug):
    strategy = get_public_strategy(slug)
    context = selectors.revisions_page(strategy)
    context["breadcrumbs"] = [(None, "改訂の履歴")]
    return render(request, "strategy/revision_list.html", {"strategy": strategy, **context})


def revision_tree(request, slug, sequence):
    strategy = get_public_strategy(slug)
    context = selectors.revision_tree_page(strategy, sequence)
    context["breadcrumbs"] = [
        (reverse("strategy:revisions", kwargs={"slug": slug}), "改訂の履歴"),
        (None, str(context["revision"])),
    ]
    return render(request, "strategy/revision_tree.html", {"strategy": strategy, **context})
