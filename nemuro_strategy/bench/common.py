"""What every measurement shares: the pages, a test client, percentiles, a query recorder."""

from pathlib import Path

from django.db import connection
from django.test import Client

SLUG = "nemuro-sousei-2015"
REPORT_YEAR = 2016
BASE_DIR = Path(__file__).resolve().parent.parent.parent

PAGES = [
    ("top", "/s/{slug}/"),
    ("goal", "/s/{slug}/goals/1/"),
    ("measure", "/s/{slug}/measures/1ア①/"),
    ("indicator", "/s/{slug}/indicators/G1-1/"),
    ("projects", "/s/{slug}/projects/"),
    ("revisions", "/s/{slug}/revisions/"),
    ("opendata", "/s/{slug}/opendata/"),
    ("directory", "/strategies/"),
]


def client() -> Client:
    from django.conf import settings

    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    host = "testserver" if "testserver" in hosts or not hosts else hosts[0]
    return Client(HTTP_HOST=host)


def get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def count_queries(client: Client, url: str) -> list[str]:
    """The SQL one request runs (an execute wrapper: DEBUG's query log is capped at 9,000)."""
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        get(client, url)
    return queries


def bench_user():
    from django.contrib.auth import get_user_model

    # an administrator: the bench enters results for any strategy, bound by no membership
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    return user
