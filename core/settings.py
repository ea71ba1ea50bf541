"""Kith settings: one file, read from the environment.

With no environment at all Kith runs embedded: a SQLite file and an in-memory channel
layer under ./var. DATABASE_URL and REDIS_URL move it onto PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path
from typing import Literal

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from core.channel_layers import memory_channel_layer, redis_channel_layer
from core.env import envbool, envint, envlist, envstr
from core.logs import logging_settings
from core.push.vapid import keys_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("KITH_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in var/ so sessions survive restarts."""
    if key := envstr("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts Kith is served on, never '*'")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "channels",
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "teams",
    "families",
    "frontend",
]

MIDDLEWARE = [
    # Outermost: every line logged while answering carries the request id (core/logs.py).
    "core.logs.RequestIdMiddleware",
    # So it times the whole answer (core/metrics.py).
    "core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed its second factor.
    "django_otp.middleware.OTPMiddleware",
    "core.audit.AuditContextMiddleware",
    "core.middleware.SlidingSessionMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A page's script that is signed out hears 401 instead of the sign-in page.
    "core.middleware.SignInAnswerForScriptsMiddleware",
    # Around the views, so it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
    # Innermost, and sync only: under ASGI the whole chain then runs in the request's one
    # worker thread, instead of hopping to the event loop and back around every middleware
    # below the innermost sync-only one (see bench/fanout_bench.py).
    "core.middleware.NoStoreForSignedInMiddleware",
]

LANGUAGE_COOKIE_NAME = "kith_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365  # the device remembers the choice for a year
LANGUAGE_COOKIE_SAMESITE: Literal["Lax"] = "Lax"

ROOT_URLCONF = "core.urls"
ASGI_APPLICATION = "core.asgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "frontend.renderers.KithFormRenderer"

# HTTP requests run on this many long-lived threads per process (core/request_threads.py),
# so a thread can keep its database connection from one request to the next.
REQUEST_THREADS = envint("REQUEST_THREADS", 8)
# Sockets' database calls and catching up run on threads of their own (core/realtime/db.py), so
# a burst of pages never holds up requests. With the one thread Channels keeps for its
# thread-sensitive calls, these are every thread of a process that may hold a connection.
SOCKET_DB_THREADS = 4
CATCH_UP_DB_THREADS = 2
DATABASE_THREADS = REQUEST_THREADS + SOCKET_DB_THREADS + CATCH_UP_DB_THREADS + 1
_DATABASE_URL = envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kith.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # SQLite: each request thread keeps its connection. Opening one costs a file open and
        # a dozen function registrations, and the last one to close folds the write-ahead
        # log back into the file with a sync to disk. PostgreSQL uses a pool instead.
        conn_max_age=envint(
            "DATABASE_CONN_MAX_AGE", 600 if _DATABASE_URL.startswith("sqlite") else 0
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
    "DATABASE_POOL", True
):
    # Under ASGI every request runs in a thread of its own, so no connection outlives it and
    # CONN_MAX_AGE cannot help: a pool hands each request an open connection instead of a
    # fresh connect and sign-in to PostgreSQL.
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured("Set DATABASE_POOL=false to use DATABASE_CONN_MAX_AGE")
    _pool_size = envint("DATABASE_POOL_SIZE", DATABASE_THREADS)
    if _pool_size < DATABASE_THREADS:
        # Fewer connections than threads: under a storm of pages threads queue for the pool
        # and give up after its timeout, so a page's catch-up or a write fails.
        raise ImproperlyConfigured(
            f"DATABASE_POOL_SIZE={_pool_size} is fewer than the {DATABASE_THREADS} threads of a "
            f"process that use the database (REQUEST_THREADS={REQUEST_THREADS}, plus "
            f"{DATABASE_THREADS - REQUEST_THREADS} for sockets): raise it or lower REQUEST_THREADS"
        )
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _pool_size,
        "timeout": 10,  # seconds a request waits for a free connection before failing
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while the push worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    # Timeouts, capacity and expiries are each set on purpose: see core/channel_layers.py.
    CHANNEL_LAYERS = {
        "default": redis_channel_layer(REDIS_URL, prefix=envstr("CHANNELS_PREFIX", "kith"))
    }
else:
    CHANNEL_LAYERS = {"default": memory_channel_layer()}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses further guesses for a while.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGN_IN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field, which holds the email
# Counted under the address as accounts are stored, so no spelling of it gets fresh guesses.
AXES_USERNAME_CALLABLE = "core.emails.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Each language is named in its own words, so a reader finds theirs whatever the page is in.
# Adding one: see "How to add a language" in the README.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder before collectstatic
# Uploaded photos are care data: they live outside the static tree and are only ever
# served by views that ask families.access first. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(envstr("KITH_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("KITH_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Kith <kith@localhost>")

