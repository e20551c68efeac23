"""SQLite, the embedded default, holds several staff saving at once: ten savers on a file
database, each saving its results again and again through the year-entry service, end with no
error ("database is locked") and no lost update (settings.SQLITE_OPTIONS: WAL, a busy timeout,
immediate transactions)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(__file__).with_name("sqlite_savers.py")

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking is what is tested (the suite runs on PostgreSQL in this pass)",
)


def test_the_settings_give_sqlite_wal_a_busy_timeout_and_immediate_transactions():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout=5000" in options["init_command"]


def test_ten_staff_saving_at_once_on_a_sqlite_file_lose_nothing(tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="nemuro_strategy.settings_test",
        SAVERS="10",
        ROUNDS="8",
    )
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite" and outcome["journal_mode"] == "wal"
    assert outcome["errors"] == []
    assert outcome["lost"] == []
    assert outcome["saves"] == 80
