"""gunicorn.conf.py reads the environment: where to listen, how many workers, timeouts and worker
recycling; a value that makes no sense stops the start-up with the variable's name. And ``make
serve`` runs the production steps in order."""

import multiprocessing
import os
import runpy
import subprocess

import pytest
from django.conf import settings

CONFIG = settings.BASE_DIR / "gunicorn.conf.py"
VARIABLES = ("BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS")


@pytest.fixture
def config(monkeypatch):
    def load(**environment):
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONFIG))

    return load


def test_the_defaults(config):
    values = config()
    assert values["bind"] == ["127.0.0.1:8000"]
    assert values["workers"] == min(2 * multiprocessing.cpu_count() + 1, 8)
    assert values["timeout"] == 60 and values["graceful_timeout"] == 30
    assert values["max_requests"] == 1000 and values["max_requests_jitter"] == 100
    assert values["accesslog"] == "-" and values["errorlog"] == "-"


@pytest.mark.parametrize(
    ("environment", "bind"),
    [
        ({"PORT": "5000"}, ["0.0.0.0:5000"]),
        ({"BIND": "0.0.0.0:8000"}, ["0.0.0.0:8000"]),
        ({"BIND": "unix:/run/nemuro.sock", "PORT": "5000"}, ["unix:/run/nemuro.sock"]),
    ],
)
def test_where_it_listens(config, environment, bind):
    assert config(**environment)["bind"] == bind


def test_workers_timeout_and_recycling_from_the_environment(config):
    values = config(WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="120", GUNICORN_MAX_REQUESTS="500")
    assert values["workers"] == 3 and values["timeout"] == 120
    assert values["max_requests"] == 500 and values["max_requests_jitter"] == 50
    assert config(GUNICORN_MAX_REQUESTS="0")["max_requests"] == 0  # recycling off


@pytest.mark.parametrize(
    ("name", "value"), [("WEB_CONCURRENCY", "many"), ("WEB_CONCURRENCY", "0"), ("PORT", "-1")]
)
def test_a_bad_value_stops_the_start_up_naming_the_variable(config, name, value):
    with pytest.raises(SystemExit, match=name):
        config(**{name: value})


def test_an_empty_value_means_the_default(config):
    assert config(GUNICORN_TIMEOUT="", WEB_CONCURRENCY=" ")["timeout"] == 60


def test_make_serve_runs_the_production_steps_in_order():
    makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    steps = [
        "export DJANGO_DEBUG=false",
        'test -n "$$SECRET_KEY"',
        'test -n "$$ALLOWED_HOSTS"',
        "manage.py check --deploy",
        "manage.py collectstatic --noinput",
        "manage.py migrate --noinput",
        "exec $(VENV)/bin/gunicorn -c gunicorn.conf.py nemuro_strategy.wsgi",
    ]
    positions = [recipe.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.skipif(
    (settings.BASE_DIR / ".env").exists(), reason="a .env here would provide the variables"
)
@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_make_serve_refuses_to_start_without_the_secret_key_or_the_hosts(missing):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(SECRET_KEY="k" * 50, ALLOWED_HOSTS="strategy.example.jp")
    del environment[missing]
    result = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "serve"],  # -o: never (re)install the venv here
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"{missing} を環境変数か .env で指定してください" in result.stderr
    assert "collectstatic" not in result.stdout
