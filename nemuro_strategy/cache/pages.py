"""A cache of whole public pages, for anonymous visitors only, that can never serve stale data
and cannot be turned against the site.

**Versions per strategy.** A page under ``/s/<slug>/…`` is stored under that strategy's data
version (strategy/data_version.py), read from the URL without a query; the other public pages
(``/``, ``/strategies/``, which list strategies) under the listing version. Every SQL statement
that writes a table the public pages read (any table of the strategy, kpi and verification apps
except upload jobs and change history) replaces a version: the strategy's (and the listing's)
when the write happens inside ``data_version.writing(strategy)`` — which this middleware opens
around every request whose URL names a strategy (``/s/<slug>/…``, ``/staff/s/<slug>/…``): such
views reach their strategy through the access helpers and write only its rows — and every
version otherwise (the admin, management commands, the shell). The watch sits on the database
connection (an execute wrapper), not on model signals, so bulk writes invalidate as surely as an
admin edit, and a publication or withdrawal is a write like any other. The version is replaced
when the statement runs and again when its transaction commits, so a page rendered from the old
rows while the transaction was open is stored under a version that is already gone.

**Canonical keys.** Only the query parameters a page uses (``PAGE_PARAMETERS``, by URL name) are
part of its key, sorted; the view sees only those, so junk parameters make no new entry and the
stored page is the canonical one. Each version holds at most ``PUBLIC_PAGE_CACHE_MAX_ENTRIES``
pages (default 2,000): free text in a search box cannot fill the cache.

**Who is served from it.** GET/HEAD requests of public views (``strategy.http.public_page``)
without a valid *staff marker*: a cookie signed with SECRET_KEY set on login and deleted on
logout, checked without a query. A junk ``sessionid`` cookie authenticates no one and changes
nothing; only pages rendered for an anonymous user are stored, so a logged-in member of staff
without the marker (a session older than the marker) gets the public page, never shares theirs.

**Failures.** A cache that fails (Redis down, folder unwritable, disk full) is logged as a
warning and the page renders without it; version replacements never raise either.
Writes made outside Django (psql) are not seen: clear the cache after them.
"""

import hashlib
import logging
import re
from contextlib import nullcontext
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.core.signing import get_cookie_signer
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.functional import empty

from strategy import data_version
from strategy.directory import StrategyFilter
from strategy.filters import ProjectListingFilter
from strategy.http import is_public_page

logger = logging.getLogger(__name__)

WATCHED_PREFIXES = ("strategy_", "kpi_", "verification_")
IGNORED_TABLES = ("kpi_importjob",)
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
SKIPPED_HEADERS = ("set-cookie", "content-length", "x-page-cache")
STRATEGY_PATH = re.compile(r"^/(?:staff/)?s/(?P<slug>[-a-zA-Z0-9_]+)/")

# The query parameters each public page reads (URL name → names); every other parameter is
# dropped before the view runs. A public page that reads a parameter must be listed here.
PAGE_PARAMETERS: dict[str, frozenset[str]] = {
    # the filters, django-tables2's sort and page, and the CSV/Excel download
    "strategy:projects": frozenset([*ProjectListingFilter.base_filters, "sort", "page", "_export"]),
    "strategy:index": frozenset([*StrategyFilter.base_filters, "page"]),
}

STAFF_MARKER = "staff_marker"
_MARKER_SALT = "nemuro_strategy.cache.pages.staff-marker"


def _seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 24 * 3600)


def _max_entries() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_MAX_ENTRIES", 2000)


def strategy_of_path(path: str) -> str | None:
    """The slug of the strategy a URL belongs to, from the path alone."""
    match = STRATEGY_PATH.match(path)
    return match["slug"] if match else None


def page_version(path: str = "/") -> str:
    """The version a page at `path` is stored under."""
    return data_version.current(strategy_of_path(path))


# --- The write watcher ---------------------------------------------------------------------------


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


class _Bump:
    """Replace the versions a write touched: one strategy's (and the listing's), or all."""

    __name__ = "bump_data_version"

    def __init__(self, slug: str | None):
        self.slug = slug

    def __call__(self) -> None:
        if self.slug is None:
            data_version.bump_all()
        else:
            data_version.bump(self.slug)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Bump) and other.slug == self.slug

    __hash__ = None


def bump_data_version() -> None:
    """Make every stored page unreachable (they expire on their own)."""
    data_version.bump_all()


