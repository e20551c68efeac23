"""One phase of the bench: pages (rendered and cached), chart, report, export, year entry and
import, at Nemuro scale and again at national scale, on the database this process uses."""

import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal

from django.db import connection
from django.test.utils import override_settings

from . import rss
from .common import BASE_DIR, PAGES, REPORT_YEAR, SLUG, bench_user, count_queries, get, p95
from .common import client as _client
from .importing import measure_import
from .report import measure_report_pdf


def _timed(client, url: str, iterations: int) -> tuple[list[str], list[float]]:
    for _ in range(min(3, iterations)):  # warm: templates, ContentType cache, connection, cache
        get(client, url)
    queries = count_queries(client, url)
    samples = []
    for _ in range(iterations):
        began = time.perf_counter()
        get(client, url)
        samples.append((time.perf_counter() - began) * 1000)
    return queries, samples


def measure_pages(iterations: int) -> dict:
    """Each public page type as rendered (the page cache off: what a visit costs after an edit)
    and as an anonymous visitor gets it again (served from the page cache)."""
    client, results = _client(), {}
    for name, pattern in PAGES:
        url = pattern.format(slug=SLUG)
        with override_settings(PUBLIC_PAGE_CACHE=False):
            queries, samples = _timed(client, url, iterations)
        cached_queries, cached = _timed(client, url, iterations)
        if get(client, url).get("X-Page-Cache") != "hit":
            raise RuntimeError(f"{url} was not served from the page cache")
        results[name] = {
            "queries": len(queries),
            "median_ms": statistics.median(samples),
            "p95_ms": p95(samples),
            "cached_queries": len(cached_queries),
            "cached_median_ms": statistics.median(cached),
            "cached_p95_ms": p95(cached),
        }
    return results


def measure_chart() -> dict:
    from django.core.cache import cache

    from kpi import charts
    from kpi.chart_cache import cached_chart, chart_cache_key
    from kpi.models import Indicator
    from kpi.selectors import indicator_rows
    from strategy.models import Strategy

    strategy = Strategy.objects.get(slug=SLUG)
    indicator = Indicator.objects.with_tree().get(strategy=strategy, code="G1-1")
    [row] = indicator_rows(strategy, [indicator], published_only=True)
    data = charts.indicator_chart_data(row)
    cached_chart("indicator", data, charts.indicator_chart)  # font cache, first figure
    cache.delete(chart_cache_key("indicator", data))
    began = time.perf_counter()
    cached_chart("indicator", data, charts.indicator_chart)
    cold = (time.perf_counter() - began) * 1000
    hits = []
    for _ in range(50):
        began = time.perf_counter()
        cached_chart("indicator", data, charts.indicator_chart)
        hits.append((time.perf_counter() - began) * 1000)
    return {"cold_ms": cold, "cached_ms": statistics.median(hits)}


