"""Ten staff saving results at once on a file-based SQLite database (run as a script by
test_sqlite_concurrency.py, in a process of its own so that the database is a real file with the
settings' SQLite options, not the suite's in-memory one).

Prints one JSON line: the number of saves, the errors (exception texts) and the lost updates
(indicators whose stored value is not the last one saved, or whose history misses a save)."""

import json
import os
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nemuro_strategy.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kpi.entry.page import version_of  # noqa: E402
from kpi.entry.save import RowInput, achievements_save_year  # noqa: E402
from kpi.models import Achievement  # noqa: E402
from strategy.models import FiscalYear  # noqa: E402
from tests.factory import extra_indicator, make_strategy, make_tree  # noqa: E402

SAVERS = int(os.environ.get("SAVERS", "10"))
ROUNDS = int(os.environ.get("ROUNDS", "8"))


def main() -> None:
    call_command("migrate", verbosity=0)
    strategy = make_strategy()
    first_indicator = make_tree(strategy)
    first = strategy.revisions.get(sequence=1)
    indicators = [first_indicator] + [
        extra_indicator(first, i, goal=first_indicator.goal, measure=first_indicator.measure)
        for i in range(1, SAVERS)
    ]
    for indicator in indicators[1:]:
        indicator.save()
    year = FiscalYear.objects.get(strategy=strategy, year=strategy.first_fiscal_year)
    connection.close()

    errors: list[str] = []
    saves = [0]
    lock = threading.Lock()
    start = threading.Barrier(SAVERS)

    def saver(indicator) -> None:
        from django.db import connection as own

        start.wait()
        try:
            for n in range(1, ROUNDS + 1):
                current = Achievement.objects.filter(indicator=indicator, fiscal_year=year).first()
                row = RowInput(indicator=indicator, version=version_of(current), value=Decimal(n))
                try:
                    achievements_save_year(
                        strategy=strategy, fiscal_year=year, rows=[row], user=None
                    )
                except Exception as exc:  # noqa: BLE001 — every failure counts
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                else:
                    with lock:
                        saves[0] += 1
        finally:
            own.close()

    began = time.monotonic()
    threads = [threading.Thread(target=saver, args=(i,)) for i in indicators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - began

    lost = []
    for indicator in indicators:
        stored = Achievement.objects.filter(indicator=indicator, fiscal_year=year).first()
        value = stored.value if stored else None
        history = Achievement.history.filter(id=stored.pk).count() if stored else 0
        if value != Decimal(ROUNDS) or history != ROUNDS:
            lost.append(f"{indicator.code}: value {value}, {history} history rows")
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
                "saves": saves[0],
                "errors": errors,
                "lost": lost,
                "seconds": round(seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
