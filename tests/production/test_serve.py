"""The site as ``make serve`` runs it: collectstatic into a fresh STATIC_ROOT, migrations and the
seed data in a fresh SQLite file, gunicorn with the repository's gunicorn.conf.py, DEBUG off.
Public pages carry the Content-Security-Policy, whitenoise serves the hashed and compressed static
files, /healthz answers; then the database goes away (its folder is moved) and the site answers
503 for pages it must render while stored public pages keep serving.

Runs once, in the SQLite pass (marker ``server``): about 25 s, mostly migrations and collectstatic
in fresh processes."""

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.server

BASE_DIR = Path(settings.BASE_DIR)
SLUG = "nemuro-sousei-2015"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Site:
    def __init__(self, url: str, root: Path, log: Path):
        self.url, self.root, self.log = url, root, log

    def get(self, path: str, **headers):
        return fetch(self.url + path, **headers)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    (root / "data").mkdir()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="nemuro_strategy.settings",
        DJANGO_DEBUG="false",
        SECRET_KEY="serve-test-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{root / 'data' / 'db.sqlite3'}",
        # one cache for both workers, as Redis would be for several hosts
        CACHE_URL=f"file://{root / 'cache'}",
        STATIC_ROOT=str(root / "static"),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    manage = [sys.executable, str(BASE_DIR / "manage.py")]

    def run(*args):
        return subprocess.Popen(
            [*manage, *args],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    # collectstatic beside migrate + seed (two cores); both must succeed
    collect = run("collectstatic", "--noinput", "-v", "0")
    migrate = run("migrate", "--noinput", "-v", "0")
    for process, step in ((migrate, "migrate"), (collect, "collectstatic")):
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"{step} failed:\n{output.decode()}"
    seed = subprocess.run(
        [*manage, "seed"], cwd=BASE_DIR, env=env, capture_output=True, timeout=300
    )
    assert seed.returncode == 0, seed.stdout.decode() + seed.stderr.decode()

    log = root / "gunicorn.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "nemuro_strategy.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(url + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Site(url, root, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_gunicorn_runs_with_the_repositorys_config(site):
    log = site.log.read_text(errors="replace")
    assert f"Listening at: {site.url}" in log
    assert log.count("Booting worker with pid") >= 2  # WEB_CONCURRENCY


def test_a_public_page_is_served_with_debug_off_and_the_policy(site):
    status, headers, body = site.get(f"/s/{SLUG}/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    html = body.decode()
    assert 'lang="ja"' in html and "基本目標" in html
    assert headers["X-Page-Cache"] == "miss"
    again = site.get(f"/s/{SLUG}/")
    assert again[0] == 200 and again[1]["X-Page-Cache"] == "hit"
    assert "Content-Security-Policy" in again[1]


def test_a_missing_page_is_the_japanese_404_not_a_debug_page(site):
    status, _, body = site.get("/no-such-page/")
    assert status == 404
    html = body.decode()
    assert "ページが見つかりません" in html and "DEBUG" not in html


def test_whitenoise_serves_the_hashed_and_compressed_static_files(site):
    html = site.get("/")[2].decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links the manifest's hashed stylesheet"
    status, headers, body = site.get(stylesheet[1])
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]  # hashed name: cached for ever
    status, headers, body = site.get(stylesheet[1], **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b"{" in gzip.decompress(body)
    # the static error pages link the file by its plain name
    assert site.get("/static/css/error.css")[0] == 200


def test_healthz_says_ok(site):
    status, headers, body = site.get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    # whatever Host a load balancer sends
    assert site.get("/healthz", Host="10.0.0.5")[0] == 200
    assert site.get("/accounts/login/", Host="10.0.0.5")[0] == 400  # other pages refuse it


def test_with_the_database_gone_pages_are_503_and_stored_pages_keep_serving(site):
    assert site.get(f"/s/{SLUG}/")[1]["X-Page-Cache"] == "hit"  # stored by the test above
    data = site.root / "data"
    moved = site.root / "data-away"
    shutil.move(data, moved)
    try:
        status, headers, body = site.get(f"/s/{SLUG}/goals/2/")
        assert status == 503
        assert headers["Retry-After"].isdigit()
        assert "ただいまページを表示できません" in body.decode()
        assert "Content-Security-Policy" in headers
        status, headers, _ = site.get(f"/s/{SLUG}/")
        assert status == 200 and headers["X-Page-Cache"] == "hit"
        status, _, body = site.get("/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "failed": ["database"]}
    finally:
        shutil.move(moved, data)
    assert site.get("/healthz")[0] == 200
    assert site.get(f"/s/{SLUG}/goals/2/")[0] == 200
