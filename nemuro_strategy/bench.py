"""The measurements behind ``manage.py bench`` (see docs/benchmarks.md).

A *phase* runs against the database the process is configured with: it measures at Nemuro scale
(the seed alone), generates synthetic strategies up to the national count, and measures again.
Results are plain dicts (JSON between processes); ``budgets`` turns them into pass/fail rows.
"""

import csv
import io
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.test import Client

SLUG = "nemuro-sousei-2015"
REPORT_YEAR = 2016
BASE_DIR = Path(__file__).resolve().parent.parent

PAGES = [
    ("top", "/s/{slug}/"),
    ("goal", "/s/{slug}/goals/1/"),
    ("measure", "/s/{slug}/measures/1ア①/"),
    ("indicator", "/s/{slug}/indicators/G1-1/"),
    ("projects", "/s/{slug}/projects/"),
    ("revisions", "/s/{slug}/revisions/"),
    ("opendata", "/s/{slug}/opendata/"),
]


def _client() -> Client:
    from django.conf import settings

    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    host = "testserver" if "testserver" in hosts or not hosts else hosts[0]
    return Client(HTTP_HOST=host)


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _count_queries(client: Client, url: str) -> list[str]:
    """The SQL one request runs (an execute wrapper: DEBUG's query log is capped at 9,000)."""
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        _get(client, url)
    return queries


