"""The measurements behind ``manage.py bench`` (see docs/benchmarks.md).

A *phase* (measure.py) runs against the database the process is configured with: it measures at
Nemuro scale (the seed alone), generates synthetic strategies up to the national count, and
measures again. Results are plain dicts (JSON between processes); table.py turns them into
pass/fail rows against the budgets of issue 7. importing.py measures a 1,000-row sheet import,
throughput.py a cached page against a static file through gunicorn with wrk.
"""

from .common import PAGES, REPORT_YEAR, SLUG
from .measure import export_child, run_phase
from .table import machine, markdown, rows
from .throughput import measure_throughput

__all__ = [
    "PAGES",
    "REPORT_YEAR",
    "SLUG",
    "export_child",
    "machine",
    "markdown",
    "measure_throughput",
    "rows",
    "run_phase",
]
