"""The results as a Markdown table, each line with its budget (issue 7) and pass / FAIL."""

import datetime
import os
import platform
import sys

from .common import PAGES, REPORT_YEAR
from .report import report_pdf_rows


def _page_rows(add, db: str, label: str, small: dict, big: dict) -> None:
    for name, _pattern in PAGES:
        a, b = small["pages"][name], big["pages"][name]
        add(
            f"page {name}: queries (rendered)",
            label,
            str(a["queries"]),
            str(b["queries"]),
            "same at both scales",
            a["queries"] == b["queries"],
        )
        budget = "national PG p95 < 100 ms" if db == "postgresql" else ""
        add(
            f"page {name}: rendered median / p95 ms",
            label,
            f"{a['median_ms']:.1f} / {a['p95_ms']:.1f}",
            f"{b['median_ms']:.1f} / {b['p95_ms']:.1f}",
            budget,
            b["p95_ms"] < 100 if db == "postgresql" else None,
        )
        if "cached_p95_ms" in b:
            add(
                f"page {name}: cached median / p95 ms (queries)",
                label,
                f"{a['cached_median_ms']:.2f} / {a['cached_p95_ms']:.2f} ({a['cached_queries']})",
                f"{b['cached_median_ms']:.2f} / {b['cached_p95_ms']:.2f} ({b['cached_queries']})",
                budget,
                b["cached_p95_ms"] < 100 if db == "postgresql" else None,
            )


def _import_row(add, label: str, small: dict, big: dict) -> None:
    i1, i2 = small["import"], big["import"]

    def text(i):
        if "rows" not in i:
            return "not measured"
        applied = f" + confirm {i['apply_seconds']:.2f}" if "apply_seconds" in i else ""
        return f"check {i['check_seconds']:.2f}{applied} ({i['rows']} rows, {i['errors']} errors)"

    add(
        "import of a sheet: s (dry-run preview + confirm)",
        label,
        text(i1),
        text(i2),
        "every row valid and written",
        i2.get("errors") == 0 and i2.get("status") == "applied" and i2.get("written", 0) >= 1000,
    )


def rows(results: dict) -> list[list[str]]:
    """[measurement, database, Nemuro scale, national scale, budget, verdict] for every line."""
    table = []

    def add(what, db, nemuro, national, budget, ok):
        verdict = "-" if ok is None else ("pass" if ok else "FAIL")
        table.append([what, db, nemuro, national, budget, verdict])

    for db, phase in results.get("phases", {}).items():
        small, big = phase["scales"]["nemuro"], phase["scales"]["national"]
        label = f"{db} ({small['strategies']}→{big['strategies']})"
        if "generate_seconds" in phase:
            sizes = big.get("sizes", {})
            add(
                "generate synthetic strategies: s (indicators, results, listings)",
                label,
                "",
                f"{phase['generate_seconds']:.0f} ({sizes.get('indicators', '?')}, "
                f"{sizes.get('results', '?')}, {sizes.get('listings', '?')})",
                "",
                None,
            )
        _page_rows(add, db, label, small, big)
        c1, c2 = small["chart"], big["chart"]
        add(
            "chart: cold render ms", label, f"{c1['cold_ms']:.1f}", f"{c2['cold_ms']:.1f}", "", None
        )
        add(
            "chart: cached hit ms",
            label,
            f"{c1['cached_ms']:.2f}",
            f"{c2['cached_ms']:.2f}",
            "< 5 ms",
            c2["cached_ms"] < 5 and c1["cached_ms"] < 5,
        )
        r1, r2 = small["report"], big["report"]
        add(
            f"report {REPORT_YEAR} HTML ms (rendered)",
            label,
            f"{r1['html_ms']:.0f}",
            f"{r2['html_ms']:.0f}",
            "< 1000 ms",
            r2["html_ms"] < 1000,
        )
        report_pdf_rows(add, label, r1, r2)
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
        if e1.get("baseline_mb") is not None and e2.get("baseline_mb") is not None:
            add(
                "export all: RSS before the first export MB (imports) → growth MB",
                label,
                f"{e1['baseline_mb']:.0f} → +{e1['peak_mb'] - e1['baseline_mb']:.0f}",
                f"{e2['baseline_mb']:.0f} → +{e2['peak_mb'] - e2['baseline_mb']:.0f}",
                "",
                None,
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
        _import_row(add, label, small, big)
    wrk = results.get("throughput") or {"status": "not measured: skipped"}
    what = "cached page vs static file of the same size (req/s)"
    if wrk.get("status") == "measured":
        add(
            what,
            f"{wrk.get('db', '')} ({wrk['bytes']} bytes, cache {wrk['page_cache']})",
            f"{wrk['page_rps']:.0f} vs {wrk['static_rps']:.0f}",
            f"{wrk['ratio']:.0%}",
            ">= 50%",
            wrk["ratio"] >= 0.5 and not wrk.get("page_errors") and not wrk.get("static_errors"),
        )
    else:
        add(what, "", wrk["status"], "", ">= 50%", None)
    return table


def markdown(table: list[list[str]]) -> str:
    header = ["measurement", "database (strategies)", "Nemuro scale", "national scale"]
    header += ["budget", "result"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


def machine(results: dict) -> str:
    """Where and how the numbers were measured, as Markdown lines above the table."""
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            kb = int(meminfo.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    servers = ", ".join(p.get("server", db) for db, p in results.get("phases", {}).items())
    lines = [
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {platform.platform()}, {os.cpu_count()} cores, {memory} RAM",
        f"- Python {platform.python_version()}; {servers}",
        f"- command: `{' '.join(results.get('argv', sys.argv))}`",
        f"- national scale: {results.get('national')} strategies; "
        f"{results.get('iterations')} requests per page; "
        f"whole run {results.get('seconds', 0) / 60:.0f} min",
    ]
    return "\n".join(lines)
