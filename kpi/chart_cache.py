"""Charts render once per data change, not per request.

A chart's PNG is stored in Django's default cache (file-based in development, locmem in tests)
under a key made of its kind and a stable hash of its data dataclass: a changed value, a newly
published year or a new target gives a new key by itself, so nothing has to be invalidated. The
same hash, quoted, is the chart's ETag. ``kpi.charts.CHARTS_VERSION`` and the active language are
part of the hash, so a redrawn chart or another language never serves an old PNG.
"""

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable

from django.core.cache import cache
from django.utils import translation

from kpi.charts import CHARTS_VERSION

# Old keys are never read again once the data changes; they simply expire.
CHART_TIMEOUT = 60 * 60 * 24 * 30

_KIND = re.compile(r"^[a-z0-9_-]{1,40}$")


def chart_digest(kind: str, data) -> str:
    """A stable hash (hex SHA-256) of a chart's kind and data: the same in every process, and
    different as soon as any field of the data differs."""
    if not _KIND.match(kind):
        raise ValueError(f"chart kind {kind!r} must be a short lowercase name")
    if not (dataclasses.is_dataclass(data) and not isinstance(data, type)):
        raise TypeError(f"chart data must be a dataclass instance, not {type(data).__name__}")
    payload = json.dumps(
        {
            "kind": kind,
            "type": type(data).__qualname__,
            "version": CHARTS_VERSION,
            "language": translation.get_language() or "",
            "data": dataclasses.asdict(data),
        },
        default=str,  # Decimal("1.5300") → "1.5300": exact, never a float
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chart_cache_key(kind: str, data) -> str:
    return f"kpi:chart:{kind}:{chart_digest(kind, data)}"


def cached_chart(kind: str, data, render: Callable[[object], bytes]) -> bytes:
    """The PNG of `data`, rendered by `render(data)` only when the cache does not hold it yet."""
    key = chart_cache_key(kind, data)
    png = cache.get(key)
    if png is None:
        png = render(data)
        cache.set(key, png, CHART_TIMEOUT)
    return png
