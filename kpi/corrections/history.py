"""Reads of corrections for citizens: the public 訂正履歴 of a strategy, and the latest applied
correction of each result, annotated on the results a page already reads (no extra query)."""

from django.db.models import OuterRef, QuerySet, Subquery

from strategy.models import Strategy

from ..models import Correction


def public_corrections(strategy: Strategy) -> QuerySet:
    """The applied corrections of the strategy's published years, newest first, each with its
    indicator (goal, measure) and year: one query. No staff names: the record is of the data."""
    return (
        Correction.objects.public()
        .filter(indicator__strategy=strategy)
        .select_related("indicator", "indicator__goal", "indicator__measure", "fiscal_year")
        .order_by("-decided_at", "-pk")
    )


def with_last_correction(results: QuerySet) -> QuerySet:
    """Results (Achievement) annotated with their latest applied correction: ``corrected_at``
    (when it was applied) and ``correction_reason`` (its 訂正理由), None when never corrected.
    Subqueries of the same query: no query of their own."""
    latest = (
        Correction.objects.applied()
        .filter(indicator_id=OuterRef("indicator_id"), fiscal_year_id=OuterRef("fiscal_year_id"))
        .order_by("-decided_at", "-pk")
    )
    return results.annotate(
        corrected_at=Subquery(latest.values("decided_at")[:1]),
        correction_reason=Subquery(latest.values("reason")[:1]),
    )
