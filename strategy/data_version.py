"""Data versions: a token per strategy that changes whenever any of that strategy's data changes.

Whatever is derived from a strategy's data and expensive to make (a rendered public page, the
効果検証調書 PDF) is stored under the strategy's current token; a write replaces the token, so the
next request makes it afresh and the old entry is never read again (it expires on its own).

Strategies are named by their slug (``current("nemuro-sousei-2015")`` or ``current(strategy)``):
the public page cache finds a page's strategy in its URL (``/s/<slug>/…``) without a query.

Three kinds of token, all in Django's default cache (shared by every host with Redis):

- one per strategy, replaced by ``bump(strategy)``;
- the *listing* token of pages that list strategies (``/``, ``/strategies/``), ``current(None)``,
  replaced by every ``bump``: any strategy's change may change those pages;
- the token every other is combined with, replaced by ``bump_all()`` for writes that cannot be
  attributed to one strategy (the admin, management commands, a write outside ``writing``).

``writing(strategy)`` says which strategy the code inside it writes; the database write watcher
of the page cache (nemuro_strategy/cache/pages.py) bumps only that strategy (and the listings)
for the writes it sees inside, and everything for writes outside any ``writing`` block.

Reading a token never fails: when the cache is unreachable a fresh random token is returned,
which is a miss, never a stale hit. Replacing one never raises either: a failure is logged.
"""

import contextlib
import contextvars
import logging
import uuid

from django.core.cache import cache

logger = logging.getLogger(__name__)

ALL_KEY = "data-version:all"
LISTING_KEY = "data-version:listing"
_writing: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "data_version_writing", default=None
)


def slug_of(strategy) -> str:
    """A strategy's slug, from the slug itself or from a Strategy. Ids are refused: the tokens
    are looked up by URL, which carries the slug."""
    if isinstance(strategy, str):
        return strategy
    slug = getattr(strategy, "slug", None)
    if not isinstance(slug, str) or not slug:
        raise TypeError(f"a strategy slug or a Strategy is needed, not {strategy!r}")
    return slug


def _key(slug: str) -> str:
    return f"data-version:strategy:{slug}"


def _tokens(keys: list[str]) -> list[str]:
    """The tokens stored under `keys` (one round trip when they all exist), creating missing
    ones; fresh random tokens when the cache fails."""
    try:
        found = cache.get_many(keys)
        for key in keys:
            if found.get(key) is None:
                cache.add(key, uuid.uuid4().hex, None)
                found[key] = cache.get(key)
    except Exception:  # the cache is down: never serve anything stored
        logger.warning("data versions %s unreadable; treating as changed", keys, exc_info=True)
        return [uuid.uuid4().hex for _key in keys]
    return [found.get(key) or uuid.uuid4().hex for key in keys]


def current(strategy) -> str:
    """The token of a strategy's data (a slug or a Strategy); None: the pages that list
    strategies."""
    second = LISTING_KEY if strategy is None else _key(slug_of(strategy))
    everything, own = _tokens([ALL_KEY, second])
    return f"{everything}.{own}"


def _replace(*keys: str) -> None:
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)
    except Exception:
        logger.warning("data versions %s could not be replaced", keys, exc_info=True)


def bump(strategy) -> None:
    """One strategy's data changed (and with it, possibly, the pages listing strategies)."""
    _replace(_key(slug_of(strategy)), LISTING_KEY)


def bump_all() -> None:
    """Data changed that cannot be attributed to one strategy: every token changes."""
    _replace(ALL_KEY)


@contextlib.contextmanager
def writing(strategy):
    """The code inside writes the data of `strategy` only (a slug or a Strategy)."""
    token = _writing.set(slug_of(strategy))
    try:
        yield
    finally:
        _writing.reset(token)


def attributed() -> str | None:
    """The slug of the strategy being written (inside ``writing``), else None."""
    return _writing.get()
