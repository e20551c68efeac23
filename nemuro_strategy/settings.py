"""Settings for the Nemuro strategy system, driven by the environment.

DATABASE_URL   PostgreSQL (postgres://…) or SQLite (sqlite:///path); default: db.sqlite3 here.
SECRET_KEY     required unless DJANGO_DEBUG is true.
DJANGO_DEBUG   true for local development (``make run`` sets it); false by default.
ALLOWED_HOSTS  comma-separated host names.
CACHE_URL      redis://host:6379/0 for a cache shared by several hosts; default: files in CACHE_DIR
               (.cache/django here). See README「本番運用」 for every variable.
STATIC_ROOT    where collectstatic writes the static files whitenoise serves; ./staticfiles.

Security (``manage.py check --deploy`` is clean once the first two are set for production):
SECURE_HSTS_SECONDS             HSTS max-age; 0 (default) sends no HSTS header.
SECURE_SSL_REDIRECT             true to redirect plain http to https; false by default.
SECURE_HSTS_INCLUDE_SUBDOMAINS  true by default (only sent with HSTS).
SECURE_HSTS_PRELOAD             true by default (only sent with HSTS).
SECURE_COOKIES                  session and CSRF cookies over https only; default: not DEBUG.
SECURE_PROXY_SSL_HEADER         true behind a proxy that sets X-Forwarded-Proto; false by default.
CSRF_TRUSTED_ORIGINS            comma-separated origins (https://example.jp) for CSRF checks.
AXES_FAILURE_LIMIT              failed logins before a lockout (per username and IP); 5.
AXES_COOLOFF_MINUTES            how long a lockout lasts; 15.
TRUSTED_PROXY_COUNT             reverse proxies in front of the site that append to X-Forwarded-For;
                                0 (default): the lockout uses the connecting address.

E-mail (notices of the yearly data call, ``send_reminders``):
EMAIL_BACKEND                   a Django mail backend; default: the console when DJANGO_DEBUG is
                                true, else SMTP (EMAIL_HOST … as Django reads them).
DEFAULT_FROM_EMAIL              the sender; webmaster@localhost by default.

Site frame:
SITE_CONTACT                    the footer's contact line (department, phone, e-mail); empty
                                (default): no contact line is shown.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import cache_from_url, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is not true (see .env.example)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "strategy",
    "kpi",
    "verification",
    "nemuro_strategy",
    "axes",
]

MIDDLEWARE = [
    # /healthz for the load balancer, first: before the Host check and the https redirect
    "nemuro_strategy.ops.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, cached pages included (CONTENT_SECURITY_POLICY)
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # anonymous visitors' public pages, before sessions and auth (nemuro_strategy/cache/pages.py)
    "nemuro_strategy.cache.pages.PublicPageCacheMiddleware",
    # database unavailable → 503 with Retry-After; after the page cache, which keeps serving
    "nemuro_strategy.ops.database.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "nemuro_strategy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nemuro_strategy.context.site",  # contact line, last-updated date
                "nemuro_strategy.staff.context.staff_memberships",  # roles on staff pages
            ],
        },
    },
]

WSGI_APPLICATION = "nemuro_strategy.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}

# SQLite, the embedded default, under several staff saving at once: write-ahead logging (readers
# never block the writer), a busy timeout instead of an immediate "database is locked", and
# transactions that take the write lock when they begin (a deferred transaction that reads and
# then writes cannot wait for the lock: SQLite fails it at once).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# django-axes first: it refuses a locked-out username+IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # permissions of the roles a user holds in their municipalities (strategy.access scopes them)
    "strategy.auth.MembershipBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "strategy:home"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# CACHE_URL=redis://… for more than one host (every host must see the same data versions);
# without it, a file cache in CACHE_DIR on this machine (nemuro_strategy/env.py: cache_from_url).
CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL", ""),
        os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
    )
}

# A 実績値 more than this many times the previous year's (or less than its 1/this) is saved only
# when its row is confirmed (kpi/plausibility.py); a number above 1.
KPI_JUMP_RATIO = float(os.environ.get("KPI_JUMP_RATIO", "3.0"))

# The Excel / CSV import (kpi/imports/sheets.py) refuses, before loading it, a file larger than
# IMPORT_MAX_BYTES, a sheet of more than IMPORT_MAX_ROWS rows below the header, a cell longer than
# IMPORT_MAX_CELL_CHARS characters, and an .xlsx whose parts unzip to more than
# IMPORT_MAX_UNZIPPED_BYTES (a shared-strings bomb).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 1_000)
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_BYTES", 16 * 1024 * 1024)
for _name in (
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "IMPORT_MAX_CELL_CHARS",
    "IMPORT_MAX_UNZIPPED_BYTES",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive integer.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Security ----------------------------------------------------------------------------------
# Plain http stays possible for ``make run`` (DJANGO_DEBUG=true): cookies are marked secure only
# when DEBUG is off, and HSTS and the https redirect are opted into from the environment.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "nemuro_strategy.ops.csrf.csrf_failure"  # templates/403_csrf.html, Japanese
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS must not be negative.")

# Repeated failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one username from
# one IP address, that pair is refused — even with the right password — for the cool-off time.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Behind reverse proxies the lockout counts the visitor's address from X-Forwarded-For, the
# TRUSTED_PROXY_COUNT-th from the right (nemuro_strategy/ops/client_ip.py), not the proxy's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must not be negative.")
AXES_CLIENT_IP_CALLABLE = "nemuro_strategy.ops.client_ip.client_ip"

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. Scripts and styles
# come from our static files only; charts are images from this site; no frames, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The footer's contact line, as the city words it; empty shows none (never invented).
SITE_CONTACT = os.environ.get("SITE_CONTACT", "").strip()

# E-mail (the data call's notices): Django's mail settings; the console in development.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
