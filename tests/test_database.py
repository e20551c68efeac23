"""The suite runs where it says it runs (make test runs it on SQLite, then on PostgreSQL)."""

import os

from django.db import connection


def test_it_runs_on_the_expected_database(db):
    assert connection.vendor == os.environ.get("EXPECT_DB_VENDOR", "sqlite")
