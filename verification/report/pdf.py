"""PDFs printed by WeasyPrint from the HTML a page renders: the 効果検証調書 (from its own template,
templates/verification/report.html) and the A4 sheets of an indicator or a goal (from their
pages' templates). One source: the PDF carries the page's words and layout, with the print rules
of its stylesheet (A4 ``@page``, running header, page numbers, table of contents, bookmarks).

- **Tagged** (PDF/UA-1): a structure tree of headings, lists and tables, ``/Lang`` from
  ``<html lang="ja">``, ``/MarkInfo /Marked true``, the document title from ``<title>`` shown as
  the window title.
- **IPAexGothic embedded** from the file the ``matplotlib-fontja`` wheel ships, so a machine
  without Japanese fonts prints the same PDF.
- **Nothing fetched over the network**: static files come from disk (django-weasyprint's
  fetcher), images the site draws (charts) from their view, called in this process for an
  anonymous visitor; any other address is refused.
- **Cached** in Django's default cache under the strategy's data version
  (``strategy.data_version``), so a repeat download costs a cache read and a write to the
  strategy makes the next one fresh. A cache that fails is skipped with a warning: the PDF is
  rendered, never a 500.
"""

import hashlib
import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import weasyprint
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django_weasyprint.utils import DjangoURLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from strategy import data_version

logger = logging.getLogger(__name__)


class _BrowserCssNotes(logging.Filter):
    """WeasyPrint warns about every property it does not support in the pages' CSS, which is
    written for browsers (``overflow-x``, ``line-break``…): expected, not faults, and they would
    fill the log with the same lines on every print. Other warnings and errors pass."""

    NOTES = ("Ignored `", "Expected a media type", "Invalid media type")

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.NOTES)


logging.getLogger("weasyprint").addFilter(_BrowserCssNotes())

PDF_CONTENT_TYPE = "application/pdf"
# Long enough for a year's worth of downloads; a write to the strategy changes the key anyway.
PDF_CACHE_SECONDS = 7 * 24 * 3600
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged, with /Lang, /MarkInfo and the title shown


def font_path() -> Path:
    """IPAexGothic as the matplotlib-fontja wheel ships it (found without importing the package,
    which would import matplotlib)."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    return Path(spec.submodule_search_locations[0]) / "fonts" / "ipaexg.ttf"


FONT_URL = "font:ipaexg.ttf"  # answered by SiteFetcher from font_path()
FONT_FACE = f'@font-face {{ font-family: "IPAexGothic"; src: url("{FONT_URL}"); }}'


class SiteFetcher(DjangoURLFetcher):
    """What a printed page may load: the IPAex font, static files of this site (from disk) and
    images this site draws (its views, called in-process as an anonymous visitor). `origin`
    (scheme://host of the request) is the only site it answers for."""

    def __init__(self, origin: str):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.origin = origin

    def fetch(self, url, headers=None):
        if url == FONT_URL:
            return URLFetcherResponse(
                url, body=font_path().read_bytes(), headers={"Content-Type": "font/ttf"}
            )
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            raise ValueError(f"not fetched while printing: {url}")
        if parts.path.startswith(settings.STATIC_URL):
            return super().fetch(f"file://{parts.path}")
        return self._draw(url, parts.path, parts.query)

    def _draw(self, url: str, path: str, query: str):
        """An image of this site from its view (a chart), as an anonymous visitor sees it."""
        try:
            match = resolve(path)
        except Resolver404 as error:
            raise ValueError(f"not a page of this site: {url}") from error
        request = HttpRequest()
        request.method, request.path, request.path_info = "GET", path, path
        request.GET = QueryDict(query)
        host = urlsplit(self.origin).netloc
        request.META = {"HTTP_HOST": host, "SERVER_NAME": host.split(":")[0], "SERVER_PORT": "80"}
        request.user = AnonymousUser()
        response = match.func(request, *match.args, **match.kwargs)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("image/"):
            raise ValueError(f"{url} answered {response.status_code} {content_type}")
        return URLFetcherResponse(
            url, body=response.content, headers={"Content-Type": content_type}
        )


def html_to_pdf(html: str, *, origin: str, stylesheets: tuple[str, ...] = ()) -> bytes:
    """Print `html` (a page of this site at `origin`) as a tagged PDF. `stylesheets` (static
    paths: the sheets' print rules) are linked after the page's own, so they win the cascade."""
    links = "".join(
        f'<link rel="stylesheet" href="{escape(static(path))}">' for path in stylesheets
    )
    if links:
        html = html.replace("</head>", f"{links}</head>", 1)
    fetcher = SiteFetcher(origin)
    fonts = FontConfiguration()
    font_face = weasyprint.CSS(string=FONT_FACE, font_config=fonts, url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=f"{origin}/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[font_face], font_config=fonts, **PDF_OPTIONS)


def pdf_cache_key(request, strategy, kind: str, *parts, preview: bool = False) -> str:
    """The key of one PDF: its kind and parts (year, code…), the strategy's data version, whether
    it is a preview (a preview is never stored under a public key), the language, and the site
    (the PDF's links are absolute)."""
    words = [
        kind,
        str(strategy.pk),
        data_version.current(strategy),
        *map(str, parts),
        "preview" if preview else "public",
        get_language() or settings.LANGUAGE_CODE,
        request.build_absolute_uri("/"),
    ]
    digest = hashlib.sha256("\0".join(words).encode()).hexdigest()
    return f"pdf:{kind}:{strategy.pk}:{digest}"


def cached_pdf(key: str, render: Callable[[], bytes]) -> bytes:
    """The PDF stored under `key`, else `render()`'s, stored. A failing cache reads as a miss and
    is not written to; the PDF is served all the same."""
    try:
        content = cache.get(key)
    except Exception:
        logger.warning("PDF cache unreadable (%s); rendering", key, exc_info=True)
        content = None
    if content is not None:
        return content
    content = render()
    try:
        cache.set(key, content, PDF_CACHE_SECONDS)
    except Exception:
        logger.warning("PDF cache unwritable (%s); served uncached", key, exc_info=True)
    return content


def pdf_response(
    request,
    *,
    key: str,
    template: str,
    context: Callable[[], dict],
    filename: str,
    stylesheets: tuple[str, ...] = (),
) -> HttpResponse:
    """The PDF of `template` rendered with `context()` (called only on a cache miss)."""

    def render() -> bytes:
        html = render_to_string(template, context(), request=request)
        origin = request.build_absolute_uri("/").rstrip("/")
        return html_to_pdf(html, origin=origin, stylesheets=stylesheets)

    response = HttpResponse(cached_pdf(key, render), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
