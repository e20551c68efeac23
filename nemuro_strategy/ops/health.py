"""``/healthz`` for a load balancer: can this host reach its database and its cache?

200 ``{"status": "ok"}``, or 503 ``{"status": "unavailable", "failed": ["database", "cache"]}``
naming what failed (the details go to the log, never to the answer). No data is read: the
database is asked whether Django's migration table has a row (``SELECT 1 FROM
django_migrations LIMIT 1``: a database that answers but is empty or not this site's, such as a
SQLite file recreated empty, is not healthy), the cache stores and reads back a probe key. Never cached.

Load balancers often probe with their own address as the Host header and over plain http, so
the middleware answers ``/healthz`` first in settings.MIDDLEWARE, before the host validation of
ALLOWED_HOSTS and the https redirect; the URL (``healthz``) names the same view."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

PATH = "/healthz"
PROBE_KEY = "healthz:probe"


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("health check: the database is unreachable", exc_info=True)
        return False


def cache_reachable() -> bool:
    token = uuid.uuid4().hex
    try:
        cache.set(PROBE_KEY, token, 30)
        return cache.get(PROBE_KEY) == token
    except Exception:
        logger.warning("health check: the cache is unreachable", exc_info=True)
        return False


def healthz(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    failed = [
        part
        for part, reachable in (("database", database_reachable), ("cache", cache_reachable))
        if not reachable()
    ]
    if failed:
        response = JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    else:
        response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answer ``/healthz`` before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
