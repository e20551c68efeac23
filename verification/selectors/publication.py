"""Reads of the year publication page: every fiscal year of a strategy with what it holds and
its publication records (who published or withdrew it, when and why)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from kpi.models import Achievement
from strategy.models import FiscalYear, Strategy

from ..models import InternalReview, PanelReview, YearPublication
from .changes import user_label


def _count_of(model) -> Coalesce:
    """A correlated count of `model` rows pointing at the outer fiscal year."""
    rows = (
        model.objects.filter(fiscal_year=OuterRef("pk"))
        .order_by()
        .values("fiscal_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def publication_years(strategy: Strategy) -> list[FiscalYear]:
    """Every fiscal year of `strategy`, in order, with how many results (``result_count``),
    internal verdicts (``internal_count``) and panel verdicts (``panel_count``) it holds, and its
    publication records (``records``, newest first, with their user).

    Queries: the years with their counts (1), the publication records with users (1)."""
    records = YearPublication.objects.select_related("user").order_by("-created_at", "-pk")
    return list(
        FiscalYear.objects.for_strategy(strategy)
        .annotate(
            result_count=_count_of(Achievement),
            internal_count=_count_of(InternalReview),
            panel_count=_count_of(PanelReview),
        )
        .prefetch_related(Prefetch("publications", queryset=records, to_attr="records"))
    )


def publication_records(years: list[FiscalYear]) -> list[YearPublication]:
    """The records of `years` (from ``publication_years``) in one list, newest first, each with
    ``user_label`` set (no queries)."""
    records = [record for fiscal_year in years for record in fiscal_year.records]
    for record in records:
        record.user_label = user_label(record.user)
    return sorted(records, key=lambda r: (r.created_at, r.pk), reverse=True)
