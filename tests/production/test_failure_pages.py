"""When a part fails, the visitor gets a Japanese page that says what to do, and the load
balancer a health answer it can act on: the database unavailable → 503 with Retry-After (stored
public pages keep serving); a refused form → the Japanese CSRF page; ``/healthz`` → 200 or 503
naming the part that failed."""

import json
import socket

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, override_settings
from django.urls import include, path, reverse

from nemuro_strategy.ops.database import RETRY_AFTER_SECONDS

SLUG = "nemuro-sousei-2015"
TOP = reverse("strategy:top", kwargs={"slug": SLUG})
GOAL = reverse("strategy:goal", kwargs={"slug": SLUG, "number": 1})


def database_error_view(request):
    raise OperationalError("server closed the connection unexpectedly")


def broken_view(request):
    raise RuntimeError("not a database failure")


# A test-only URL conf: the site's pages plus a view failing with a database error and one
# failing otherwise.
urlpatterns = [
    path("test-only/database-error/", database_error_view),
    path("test-only/broken/", broken_view),
    path("", include("nemuro_strategy.urls")),
]


class DatabaseDown:
    """Every statement on the connection fails as a stopped server makes it fail."""

    def __init__(self, error=OperationalError):
        self.error = error

    def __call__(self, execute, sql, params, many, context):
        raise self.error("could not connect to server: Connection refused")


@pytest.fixture
def database_down():
    """Use as ``with database_down(): …``; the error class can be given."""

    def down(error=OperationalError):
        return connection.execute_wrapper(DatabaseDown(error))

    return down


def is_the_503_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'lang="ja"' in html
    assert "ただいまページを表示できません" in html and "時間をおいてから" in html
    assert "Traceback" not in html and "Connection refused" not in html
    assert "Content-Security-Policy" in response.headers


# --- The database unavailable -------------------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_stopped_database_gets_the_japanese_503_page_with_retry_after(
    client, nemuro, database_down, error
):
    with database_down(error):
        response = client.get(TOP)
    is_the_503_page(response)


def test_a_cached_public_page_keeps_serving_while_the_database_is_down(
    client, nemuro, database_down
):
    warm = client.get(TOP)
    assert warm.status_code == 200 and warm["X-Page-Cache"] == "miss"
    with database_down():
        cached = client.get(TOP)
        uncached = client.get(GOAL)
    assert cached.status_code == 200 and cached["X-Page-Cache"] == "hit"
    assert cached.content == warm.content
    is_the_503_page(uncached)


def test_staff_pages_and_the_login_get_the_503_page_too(client, nemuro, department, database_down):
    client.force_login(department)
    with database_down():
        is_the_503_page(client.get(reverse("staff:home")))
    anonymous = Client()
    with database_down():
        is_the_503_page(anonymous.post(reverse("login"), {"username": "tantouka", "password": "x"}))


def test_the_503_is_not_stored_in_the_page_cache(client, nemuro, database_down):
    with database_down():
        is_the_503_page(client.get(TOP))
    response = client.get(TOP)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"


@pytest.mark.urls("tests.production.test_failure_pages")
def test_a_view_failing_with_a_database_error_gets_the_503_page(client, nemuro):
    is_the_503_page(client.get("/test-only/database-error/"))


@pytest.mark.urls("tests.production.test_failure_pages")
def test_other_failures_still_get_the_500_page(client, nemuro):
    client.raise_request_exception = False
    response = client.get("/test-only/broken/")
    assert response.status_code == 500
    assert "エラーが発生しました" in response.content.decode()


def test_the_503_page_is_static():
    """It is shown when the database is what failed: no template tags, no context."""
    source = (settings.BASE_DIR / "templates" / "503.html").read_text(encoding="utf-8")
    assert "{%" not in source and "{{" not in source


def test_the_database_middleware_sits_right_after_the_page_cache():
    middleware = settings.MIDDLEWARE
    cache = middleware.index("nemuro_strategy.cache.pages.PublicPageCacheMiddleware")
    assert middleware[cache + 1] == "nemuro_strategy.ops.database.DatabaseUnavailableMiddleware"
    assert cache < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


# --- The CSRF refusal ---------------------------------------------------------------------------


def test_a_refused_form_gets_the_japanese_csrf_page(nemuro, department):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "tantouka", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'lang="ja"' in html
    assert "<h1>送信を受け付けられませんでした</h1>" in html
    assert "CSRF検証に失敗したため、リクエストは中断されました。" in html
    assert "ページを開き直して" in html and "Cookie" in html
    assert "DEBUG" not in html and "Forbidden" not in html and "Help" not in html
    assert "Content-Security-Policy" in response.headers
    assert "_auth_user_id" not in client.session


def test_a_logged_in_member_of_staff_gets_the_same_page(nemuro, department):
    client = Client(enforce_csrf_checks=True)
    client.force_login(department)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in response.content.decode()


# --- /healthz -----------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def health(client, **extra):
    response = client.get("/healthz", **extra)
    return response, json.loads(response.content)


def test_healthz_says_ok_when_the_database_and_the_cache_answer(client, db):
    response, body = health(client)
    assert response.status_code == 200
    assert body == {"status": "ok"}  # nothing else: no data, no versions
    assert "no-store" in response["Cache-Control"] and "X-Page-Cache" not in response
    assert reverse("healthz") == "/healthz"


def test_healthz_answers_whatever_the_host_and_without_the_https_redirect(client, db):
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["strategy.example.jp"]):
        response, body = health(client, HTTP_HOST="10.0.0.5:8000")
        assert response.status_code == 200 and body == {"status": "ok"}
        # every other page still refuses the unknown host
        assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400


def test_healthz_answers_head_and_refuses_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_healthz_is_503_naming_the_database_when_it_is_down(client, db, database_down):
    with database_down():
        response, body = health(client)
    assert response.status_code == 503
    assert body == {"status": "unavailable", "failed": ["database"]}


def test_healthz_is_503_naming_the_cache_when_redis_is_down(client, db):
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        response, body = health(client)
    assert response.status_code == 503
    assert body == {"status": "unavailable", "failed": ["cache"]}
    assert "Connection refused" not in response.content.decode()


def test_healthz_is_ok_with_a_shared_redis(client, db, redis_url):
    with override_settings(CACHES=redis_cache(redis_url)):
        response, body = health(client)
    assert response.status_code == 200 and body == {"status": "ok"}


def test_healthz_names_both_when_both_are_down(client, db, database_down):
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        with database_down():
            response, body = health(client)
    assert response.status_code == 503
    assert body == {"status": "unavailable", "failed": ["database", "cache"]}
