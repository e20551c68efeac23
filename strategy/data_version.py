"""Data versions: a token per strategy that changes whenever any of that strategy's data changes.

Whatever is derived from a strategy's data and expensive to make (a rendered public page, the
効果検証調書 PDF) is stored under the strategy's current token; a write replaces the token, so the
next request makes it afresh and the old entry is never read again (it expires on its own).

The tokens live in Django's default cache. Reading a token never fails: when the cache is
unreachable, a fresh random token is returned, which is a miss, never a stale hit.

``bump(strategy_id)`` replaces one strategy's token; ``bump_all()`` replaces the token every
strategy's version is combined with, for writes that cannot be attributed to one strategy.
"""

import logging
import uuid

from django.core.cache import cache

logger = logging.getLogger(__name__)

ALL_KEY = "data-version:all"


def _key(strategy_id: int) -> str:
    return f"data-version:strategy:{strategy_id}"


def _token(key: str) -> str:
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key)
    except Exception:  # the cache is down: never serve anything stored
        logger.warning("data version %s unreadable; treating as changed", key, exc_info=True)
        return uuid.uuid4().hex
    return token or uuid.uuid4().hex


def current(strategy_id: int | None) -> str:
    """The token of `strategy_id`'s data (None: data that belongs to no one strategy, such as
    the directory of strategies)."""
    everything = _token(ALL_KEY)
    if strategy_id is None:
        return everything
    return f"{everything}.{_token(_key(strategy_id))}"


def _replace(key: str) -> None:
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:
        logger.warning("data version %s could not be replaced", key, exc_info=True)


def bump(strategy_id: int) -> None:
    """One strategy's data changed."""
    _replace(_key(strategy_id))


def bump_all() -> None:
    """Data changed that cannot be attributed to one strategy: every token changes."""
    _replace(ALL_KEY)
