"""The synthetic-strategy generator and the bench command's smoke run (no timing asserted)."""

import io

import pytest
from django.core.management import call_command

from nemuro_strategy import bench
from strategy.models import Strategy
from strategy.models.core import validate_local_government_code
from strategy.synthetic import (
    municipality_code,
    strategies_digest,
    strategies_generate,
    strategy_sizes,
)

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