# A look at a person's record is written in their trail once per reader in each period
# this long (core.audit.record_read): every look is there, scrolling does not fill it.
_AUDIT_READ_MINUTES = envint("AUDIT_READ_PERIOD_MINUTES", 15)
if _AUDIT_READ_MINUTES < 1:
    raise ImproperlyConfigured("AUDIT_READ_PERIOD_MINUTES must be at least 1")
AUDIT_READ_PERIOD = timedelta(minutes=_AUDIT_READ_MINUTES)

# Django's database sessions, read in one statement written once (core/session_store.py).
SESSION_ENGINE = "core.session_store"
# Phones get shared and lost: a session ends after this long without use.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 8 * 60 * 60)
# Renewed while in use, but written at most this often (see SlidingSessionMiddleware).
SESSION_RENEW_SECONDS = envint("SESSION_RENEW_SECONDS", 5 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Says kindly that a change was refused, keeping its words; a page's script hears 403 in the
# API's error shape instead.
CSRF_FAILURE_VIEW = "frontend.views.csrf.csrf_failure"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token themselves; scripts never read the cookie
CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (every real deployment): secure, host-locked cookies and HSTS.
SECURE_COOKIES = envbool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
# Behind nginx (deploy/nginx/kith.conf), which sets X-Forwarded-Proto itself: only then is the
# header believed, since a client talking to daphne directly could send any value it likes.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
# Probes and scrapers ask each daphne process directly, over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, and nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Web Push. Production sets the VAPID_* lines `manage.py generate_vapid_keys` prints; the
# embedded default keeps a key pair in var/vapid_private.pem.
_vapid = keys_from_environment(
    private_key=envstr("VAPID_PRIVATE_KEY"),
    public_key=envstr("VAPID_PUBLIC_KEY"),
    var_dir=VAR_DIR,
)
VAPID_PRIVATE_KEY = _vapid.private_key
VAPID_PUBLIC_KEY = _vapid.public_key
VAPID_SUBJECT = envstr("VAPID_SUBJECT", "mailto:kith@localhost")
if not VAPID_SUBJECT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https:// address")
# Push requests the worker has in flight at once, to all push services together.
PUSH_SEND_CONCURRENCY = envint("PUSH_SEND_CONCURRENCY", 8)
if envstr("PUSH_SEND_THREADS"):
    raise ImproperlyConfigured("PUSH_SEND_THREADS is now PUSH_SEND_CONCURRENCY")
PUSH_TIMEOUT_SECONDS = envint("PUSH_TIMEOUT_SECONDS", 10)
# Only for tests and benchmarks, whose push service runs on 127.0.0.1: lets the worker send
# to private, loopback and plain-http addresses. Never behind HTTPS, so never in production.
PUSH_ALLOW_PRIVATE_ENDPOINTS = envbool("PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
if PUSH_ALLOW_PRIVATE_ENDPOINTS and SECURE_COOKIES:
    raise ImproperlyConfigured(
        "PUSH_ALLOW_PRIVATE_ENDPOINTS is for tests only and cannot be used with SECURE_COOKIES"
    )

# /metrics answers a scraper that sends "Authorization: Bearer METRICS_TOKEN", or one calling
# from these addresses or networks (e.g. 127.0.0.1); anyone else gets a 404.
METRICS_TOKEN = envstr("METRICS_TOKEN")
METRICS_ALLOWED_ADDRESSES = envlist("METRICS_ALLOWED_ADDRESSES", [])

INVITATION_VALID_DAYS = envint("INVITATION_VALID_DAYS", 14)

# Retention, applied by `manage.py apply_retention`: a person's care record is kept this many
# years after their support ends; a finished copy of a record (subject access) this many days.
RETENTION_YEARS_AFTER_SUPPORT_ENDS = envint("RETENTION_YEARS_AFTER_SUPPORT_ENDS", 8)
RETENTION_EXPORT_DAYS = envint("RETENTION_EXPORT_DAYS", 7)
# How far back a page that reconnects (or noticed a gap) can catch up. The log of what open
# pages were told is pruned past this by `apply_retention`; an older page reloads instead.
CATCH_UP_WINDOW_HOURS = envint("CATCH_UP_WINDOW_HOURS", 48)
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 1600

# json in production (one object a line, for the log shipper); text, readable, embedded.
LOG_FORMAT = envstr("LOG_FORMAT", "text")
LOGGING = logging_settings(format=LOG_FORMAT, level=envstr("LOG_LEVEL", "INFO"))

# Error reports go to Sentry only when SENTRY_DSN is set, scrubbed of personal data first.
SENTRY_DSN = envstr("SENTRY_DSN")
if SENTRY_DSN:
    from core import error_reports

    error_reports.start(dsn=SENTRY_DSN, environment=envstr("SENTRY_ENVIRONMENT", "production"))