def make_write_watcher(alias: str):
    def watch_writes(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and is_watched(sql):
            bump = _Bump(data_version.attributed())
            bump()
            connection = context["connection"]
            if connection.in_atomic_block and not any(
                bump == entry[1] for entry in connection.run_on_commit
            ):
                transaction.on_commit(bump, using=alias)
        return result

    watch_writes.is_page_cache_watcher = True
    return watch_writes


def install_write_watcher(sender, connection, **kwargs) -> None:
    """connection_created receiver: watch this connection's writes (once per wrapper). Put
    first so that ``connection.execute_wrapper()`` blocks, which pop the last wrapper, stay
    balanced."""
    if not any(getattr(w, "is_page_cache_watcher", False) for w in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, make_write_watcher(connection.alias))


# --- The staff marker ---------------------------------------------------------------------------


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None:
        request._staff_marker = "set"


def _on_logout(sender, request, user, **kwargs) -> None:
    if request is not None:
        request._staff_marker = "delete"


user_logged_in.connect(_on_login, dispatch_uid="public-page-cache-login")
user_logged_out.connect(_on_logout, dispatch_uid="public-page-cache-logout")


def staff_marker_value() -> str:
    """The signed cookie value a login sets (what ``set_signed_cookie`` writes): for clients that
    log in without the login view, such as the test client's ``force_login``."""
    return get_cookie_signer(salt=STAFF_MARKER + _MARKER_SALT).sign("1")


def has_staff_marker(request) -> bool:
    """Whether the request carries a marker this site signed at a login (no query)."""
    if STAFF_MARKER not in request.COOKIES:
        return False
    try:
        request.get_signed_cookie(
            STAFF_MARKER, salt=_MARKER_SALT, max_age=settings.SESSION_COOKIE_AGE
        )
    except Exception:  # bad signature, expired, malformed
        return False
    return True


def _update_staff_marker(request, response) -> None:
    action = getattr(request, "_staff_marker", None)
    user = getattr(request, "user", None)
    if action is None and user is not None and getattr(user, "_wrapped", empty) is not empty:
        # The request found out who is there anyway (the user is never loaded only for this):
        # a session that ended without a logout (expired, flushed) loses the marker, and a
        # session older than the marker gets one.
        marked = has_staff_marker(request)
        if user.is_authenticated and not marked:
            action = "set"
        elif not user.is_authenticated and STAFF_MARKER in request.COOKIES:
            action = "delete"
    if action == "set":
        response.set_signed_cookie(
            STAFF_MARKER,
            "1",
            salt=_MARKER_SALT,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    elif action == "delete":
        response.delete_cookie(STAFF_MARKER, samesite="Lax")


# --- The middleware ------------------------------------------------------------------------------


def _public_match(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match if getattr(match.func, "public_page_view", False) else None


def _canonical_query(request, match) -> str:
    """The query string of the parameters the page reads, sorted; the request is narrowed to
    them, so the view renders the canonical page."""
    allowed = PAGE_PARAMETERS.get(match.view_name, frozenset())
    pairs = sorted(
        (name, value)
        for name in request.GET
        if name in allowed
        for value in request.GET.getlist(name)
    )
    query = urlencode(pairs)
    if query != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
    return query


def _key(request, version: str, query: str) -> str:
    digest = hashlib.sha256(f"{request.method}|{request.path}|{query}".encode()).hexdigest()
    return f"public-page:{version}:{digest}"


def _cacheable_response(response) -> bool:
    return (
        is_public_page(response)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "private" not in response.get("Cache-Control", "")
    )


def _room_for_one_more(version: str) -> bool:
    """Count the pages stored under `version`; False past the cap."""
    counter = f"public-page:entries:{version}"
    cache.add(counter, 0, _seconds())
    try:
        count = cache.incr(counter)
    except ValueError:  # expired or evicted between add and incr
        cache.set(counter, 1, _seconds())
        count = 1
    return count <= _max_entries()


class PublicPageCacheMiddleware:
    """Serve a stored public page before sessions, authentication and the view run; store the
    pages ``public_page`` views render for anonymous visitors. Placed right after WhiteNoise, so
    that a hit costs about what a static file costs; the security middleware before it still
    adds its headers, and the headers the later middleware added on the miss are stored with
    the page. Also: attributes the writes of a request under ``/s/<slug>/`` to that strategy,
    and sets or deletes the staff marker on login and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        slug = strategy_of_path(request.path_info)
        with data_version.writing(slug) if slug else nullcontext():
            response = self._respond(request, slug)
        _update_staff_marker(request, response)
        return response

    def _respond(self, request, slug):
        if (
            request.method not in ("GET", "HEAD")
            or not getattr(settings, "PUBLIC_PAGE_CACHE", True)
            or has_staff_marker(request)
        ):
            return self.get_response(request)
        match = _public_match(request)
        if match is None:
            return self.get_response(request)
        query = _canonical_query(request, match)
        version = data_version.current(slug)
        key = _key(request, version, query)
        try:
            stored = cache.get(key)
        except Exception:
            logger.warning(
                "public page cache unreadable; rendering %s", request.path, exc_info=True
            )
            return self.get_response(request)
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
            try:
                if _room_for_one_more(version):
                    cache.set(key, (response.content, headers), _seconds())
                    response["X-Page-Cache"] = "miss"
            except Exception:
                logger.warning(
                    "public page cache unwritable; %s not stored", request.path, exc_info=True
                )
        return response
