"""``manage.py bench``: page, chart, report, export, entry and import timings on SQLite and on a
throwaway PostgreSQL 15, at Nemuro scale and at national scale, with budgets (docs/benchmarks.md).

By default each database runs in a child process on a fresh database (a temporary SQLite file;
``scripts/with_postgres.py`` for PostgreSQL) with ``--phase-out``; ``--in-process`` measures the
database this process already uses (the test suite's smoke run)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from nemuro_strategy import bench

BASE_DIR = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = (
        "性能を測定し、予算との比較表を表示します（SQLite と使い捨ての PostgreSQL 15、"
        "根室市の規模と全国規模）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--national", type=int, default=1741, help="全国規模の総合戦略の件数（既定: 1741）"
        )
        parser.add_argument("--quick", action="store_true", help="少ない件数・回数で短く測る")
        parser.add_argument("--iterations", type=int, default=None, help="1ページの測定回数")
        parser.add_argument(
            "--import-rows", type=int, default=1000, help="取込シートの行数（既定: 1000）"
        )
        parser.add_argument("--skip-postgres", action="store_true")
        parser.add_argument("--skip-sqlite", action="store_true")
        parser.add_argument("--skip-wrk", action="store_true")
        parser.add_argument("--wrk-seconds", type=int, default=10)
        parser.add_argument(
            "--in-process", action="store_true", help="今の接続先のデータベースだけで測る"
        )
        parser.add_argument("--markdown", help="表を Markdown でこのファイルにも書く")
        parser.add_argument("--json", help="測定結果をこの JSON ファイルにも書く")
        parser.add_argument("--phase-out", help="内部用")
        parser.add_argument("--with-wrk", action="store_true", help="内部用")
        parser.add_argument("--export-only", action="store_true", help="内部用")

    def handle(self, *args, **options):
        if options["export_only"]:
            self.stdout.write(json.dumps(bench.export_child()))
            return
        national = 5 if options["quick"] and options["national"] == 1741 else options["national"]
        iterations = options["iterations"] or (5 if options["quick"] else 30)
        if national < 2:
            raise CommandError("--national は2以上にしてください。")
        if options["phase_out"]:
            self.phase(options, national, iterations)
            return

        results = {"phases": {}, "national": national, "iterations": iterations}
        results["argv"] = [Path(sys.argv[0]).name, *sys.argv[1:]]
        began = time.perf_counter()
        if options["in_process"]:
            results["phases"][connection.vendor] = bench.run_phase(
                national=national,
                iterations=iterations,
                in_process=True,
                import_rows=options["import_rows"],
                log=self.log,
            )
        else:
            if not options["skip_sqlite"]:
                results["phases"]["sqlite"] = self.child("sqlite", options, national, iterations)
            if not options["skip_postgres"]:
                phase = self.child("postgresql", options, national, iterations)
                if phase:
                    results["throughput"] = phase.pop("throughput", None) or {}
                    results["phases"]["postgresql"] = phase
        if options["skip_wrk"]:
            results["throughput"] = {"status": "not measured: --skip-wrk"}
        elif "throughput" not in results:
            results["throughput"] = {"status": "not measured: needs the PostgreSQL pass"}
        results["seconds"] = time.perf_counter() - began
        table = bench.markdown(bench.rows(results))
        self.stdout.write(table)
        if options["markdown"]:
            text = bench.machine(results) + "\n\n" + table + "\n"
            Path(options["markdown"]).write_text(text, encoding="utf-8")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(results, indent=1), encoding="utf-8")

    def log(self, message: str) -> None:
        self.stderr.write(message)

    def phase(self, options, national, iterations) -> None:
        if connection.vendor == "postgresql":
            # scripts/with_postgres.py starts an empty cluster: create the database it names
            name = connection.settings_dict["NAME"]
            with connection._nodb_cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        call_command("migrate", verbosity=0)
        result = bench.run_phase(
            national=national,
            iterations=iterations,
            in_process=False,
            import_rows=options["import_rows"],
            log=self.log,
        )
        if options["with_wrk"]:
            self.log("  measuring throughput with wrk…")
            result["throughput"] = bench.measure_throughput(seconds=options["wrk_seconds"])
            result["throughput"]["db"] = connection.vendor
        Path(options["phase_out"]).write_text(json.dumps(result), encoding="utf-8")

    def child(self, vendor: str, options, national: int, iterations: int) -> dict | None:
        workdir = tempfile.mkdtemp(prefix="nemuro-bench-")
        out = os.path.join(workdir, "phase.json")
        command = [sys.executable, str(BASE_DIR / "manage.py"), "bench", "--phase-out", out]
        command += ["--national", str(national), "--iterations", str(iterations)]
        command += ["--wrk-seconds", str(options["wrk_seconds"])]
        command += ["--import-rows", str(options["import_rows"])]
        env = {**os.environ, "CACHE_DIR": os.path.join(workdir, "cache")}
        env.setdefault("DJANGO_DEBUG", "true")
        if vendor == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
        else:
            if not options["skip_wrk"]:
                command.append("--with-wrk")
            command = [sys.executable, str(BASE_DIR / "scripts" / "with_postgres.py"), *command]
        self.log(f"{vendor}: {national} strategies…")
        completed = subprocess.run(command, env=env, cwd=BASE_DIR)
        if completed.returncode != 0 or not os.path.exists(out):
            self.log(f"{vendor}: the pass failed (exit {completed.returncode}); left out.")
            return None
        return json.loads(Path(out).read_text(encoding="utf-8"))
