"""Each kpi admin changelist, as a superuser sees it, runs the same pinned number of queries with
the seeded data and with many more rows (a full page): no column or filter reads a relation per
row."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.models import ImportJob
from strategy.models import FiscalYear
from tests.factory import grow_strategy


@pytest.fixture
def superuser(client, nemuro, warm_caches):
    user = get_user_model().objects.create_superuser("kanri", "k@example.invalid", "pw-secret-123")
    client.force_login(user)
    return user


def add_import_jobs(strategy, user, count: int) -> None:
    """`count` uploaded sheets of H29, as the upload page stores them (unchecked)."""
    h29 = FiscalYear.objects.get(strategy=strategy, year=2017)
    ImportJob.objects.bulk_create(
        ImportJob(strategy=strategy, fiscal_year=h29, user=user, filename=f"h29-{i}.xlsx", data=b"")
        for i in range(count)
    )


def changelist(client, name: str):
    """(queries, rows shown) of one visit to the changelist."""
    url = reverse(f"admin:kpi_{name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list), queries


# session, user; the filters' choices: strategies, 基本目標 numbers, measures, revisions for
# 追加した版 and for 廃止した版 (5); the filtered and the total count (2); the page of indicators
# with their goal, measure and revisions (1)
INDICATOR_QUERIES = 10
# session, user; the filters' choices: years, 基本目標 numbers, measures (3); the filtered and the
# total count (2); the page of results with their indicator, strategy and year (1); the indicator
# chains of the strategies on the page (1), the results of the page's indicators (1)
ACHIEVEMENT_QUERIES = 10
# session, user; the year filter's choices (1); the filtered and the total count (2); the page
# of jobs with their strategy, year and user (1)
IMPORT_JOB_QUERIES = 6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("indicator", INDICATOR_QUERIES),
        ("achievement", ACHIEVEMENT_QUERIES),
        ("importjob", IMPORT_JOB_QUERIES),
    ],
)
def test_each_changelist_runs_the_same_queries_with_the_seeded_data_and_a_full_page(
    client, nemuro, superuser, name, expected
):
    add_import_jobs(nemuro, superuser, 2)
    small, small_rows, _ = changelist(client, name)
    grow_strategy(nemuro, 60)  # 120 more indicators, 360 more results
    add_import_jobs(nemuro, superuser, 120)
    large, large_rows, queries = changelist(client, name)
    assert small_rows < large_rows == 100  # a full page
    assert small == large == expected, [q["sql"][:90] for q in queries.captured_queries]
