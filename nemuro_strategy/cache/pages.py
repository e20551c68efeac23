"""A cache of whole public pages, for anonymous visitors only, that can never serve stale data.

A page is stored under its path and query string and the current *data version*: a random token
kept in the cache. Every SQL statement that writes a table the public pages read (any table of
the strategy, kpi and verification apps except upload jobs and change history) replaces the
token, so the next request renders afresh. The watch sits on the database connection (an execute
wrapper), not on model signals, so bulk writes (``bulk_create``, ``bulk_update``,
``QuerySet.update``, the year-entry screen, imports, the generator) invalidate as surely as an
admin edit, and a publication or withdrawal is a write like any other.

The token is replaced when the statement runs and again when its transaction commits: a request
rendered from the old committed rows while the transaction was open is stored under a token that
is already gone. A missing token (cache cleared or culled) is replaced by a new one: a miss,
never a stale hit.

Only GET/HEAD requests without a session cookie are served from the cache (by a middleware that
runs before sessions and authentication, so a hit costs little more than a static file), and
only pages that ``strategy.http.public_page`` views rendered for an anonymous user are stored: a logged-in
member of staff (who may preview unpublished years) always gets a fresh render, never stored.
Writes made outside Django (psql) are not seen: clear the cache after them.
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from strategy.http import is_public_page

VERSION_KEY = "public-page:version"
WATCHED_PREFIXES = ("strategy_", "kpi_", "verification_")
IGNORED_TABLES = ("kpi_importjob",)
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
SKIPPED_HEADERS = ("set-cookie", "content-length", "x-page-cache")


def _seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 24 * 3600)


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return version


def bump_data_version() -> None:
    """Make every stored page unreachable (they expire on their own)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def is_watched(sql: str) -> bool:
    match = _WRITE.match(sql)
    if match is None:
        return False
    table = match[1].lower()
    return (
        table.startswith(WATCHED_PREFIXES)
        and table not in IGNORED_TABLES
        and "_historical" not in table
    )


def make_write_watcher(alias: str):
    def watch_writes(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and is_watched(sql):
            bump_data_version()
            connection = context["connection"]
            if connection.in_atomic_block and not any(
                entry[1] is bump_data_version for entry in connection.run_on_commit
            ):
                transaction.on_commit(bump_data_version, using=alias)
        return result

    watch_writes.is_page_cache_watcher = True
    return watch_writes


def install_write_watcher(sender, connection, **kwargs) -> None:
    """connection_created receiver: watch this connection's writes (once per wrapper). Put
    first so that ``connection.execute_wrapper()`` blocks, which pop the last wrapper, stay
    balanced."""
    if not any(getattr(w, "is_page_cache_watcher", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, make_write_watcher(connection.alias))


def _key(request, version: str) -> str:
    """The page's path and query string under the data version (one language: LANGUAGES)."""
    path = request.get_full_path()
    digest = hashlib.sha256(f"{request.method}|{path}".encode()).hexdigest()
    return f"public-page:{version}:{digest}"


def _eligible(request) -> bool:
    """A GET or HEAD without a session cookie: a visitor who is certainly not logged in."""
    return (
        request.method in ("GET", "HEAD")
        and getattr(settings, "PUBLIC_PAGE_CACHE", True)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _cacheable_response(response) -> bool:
    return (
        is_public_page(response)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "private" not in response.get("Cache-Control", "")
    )


class PublicPageCacheMiddleware:
    """Serve a stored public page before sessions, authentication and the view run; store the
    pages ``public_page`` views mark as cacheable. Placed right after WhiteNoise, so that a hit
    costs about what a static file costs; the security middleware before it still adds its
    headers, and the headers the later middleware added on the miss are stored with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request, data_version())
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if _cacheable_response(response) and (user is None or not user.is_authenticated):
            headers = [(n, v) for n, v in response.items() if n.lower() not in SKIPPED_HEADERS]
            cache.set(key, (response.content, headers), _seconds())
            response["X-Page-Cache"] = "miss"
        return response