def measure_pages(iterations: int) -> dict:
    client, results = _client(), {}
    for name, pattern in PAGES:
        url = pattern.format(slug=SLUG)
        for _ in range(min(3, iterations)):  # warm: templates, ContentType cache, connection
            _get(client, url)
        queries = _count_queries(client, url)
        samples = []
        for _ in range(iterations):
            began = time.perf_counter()
            _get(client, url)
            samples.append((time.perf_counter() - began) * 1000)
        results[name] = {
            "queries": len(queries),
            "median_ms": statistics.median(samples),
            "p95_ms": _p95(samples),
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


def measure_report(iterations: int) -> dict:
    client, out = _client(), {}
    for name, url in [
        ("html", f"/s/{SLUG}/reports/{REPORT_YEAR}/"),
        ("pdf", f"/s/{SLUG}/reports/{REPORT_YEAR}/report.pdf"),
    ]:
        if iterations > 1:
            _get(client, url)
        samples = []
        for _ in range(max(1, iterations // 4)):
            began = time.perf_counter()
            _get(client, url)
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
    """Peak memory of exporting everything: in a fresh child process (its whole peak RSS, Django
    included) unless `in_process`, where tracemalloc's peak of Python allocations is reported."""
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
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def export_child() -> dict:
    result = export_all()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["peak_kind"] = "process RSS"
    return result


def _bench_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench")
    return user


def measure_year_entry(attempts: int = 3) -> dict:
    from kpi.entry import RowInput, achievements_save_year, version_of, year_entry_page
    from strategy.models import Strategy

    strategy = Strategy.objects.get(slug=SLUG)
    user, samples, saved = _bench_user(), [], 0
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


def measure_import(rows: int = 1000) -> dict:
    from kpi.imports import import_advance, import_create
    from kpi.models import ImportJob
    from kpi.resources import COLUMNS
    from strategy.models import FiscalYear, Strategy

    strategy = Strategy.objects.get(slug=SLUG)
    fiscal_year = FiscalYear.objects.get(strategy=strategy, year=2018)
    codes = list(strategy.indicators.order_by("code").values_list("code", "name", "unit"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n in range(rows):
        code, name, unit = codes[n % len(codes)]
        writer.writerow([code, name, unit, "H30", str(n % 97), "", "実績あり", ""])
    data = buffer.getvalue().encode("utf-8")
    began = time.perf_counter()
    job = import_create(
        strategy=strategy,
        fiscal_year=fiscal_year,
        user=_bench_user(),
        filename="bench.csv",
        data=data,
    )
    while job.status == ImportJob.Status.PENDING:
        job = import_advance(job=job)
    seconds = time.perf_counter() - began
    return {
        "rows": job.total_rows,
        "seconds": seconds,
        "status": job.status,
        "errors": len(job.errors),
    }


def run_phase(
    *, national: int, iterations: int, in_process: bool, import_rows: int = 1000, log=print
) -> dict:
    from strategy.models import Strategy
    from strategy.seeding import seed_load
    from strategy.synthetic import strategies_generate

    if not Strategy.objects.filter(slug=SLUG).exists():
        seed_load()
    result = {"vendor": connection.vendor, "scales": {}}
    for scale, count in [("nemuro", 1), ("national", national)]:
        existing = Strategy.objects.count()
        if count > existing:
            log(f"  generating {count - existing} synthetic strategies…")
            began = time.perf_counter()
            strategies_generate(count=count - existing, seed=0, prefix="bench", start=existing)
            result["generate_seconds"] = time.perf_counter() - began
        log(f"  measuring at {scale} scale ({Strategy.objects.count()} strategies)…")
        result["scales"][scale] = {
            "strategies": Strategy.objects.count(),
            "pages": measure_pages(iterations),
            "chart": measure_chart(),
            "report": measure_report(iterations),
            "export": measure_export(in_process=in_process),
            "year_entry": measure_year_entry(min(3, iterations)),
            "import": measure_import(import_rows),
        }
    return result


def measure_throughput(*, seconds: int = 10) -> dict:
    """Requests per second of a cached chart vs a static file, gunicorn + whitenoise, via wrk."""
    import shutil
    import socket

    if shutil.which("wrk") is None:
        return {"status": "not measured: wrk is not installed"}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    production = {**os.environ, "DJANGO_DEBUG": "false", "SECRET_KEY": "bench-only"}
    production["ALLOWED_HOSTS"] = "127.0.0.1"
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v0"],
        check=True,
        env=production,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "nemuro_strategy.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=production,
    )
    try:
        import urllib.request

        base = f"http://127.0.0.1:{port}"
        chart = f"{base}/s/{SLUG}/indicators/G1-1/chart.png"
        static = f"{base}/static/css/site.css"
        for _ in range(100):
            try:
                urllib.request.urlopen(chart, timeout=30).read()
                break
            except OSError:
                time.sleep(0.2)
        out = {"status": "measured"}
        for name, url in [("chart", chart), ("static", static)]:
            urllib.request.urlopen(url, timeout=30).read()
            text = subprocess.run(
                ["wrk", "-t2", "-c16", f"-d{seconds}s", url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            line = next(x for x in text.splitlines() if x.startswith("Requests/sec"))
            out[f"{name}_rps"] = float(line.split()[-1])
            non2xx = [x for x in text.splitlines() if "Non-2xx" in x]
            if non2xx:
                out[f"{name}_errors"] = non2xx[0].strip()
        out["ratio"] = out["chart_rps"] / out["static_rps"]
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- budgets and the table -------------------------------------------------------------------


def rows(results: dict) -> list[list[str]]:
    """[measurement, database, Nemuro scale, national scale, budget, verdict] for every line."""
    table = []

    def add(what, db, nemuro, national, budget, ok):
        verdict = "-" if ok is None else ("pass" if ok else "FAIL")
        table.append([what, db, nemuro, national, budget, verdict])

    for db, phase in results.get("phases", {}).items():
        small, big = phase["scales"]["nemuro"], phase["scales"]["national"]
        label = f"{db} ({small['strategies']}→{big['strategies']})"
        for name, _pattern in PAGES:
            a, b = small["pages"][name], big["pages"][name]
            add(
                f"page {name}: queries",
                label,
                str(a["queries"]),
                str(b["queries"]),
                "same at both scales",
                a["queries"] == b["queries"],
            )
            fast = b["p95_ms"] < 100 if db == "postgresql" else None
            add(
                f"page {name}: median / p95 ms",
                label,
                f"{a['median_ms']:.1f} / {a['p95_ms']:.1f}",
                f"{b['median_ms']:.1f} / {b['p95_ms']:.1f}",
                "national PG p95 < 100 ms" if db == "postgresql" else "",
                fast,
            )
        add(
            "chart: cold render ms",
            label,
            f"{small['chart']['cold_ms']:.1f}",
            f"{big['chart']['cold_ms']:.1f}",
            "",
            None,
        )
        add(
            "chart: cached hit ms",
            label,
            f"{small['chart']['cached_ms']:.2f}",
            f"{big['chart']['cached_ms']:.2f}",
            "< 5 ms",
            big["chart"]["cached_ms"] < 5 and small["chart"]["cached_ms"] < 5,
        )
        add(
            f"report {REPORT_YEAR} HTML ms",
            label,
            f"{small['report']['html_ms']:.0f}",
            f"{big['report']['html_ms']:.0f}",
            "< 1000 ms",
            big["report"]["html_ms"] < 1000,
        )
        add(
            f"report {REPORT_YEAR} PDF ms",
            label,
            f"{small['report']['pdf_ms']:.0f}",
            f"{big['report']['pdf_ms']:.0f}",
            "",
            None,
        )
        e1, e2 = small["export"], big["export"]
        add(
            "export all results.csv: s (strategies, rows, MB)",
            label,
            f"{e1['seconds']:.1f} ({e1['strategies']}, {e1['rows']}, {e1['mb']:.1f})",
            f"{e2['seconds']:.1f} ({e2['strategies']}, {e2['rows']}, {e2['mb']:.1f})",
            "",
            None,
        )
        add(
            f"export all: peak MB ({e2['peak_kind']})",
            label,
            f"{e1['peak_mb']:.0f}",
            f"{e2['peak_mb']:.0f}",
            "< 200 MB",
            e2["peak_mb"] < 200,
        )
        y1, y2 = small["year_entry"], big["year_entry"]
        add(
            f"year-entry save ms ({y2['rows']} rows)",
            label,
            f"{y1['median_ms']:.0f}",
            f"{y2['median_ms']:.0f}",
            "< 300 ms",
            y2["median_ms"] < 300,
        )
        i1, i2 = small["import"], big["import"]
        add(
            f"import {i2['rows']}-row sheet s (check, {i2['errors']} errors)",
            label,
            f"{i1['seconds']:.2f}",
            f"{i2['seconds']:.2f}",
            "",
            None,
        )
    wrk = results.get("throughput", {"status": "not measured: skipped"})
    if wrk.get("status") == "measured":
        add(
            "cached chart vs static file (req/s)",
            wrk.get("db", ""),
            f"{wrk['chart_rps']:.0f} vs {wrk['static_rps']:.0f}",
            f"{wrk['ratio']:.0%}",
            ">= 50%",
            wrk["ratio"] >= 0.5,
        )
    else:
        add("cached chart vs static file (req/s)", "", wrk["status"], "", ">= 50%", None)
    return table


def markdown(table: list[list[str]]) -> str:
    header = ["measurement", "database (strategies)", "Nemuro scale", "national scale"]
    header += ["budget", "result"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)
