"""The database unavailable (stopped, unreachable, out of connections, locked beyond the busy
timeout) → a Japanese 503 page with ``Retry-After``, not a 500.

The middleware sits right after the public page cache (settings.MIDDLEWARE): a stored public
page is served before it — and before sessions and the view — so cached pages keep serving while
the database is down; a page that has to be rendered gets this 503. Django turns an exception
into a response at each middleware, so the failure is caught where Django hands view exceptions
to middleware (``process_exception``: the view and the rendering of its template response).

The page (templates/503.html) is static: rendering it needs neither the database nor a request
context."""

import logging

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def unavailable_response() -> HttpResponse:
    """The 503 page: static, never stored by a cache, with when to try again."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error(
            "database unavailable; 503 for %s %s",
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        return unavailable_response()
