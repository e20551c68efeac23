"""Filters of the public pages (django-filter)."""

from functools import reduce
from operator import and_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ProjectListing
from .models.projects import PRIVATE_SECTOR

ALL = _("すべて")

# 区分 as printed can hold several markers (「H27新規 H28拡充」): a kind matches a row whose 区分
# contains its word, so such a row is both 新規 and 拡充.
KIND_WORDS = {"new": "新規", "expanded": "拡充", "private": PRIVATE_SECTOR}
KIND_CHOICES = [("new", _("新規")), ("expanded", _("拡充")), ("private", _("民間等"))]
REPRINT_CHOICES = [("yes", _("再掲のみ")), ("no", _("再掲を除く"))]
SEARCH_FIELDS = ("project__name", "content_then", "partner_then", "category_then")


class ProjectListingFilter(django_filters.FilterSet):
    """Filters of the project list. Reads the wording annotations of
    `strategy.views.projects.listing_rows` (`category_then`, …), so it filters what the page shows.
    Choices come from `measures` (the measures in force, with `name_then` and their goal), so
    building the form runs no query."""

    goal = django_filters.ChoiceFilter(
        label=_("基本目標"), field_name="measure__policy__goal__number", empty_label=ALL
    )
    measure = django_filters.ChoiceFilter(
        label=_("施策の基本的方向"), field_name="measure__code", empty_label=ALL
    )
    kind = django_filters.ChoiceFilter(
        label=_("区分"), choices=KIND_CHOICES, method="filter_kind", empty_label=ALL
    )
    reprint = django_filters.ChoiceFilter(
        label=_("再掲"), choices=REPRINT_CHOICES, method="filter_reprint", empty_label=ALL
    )
    q = django_filters.CharFilter(
        label=_("キーワード"),
        method="filter_search",
        max_length=100,
        help_text=_("事業名・内容・実施主体・区分から探します（空白で区切るとすべてを含むもの）。"),
        widget=forms.SearchInput,
    )

    class Meta:
        model = ProjectListing
        fields = ()

    def __init__(self, data=None, queryset=None, *, measures=(), **kwargs):
        super().__init__(data, queryset, **kwargs)
        goals = {m.policy.goal.number: m.policy.goal for m in measures}
        self.filters["goal"].extra["choices"] = [
            (str(number), _goal_label(goal)) for number, goal in sorted(goals.items())
        ]
        self.filters["measure"].extra["choices"] = [
            (m.code, f"{m.code} {m.name_then}") for m in measures
        ]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(category_then__contains=KIND_WORDS[value])

    def filter_reprint(self, queryset, name, value):
        return queryset.filter(reprint=(value == "yes"))

    def filter_search(self, queryset, name, value):
        return words_matching(queryset, value, SEARCH_FIELDS)


def words_matching(queryset, value: str, fields) -> object:
    """Rows where every word of `value` is in at least one of `fields` (case-insensitive).
    str.split() also splits on the full-width space."""
    terms = value.split()
    if not terms:
        return queryset
    conditions = [
        reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": term}) for f in fields))
        for term in terms
    ]
    return queryset.filter(reduce(and_, conditions))


def _goal_label(goal) -> str:
    if goal.package:
        return _("基本目標%(number)s（%(package)s）") % {
            "number": goal.number,
            "package": goal.package,
        }
    return _("基本目標%(number)s") % {"number": goal.number}
