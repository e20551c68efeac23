"""The synthetic-strategy generator and the bench command's smoke run (no timing asserted)."""

import io
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command

from nemuro_strategy import bench
from nemuro_strategy.bench.measure import export_all, export_child_env
from nemuro_strategy.data.synthetic import (
    municipality_code,
    strategies_digest,
    strategies_generate,
    strategy_sizes,
)
from strategy.models import Strategy
from strategy.models.core import validate_local_government_code

pytestmark = pytest.mark.django_db


def _slugs(prefix: str, count: int = 2) -> list[str]:
    return [f"{prefix}-{i + 1:04d}" for i in range(count)]


def test_it_gives_synthetic_municipalities_valid_codes():
    for number in (0, 1, 1740, 9999):
        validate_local_government_code(municipality_code(number))


def test_it_builds_each_strategy_shaped_like_nemuro(nemuro):
    strategies_generate(count=2, seed=1, prefix="shape")
    for slug in _slugs("shape"):
        sizes = strategy_sizes(Strategy.objects.get(slug=slug))
        assert sizes["goals"] == 3
        assert sizes["policies"] == 7
        assert sizes["measures"] == 17
        assert sizes["goal_targets"] == 10
        # 51 indicators in force plus the 2 a revision retired and replaced
        assert sizes["indicators"] == 53
        assert sizes["listings"] == 127
        assert sizes["internal_reviews"] == 18
        assert sizes["panel_reviews"] == 2
        # five years per indicator lineage, fewer for the nodes a revision retired or added
        assert 240 <= sizes["results"] <= 5 * 53


def test_it_records_some_results_as_still_being_aggregated(nemuro):
    from kpi.models import Achievement

    strategies_generate(count=2, seed=1, prefix="pending")
    results = Achievement.objects.filter(indicator__strategy__slug__startswith="pending-")
    assert results.filter(state=Achievement.State.AGGREGATING, value=None).exists()
    assert results.filter(state=Achievement.State.RECORDED).exclude(value=None).exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(nemuro):
    strategies_generate(count=2, seed=7, prefix="first")
    strategies_generate(count=2, seed=7, prefix="again", batch=1)
    strategies_generate(count=2, seed=8, prefix="other")
    digest = strategies_digest(_slugs("first"))
    assert strategies_digest(_slugs("again")) == digest
    assert strategies_digest(_slugs("other")) != digest


def test_the_bench_prints_every_row_with_a_verdict_column(nemuro, warm_caches, tmp_path):
    out = io.StringIO()
    call_command(
        "bench",
        "--in-process",
        "--quick",
        "--skip-postgres",
        "--skip-wrk",
        "--national",
        "2",
        "--iterations",
        "1",
        "--import-rows",
        "60",
        "--markdown",
        str(tmp_path / "bench.md"),
        stdout=out,
        stderr=io.StringIO(),
    )
    table = out.getvalue()
    assert "| measurement |" in table and "| result |" in table
    for name, _pattern in bench.PAGES:
        assert f"page {name}: queries (rendered)" in table
        assert f"page {name}: rendered median / p95 ms" in table
        assert f"page {name}: cached median / p95 ms (queries)" in table
    for row in (
        "chart: cold render ms",
        "chart: cached hit ms",
        "report 2016 HTML ms",
        "report 2016 PDF ms",
        "export all results.csv",
        "export all: peak MB",
        "year-entry save ms",
        "import of a sheet",
        "cached page vs static file of the same size",
    ):
        assert row in table, row
    assert "not measured" in table
    lines = [line for line in table.splitlines() if line.startswith("| page")]
    assert all("| FAIL |" not in line for line in lines if "queries" in line)
    assert all(line.rstrip(" |").split("|")[-1].strip() in {"pass", "FAIL", "-"} for line in lines)
    from django.db import connection

    assert f"{connection.vendor} (1→2)" in table  # the database the suite runs on
    written = (tmp_path / "bench.md").read_text(encoding="utf-8")
    assert "cores" in written and "- command: `" in written and table in written
    # the import sheet is all valid rows, checked and then written (rolled back afterwards)
    assert "(60 rows, 0 errors)" in table
    assert not Strategy.objects.filter(slug__startswith="bench-import").exists()


# --- the export of everything: bounded memory, its own peak measured ---------------------------


def _export_everything() -> tuple[dict, int]:
    """Every strategy's results.csv as the bench streams them; the peak of Python allocations."""
    tracemalloc.start()
    try:
        result = export_all()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_exporting_every_strategy_costs_the_same_memory_and_queries_per_strategy_at_any_count(
    nemuro, warm_caches, django_assert_num_queries
):
    strategies_generate(count=2, seed=3, prefix="few")
    _export_everything()  # warm: imports, URL resolver, translations
    few, few_peak = _export_everything()
    strategies_generate(count=8, seed=3, prefix="many")
    many, many_peak = _export_everything()
    assert (few["strategies"], many["strategies"]) == (3, 11)
    assert many["rows"] > 3 * few["rows"]
    # one strategy's rows at a time: nothing is kept from one strategy to the next. Keeping
    # them would grow the peak with the 3.7 times as many strategies; allocator and driver
    # noise (seen up to +20 % on PostgreSQL) stays well under doubling.
    assert many_peak < few_peak * 2, (few_peak, many_peak)
    # the strategies' slugs, then 4 queries a strategy (see tests/kpi/test_opendata.py)
    with django_assert_num_queries(1 + 4 * 11):
        export_all()


def test_the_export_child_runs_without_debug_and_with_a_host_the_test_client_may_use():
    env = export_child_env({"DJANGO_DEBUG": "true", "ALLOWED_HOSTS": "example.org"})
    assert env["DJANGO_DEBUG"] == "false"
    assert env["SECRET_KEY"]
    assert env["ALLOWED_HOSTS"] == "example.org,testserver"
    kept = export_child_env({"SECRET_KEY": "set", "ALLOWED_HOSTS": "testserver"})
    assert (kept["SECRET_KEY"], kept["ALLOWED_HOSTS"]) == ("set", "testserver")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_child_process_reports_its_own_peak_memory_not_its_parents():
    """ru_maxrss carries the parent's peak across fork + exec (Linux): the export child once
    reported the ~330 MB of the bench process that started it. rss.peak_mb reads VmHWM."""
    ballast = bytearray(256 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # make it resident
    script = Path(bench.__file__).with_name("rss.py")
    own, inherited = map(
        float,
        subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, check=True
        ).stdout.split(),
    )
    del ballast
    assert own < 100, own  # a bare interpreter: about 10 MB
    # (`inherited`, ru_maxrss, is about 270 here on Linux: what the export child used to report)
