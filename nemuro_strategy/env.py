"""Reading settings from the environment, failing loudly on values that make no sense."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


# Redis client timeouts (seconds): a Redis that does not answer must cost a request well under a
# second before the page renders without the cache (nemuro_strategy/cache/pages.py).
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
CACHE_SCHEMES = ("redis", "rediss", "unix", "file", "locmem")


def cache_from_url(url: str, default_dir: str) -> dict:
    """Django's CACHES["default"] from CACHE_URL:

    - empty (the default): a file cache in `default_dir` (CACHE_DIR), one machine only;
    - ``redis://[:password@]host:port/db``, ``rediss://…`` (TLS) or ``unix:///path/redis.sock``:
      Django's Redis backend, shared by every host (what production on more than one host needs);
    - ``file:///absolute/path``: a file cache there; ``locmem://``: this process's memory.

    Anything else is refused at start-up."""
    url = url.strip()
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": default_dir,
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("redis", "rediss") and not parts.hostname:
        raise ImproperlyConfigured(f"CACHE_URL {url!r} names no Redis host (redis://host:6379/0)")
    if scheme in ("redis", "rediss", "unix"):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": dict(REDIS_TIMEOUTS),
        }
    if scheme == "file":
        path = parts.path
        if not path.startswith("/"):
            raise ImproperlyConfigured(f"CACHE_URL file:// needs an absolute path, not {url!r}")
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": path}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with one of {', '.join(s + '://' for s in CACHE_SCHEMES)}, "
        f"not {url!r}"
    )
