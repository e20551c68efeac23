"""The directory of every strategy the system serves (``/strategies/``): searchable by
municipality, prefecture or plan name, filterable by prefecture, 50 to a page. The top page of a
strategy lists only the other plans of its own municipality and links here, so no page grows with
the number of municipalities."""

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from .filters import words_matching
from .models import Municipality, Strategy

PER_PAGE = 50
SEARCH_FIELDS = ("municipality__name", "municipality__prefecture", "municipality__code", "name")


class StrategyFilter(django_filters.FilterSet):
    prefecture = django_filters.ChoiceFilter(
        label=_("都道府県"), field_name="municipality__prefecture", empty_label=_("すべて")
    )
    q = django_filters.CharFilter(
        label=_("キーワード"),
        method="filter_search",
        max_length=100,
        help_text=_("団体名・都道府県・団体コード・総合戦略の名称から探します。"),
        widget=forms.SearchInput,
    )

    class Meta:
        model = Strategy
        fields = ["prefecture", "q"]

    def __init__(self, *args, prefectures: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["prefecture"].extra["choices"] = [(p, p) for p in prefectures]

    def filter_search(self, queryset, name, value):
        return words_matching(queryset, value, SEARCH_FIELDS)


def prefectures() -> list[str]:
    """The prefectures that have a strategy, in the order of their municipality codes."""
    seen: dict[str, None] = {}
    for prefecture in (
        Municipality.objects.filter(strategies__isnull=False)
        .order_by("code")
        .values_list("prefecture", flat=True)
        .distinct()
    ):
        seen.setdefault(prefecture, None)
    return list(seen)


def directory_page(params, page_number) -> dict:
    """The filter form and one page of strategies. Queries: prefectures (1), count (1), page (1)."""
    filterset = StrategyFilter(
        params,
        queryset=Strategy.objects.with_municipality().order_by(
            "municipality__code", "first_fiscal_year"
        ),
        prefectures=prefectures(),
    )
    paginator = Paginator(filterset.qs, PER_PAGE)
    page = paginator.get_page(page_number)
    return {"filter": filterset, "page": page, "total": paginator.count}
