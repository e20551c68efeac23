"""Requests per second of one cached public page against a static file of the same bytes, both
through the same gunicorn (2 workers) with whitenoise in front, measured by wrk on loopback in
one run (the ratio is what the budget checks: the absolute numbers depend on the machine)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .common import BASE_DIR, SLUG

PAGE = f"/s/{SLUG}/"
STATIC_NAME = "bench/page-copy.html"


def _wrk(url: str, seconds: int) -> dict:
    text = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], check=True, capture_output=True, text=True
    ).stdout
    line = next(x for x in text.splitlines() if x.startswith("Requests/sec"))
    out = {"rps": float(line.split()[-1])}
    non2xx = [x for x in text.splitlines() if "Non-2xx" in x]
    if non2xx:
        out["errors"] = non2xx[0].strip()
    return out


def measure_throughput(*, seconds: int = 10) -> dict:
    if shutil.which("wrk") is None:
        return {"status": "not measured: wrk is not installed"}
    from django.conf import settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    production = {**os.environ, "DJANGO_DEBUG": "false", "SECRET_KEY": "bench-only"}
    production["ALLOWED_HOSTS"] = "127.0.0.1"
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v0"],
        check=True,
        env=production,
    )
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "nemuro_strategy.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=production,
    )
    copy = Path(settings.STATIC_ROOT) / STATIC_NAME
    try:
        body = None
        for _ in range(150):
            try:
                body = urllib.request.urlopen(base + PAGE, timeout=30).read()
                break
            except OSError:
                time.sleep(0.2)
        if body is None:
            return {"status": "not measured: gunicorn did not answer"}
        # whitenoise indexes STATIC_ROOT when a worker starts: write the copy, then restart them
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(body)
        server.send_signal(1)  # SIGHUP: gunicorn replaces its workers
        static = f"{base}/{settings.STATIC_URL.strip('/')}/{STATIC_NAME}"
        for _ in range(150):
            try:
                if urllib.request.urlopen(static, timeout=30).read() == body:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            return {"status": "not measured: the static copy was not served"}
        with urllib.request.urlopen(base + PAGE, timeout=30) as response:
            cache_state = response.headers.get("X-Page-Cache")
        page, static_result = _wrk(base + PAGE, seconds), _wrk(static, seconds)
        out = {
            "status": "measured",
            "bytes": len(body),
            "page_cache": cache_state,
            "page_rps": page["rps"],
            "static_rps": static_result["rps"],
            "ratio": page["rps"] / static_result["rps"],
        }
        for name, result in (("page", page), ("static", static_result)):
            if "errors" in result:
                out[f"{name}_errors"] = result["errors"]
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)
        copy.unlink(missing_ok=True)
