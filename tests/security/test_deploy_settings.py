"""The production settings pass Django's deployment checklist, and local development
(``make run``: DJANGO_DEBUG=true over plain http) keeps working."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "p8w!Zq3r-7Lk2vN9sT4xB6mD1cF5hJ0gY8uE3oA7iW2nR6tK9yQ4pS1dX5zC0vM",
    "ALLOWED_HOSTS": "nemuro-sousei.example.jp",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "true",
}

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('DEBUG', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'X_FRAME_OPTIONS', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY')}))"
)


def run(args: list[str], extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and not key.startswith(("SECURE_", "DJANGO_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="nemuro_strategy.settings", **extra)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deployment_checklist_is_clean_with_production_settings():
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    result = run(["-c", code], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_settings_lock_the_site_down():
    result = run(["-c", SHOW], PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
    }


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["-c", SHOW], {**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_local_development_still_serves_plain_http():
    result = run(["-c", SHOW], {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["DEBUG"] is True
    assert not shown["SESSION_COOKIE_SECURE"] and not shown["CSRF_COOKIE_SECURE"]
    assert not shown["SECURE_SSL_REDIRECT"] and shown["SECURE_HSTS_SECONDS"] == 0


def test_a_bad_hsts_value_fails_loudly():
    result = run(["-c", SHOW], {**PRODUCTION, "SECURE_HSTS_SECONDS": "a year"})
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be an integer" in result.stderr
