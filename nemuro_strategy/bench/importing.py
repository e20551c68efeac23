"""The import of a 1,000-row sheet: one strategy widened to that many indicators in force, a CSV
of a valid result for each, checked chunk by chunk (the dry-run preview) and then confirmed.
Everything runs in a transaction that is rolled back, so the phase's data stays as it was."""

import csv
import io
import time
from decimal import Decimal

from django.db import transaction

from .common import bench_user

YEAR = 2018
IMPORT_SLUG = "bench-import"


class _RollBack(Exception):
    pass


def _sheet(page) -> bytes:
    from kpi.imports.resource import COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n, row in enumerate(page.rows):
        indicator = row.indicator
        # plausible (kpi.plausibility): last year's value again where there is one (no jump),
        # a 累計 that grows by it, within any bounds
        previous = row.previous if row.previous and row.previous.value is not None else None
        value = previous.value if previous else Decimal(10 + n % 89)
        if indicator.maximum is not None:
            value = min(value, indicator.maximum)
        cumulative = ""
        if indicator.kind == "cumulative":
            cumulative = (previous.cumulative or 0) + value if previous else value * 3
        writer.writerow(
            [
                indicator.code,
                indicator.name,
                indicator.unit,
                "H30",
                value,
                cumulative,
                "実績あり",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def measure_import(rows: int = 1000) -> dict:
    from kpi.entry.page import year_entry_page
    from kpi.imports import import_advance, import_apply, import_create
    from kpi.models import Achievement, ImportJob, Indicator
    from nemuro_strategy.data.synthetic import strategies_generate, strategy_widen
    from strategy.models import FiscalYear, Strategy

    out: dict = {}
    try:
        with transaction.atomic():
            # municipality number 9999: beyond any phase's count (codes have 5 digits)
            [strategy] = strategies_generate(count=1, seed=0, prefix=IMPORT_SLUG, start=9999)
            # the generator publishes every year; staff enter a year not yet published (a
            # published one changes only through a correction)
            FiscalYear.objects.filter(strategy=strategy, year=YEAR).update(published_at=None)
            in_force = len(year_entry_page(strategy, YEAR).rows)
            total = Indicator.objects.filter(strategy=strategy).count()
            strategy_widen(strategy, indicators=total + rows - in_force)
            strategy = Strategy.objects.get(pk=strategy.pk)
            page = year_entry_page(strategy, YEAR)
            fiscal_year = FiscalYear.objects.get(strategy=strategy, year=YEAR)
            data, user = _sheet(page), bench_user()

            began = time.perf_counter()
            job = import_create(
                strategy=strategy,
                fiscal_year=fiscal_year,
                user=user,
                filename="bench.csv",
                data=data,
            )
            while job.status == ImportJob.Status.PENDING:
                job = import_advance(job=job)
            out["check_seconds"] = time.perf_counter() - began
            kinds: dict[str, int] = {}
            for row in job.preview:
                kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
            out.update(rows=job.total_rows, errors=len(job.errors), kinds=kinds)
            if job.status == ImportJob.Status.PREVIEWED:
                began = time.perf_counter()
                job = import_apply(job=job, user=user)
                out["apply_seconds"] = time.perf_counter() - began
                out["written"] = Achievement.objects.filter(
                    fiscal_year=fiscal_year, value__isnull=False
                ).count()
            out["status"] = job.status
            raise _RollBack
    except _RollBack:
        pass
    return out
