"""Two app instances (separate gunicorn processes, no shared local state) sharing one Redis and one
database, as two hosts behind a load balancer would: a write made through one instance is never
served stale by the other. The case the issue measured: H28's report withdrawn through instance A
stayed public on instance B for up to a day; here B answers 404 on the very next request.

Runs once, in the SQLite pass (marker ``server``); the database is one SQLite file in WAL mode
that both instances open (standing in for the shared PostgreSQL)."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.production.test_serve import free_port

pytestmark = pytest.mark.server

BASE_DIR = Path(settings.BASE_DIR)
SLUG = "nemuro-sousei-2015"
PASSWORD = "two-hosts-passphrase-2017"


class Client:
    """A browser of one instance: cookies kept, redirects not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, url: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect
        )

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body)
        if data is not None:
            request.add_header("Referer", self.url + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def token(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def login(self, username: str) -> None:
        self.request("/accounts/login/")
        status, headers, _ = self.request(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.token()},
        )
        assert status == 302, "login failed"


@pytest.fixture(scope="module")
def instances(tmp_path_factory, redis_url):
    root = tmp_path_factory.mktemp("two-hosts")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="nemuro_strategy.settings",
        DJANGO_DEBUG="false",
        SECRET_KEY="two-hosts-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
        CACHE_URL=redis_url,
        STATIC_ROOT=str(root / "static"),
        WEB_CONCURRENCY="1",
        NEMURO_STAFF_PASSWORD=PASSWORD,
        # plain http on loopback: cookies without the Secure flag, or the client never sends them
        SECURE_COOKIES="false",
    )
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for step in (
        ["collectstatic", "--noinput", "-v", "0"],
        ["migrate", "--noinput", "-v", "0"],
        ["seed"],
        ["create_staff_user", "jimukyoku", "--role", "事務局", "--municipality", "012238"],
    ):
        done = subprocess.run(
            [*manage, *step], cwd=BASE_DIR, env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, step[0] + ": " + done.stdout.decode() + done.stderr.decode()
    servers, urls = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = (root / f"{name}.log").open("wb")
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "gunicorn.conf.py",
                        "nemuro_strategy.wsgi",
                    ],
                    cwd=BASE_DIR,
                    env={**env, "BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, server in zip(urls, servers, strict=True):
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{url} did not start")
                time.sleep(0.2)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _healthy(url: str) -> bool:
    try:
        return Client(url).request("/healthz")[0] == 200
    except OSError:
        return False


def test_a_report_withdrawn_through_one_instance_is_gone_from_the_other(instances):
    a_url, b_url = instances
    citizen_on_b = Client(b_url)
    report = f"/s/{SLUG}/reports/2016/"
    assert citizen_on_b.request(report)[0] == 200
    status, headers, _ = citizen_on_b.request(report)
    assert status == 200 and headers["X-Page-Cache"] == "hit"  # B serves it from Redis

    secretariat_on_a = Client(a_url)
    secretariat_on_a.login("jimukyoku")
    status, _, body = secretariat_on_a.request(
        f"/staff/s/{SLUG}/publication/2016/withdraw/",
        {"reason": "転記誤りの確認のため", "csrfmiddlewaretoken": secretariat_on_a.token()},
    )
    assert status == 302, body[:500]

    assert citizen_on_b.request(report)[0] == 404  # the very next request on B
    status, _, body = citizen_on_b.request(f"/s/{SLUG}/reports/")
    assert status == 200 and not re.search(r"/reports/2016/", body)
