"""Writes to the strategy's own structure."""

from django.db import transaction

from .models import FiscalYear, Strategy


@transaction.atomic
def fiscal_years_sync(*, strategy: Strategy) -> list[FiscalYear]:
    """Make the strategy's FiscalYear rows match its period: one row per year, none outside.

    A year that already holds results is never deleted: PROTECT on the yearly rows refuses it.
    """
    strategy.full_clean()
    wanted = set(strategy.fiscal_year_range)
    existing = {fy.year: fy for fy in FiscalYear.objects.filter(strategy=strategy)}
    for year, fiscal_year in existing.items():
        if year not in wanted:
            fiscal_year.delete()
    for year in sorted(wanted - existing.keys()):
        existing[year] = FiscalYear.objects.create(strategy=strategy, year=year)
    return [existing[year] for year in sorted(wanted)]
