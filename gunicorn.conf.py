"""gunicorn settings for production (``make serve``: gunicorn -c gunicorn.conf.py
nemuro_strategy.wsgi), read from the environment; README「本番運用」 lists every variable.

BIND             address to listen on (host:port, or unix:/path.sock); default 0.0.0.0:$PORT when
                 PORT is set (platforms that give a port), else 127.0.0.1:8000 (behind a reverse
                 proxy on the same host). Hosts behind a load balancer: BIND=0.0.0.0:8000.
PORT             the port when BIND is not given.
WEB_CONCURRENCY  worker processes; default 2 × CPU cores + 1, at most 8 (each worker holds
                 Django, matplotlib and WeasyPrint: about 150–300 MB).
GUNICORN_TIMEOUT seconds a worker may spend on one request before it is killed and replaced; 60
                 (a cold 効果検証調書 PDF takes a few seconds, an upload is refused within two).
GUNICORN_MAX_REQUESTS  requests a worker serves before it is replaced (memory a large request
                 kept is given back); 1000, each worker a random 0–10 % later so they do not all
                 restart together. 0 turns recycling off.

Access log and error log go to stdout and stderr (the service manager or container keeps them).
"""

import multiprocessing
import os


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}")
    return value


if os.environ.get("BIND", "").strip():
    bind = [os.environ["BIND"].strip()]
elif os.environ.get("PORT", "").strip():
    bind = [f"0.0.0.0:{_int('PORT', 8000, minimum=1)}"]
else:
    bind = ["127.0.0.1:8000"]

workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8), minimum=1)
worker_class = "sync"

# A request that takes longer is killed (the worker is replaced); on a restart or a deploy, the
# workers get this long to finish the requests they are serving.
timeout = _int("GUNICORN_TIMEOUT", 60, minimum=1)
graceful_timeout = 30
# Behind a load balancer: keep its connections open a little longer than a browser's.
keepalive = 5

# Worker recycling: memory a large request took (an upload, a PDF) goes back to the system.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# Logs to stdout/stderr. The access log: the connecting address, the X-Forwarded-For a proxy
# added, time, request, status, size, referrer, user agent and the request time in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'

# Worker heartbeats in memory rather than on a disk that may be slow (containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