@override_settings(PUBLIC_PAGE_CACHE=False)
def measure_report(iterations: int) -> dict:
    """The 効果検証調書 of one year as rendered (the page cache off); its PDF, cold and cached,
    in report.py."""
    client, out = _client(), measure_report_pdf(iterations)
    for name, url in [
        ("html", f"/s/{SLUG}/reports/{REPORT_YEAR}/"),
    ]:
        if iterations > 1:
            get(client, url)
        samples = []
        for _ in range(max(1, iterations // 4)):
            began = time.perf_counter()
            get(client, url)
            samples.append((time.perf_counter() - began) * 1000)
        out[f"{name}_ms"] = statistics.median(samples)
    return out


def export_all() -> dict:
    """Stream /s/<slug>/opendata/results.csv of every strategy; rows, bytes, seconds."""
    from strategy.models import Strategy

    client = _client()
    slugs = list(Strategy.objects.order_by("pk").values_list("slug", flat=True))
    began, size, lines = time.perf_counter(), 0, 0
    for slug in slugs:
        response = client.get(f"/s/{slug}/opendata/results.csv")
        if response.status_code != 200:
            raise RuntimeError(f"export of {slug} answered {response.status_code}")
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
    return {
        "strategies": len(slugs),
        "rows": lines - len(slugs),
        "mb": size / 1e6,
        "seconds": time.perf_counter() - began,
    }


def measure_export(*, in_process: bool) -> dict:
    """Peak memory of exporting everything: in a fresh child process (its own peak RSS, Django
    and every imported library included, and its RSS before the first export, reported apart)
    unless `in_process`, where tracemalloc's peak of Python allocations is reported.

    The child runs with DEBUG off, as production does. DEBUG does not change the result (Django
    empties the query log at the start of every request, so it holds one export's 4 queries),
    but the budget is about the export, not about a development setting."""
    if in_process:
        tracemalloc.start()
        result = export_all()
        result["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        result["peak_kind"] = "tracemalloc"
        tracemalloc.stop()
        return result
    import json

    output = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "bench", "--export-only"],
        check=True,
        capture_output=True,
        text=True,
        env=export_child_env(os.environ),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def export_child_env(environ) -> dict[str, str]:
    """The environment of the export child: the parent's, with DEBUG off. DEBUG off requires a
    SECRET_KEY (a throwaway one unless set: the child signs nothing that outlives it) and a host
    the test client may use."""
    env = {**environ, "DJANGO_DEBUG": "false"}
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    hosts = [h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if "testserver" not in hosts:
        env["ALLOWED_HOSTS"] = ",".join([*hosts, "testserver"])
    return env


def export_child() -> dict:
    """The export in this (child) process: its RSS once every view's imports are loaded (the
    baseline: Django, matplotlib, WeasyPrint, openpyxl…), then its own peak RSS over the export
    (see rss.py for why not ru_maxrss)."""
    from django.conf import settings
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  import every view and what it imports
    baseline = rss.current_mb()
    result = export_all()
    result["baseline_mb"] = baseline
    result["peak_mb"] = rss.peak_mb()
    result["peak_kind"] = "own peak RSS" + ("" if settings.DEBUG else ", DEBUG off")
    # what this row used to report: includes the peak of the process that started this one
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure_year_entry(attempts: int = 3) -> dict:
    from kpi.entry.page import version_of, year_entry_page
    from kpi.entry.save import RowInput, achievements_save_year
    from strategy.models import Strategy

    strategy = Strategy.objects.get(slug=SLUG)
    user, samples, saved = bench_user(), [], 0
    for attempt in range(attempts):
        page = year_entry_page(strategy, 2017)
        rows = []
        for row in page.rows:
            cumulative = None
            if row.indicator.kind == "cumulative":
                cumulative = Decimal(200 + attempt)
            rows.append(
                RowInput(
                    indicator=row.indicator,
                    version=version_of(row.current),
                    value=Decimal(100 + attempt),
                    cumulative=cumulative,
                )
            )
        began = time.perf_counter()
        result = achievements_save_year(
            strategy=strategy, fiscal_year=page.fiscal_year, rows=rows, user=user
        )
        samples.append((time.perf_counter() - began) * 1000)
        saved = result.saved
    return {"rows": saved, "median_ms": statistics.median(samples)}


def _server_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def _sizes() -> dict:
    from kpi.models import Achievement, Indicator
    from strategy.models import ProjectListing

    return {
        "indicators": Indicator.objects.count(),
        "results": Achievement.objects.count(),
        "listings": ProjectListing.objects.count(),
    }


def run_phase(
    *, national: int, iterations: int, in_process: bool, import_rows: int = 1000, log=print
) -> dict:
    from nemuro_strategy.data.seeding import seed_load
    from nemuro_strategy.data.synthetic import strategies_generate
    from strategy.models import Strategy

    if not Strategy.objects.filter(slug=SLUG).exists():
        seed_load()
    result = {"vendor": connection.vendor, "server": _server_version(), "scales": {}}
    for scale, count in [("nemuro", 1), ("national", national)]:
        existing = Strategy.objects.count()
        if count > existing:
            log(f"  generating {count - existing} synthetic strategies…")
            began = time.perf_counter()
            strategies_generate(count=count - existing, seed=0, prefix="bench", start=existing)
            result["generate_seconds"] = time.perf_counter() - began
            result["generated"] = count - existing
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # as autovacuum would after a bulk load
                    cursor.execute("ANALYZE")
        log(f"  measuring at {scale} scale ({Strategy.objects.count()} strategies)…")
        result["scales"][scale] = {
            "strategies": Strategy.objects.count(),
            "sizes": _sizes(),
            "pages": measure_pages(iterations),
            "chart": measure_chart(),
            "report": measure_report(iterations),
            "export": measure_export(in_process=in_process),
            "year_entry": measure_year_entry(min(3, iterations)),
            "import": measure_import(import_rows),
        }
    return result
