"""Settings shared by every environment; values come from the environment.

``DATABASE_URL`` (optional): a PostgreSQL URL. Without it the project runs its own
embedded PostgreSQL (see ``config/embedded_postgres.py``).
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.database_url import database_from_url
from config.embedded_postgres import EmbeddedPostgres

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# django-environ reads and casts the environment (booleans, numbers, lists, database URLs).
env = environ.Env()

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "config.apps.AtlasAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "import_export",
    "axes",
    "jurisdictions",
    "models_compare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous GETs answered from a cache keyed on the data version, with ETag/304; before
    # gzip so stored pages are already compressed (models_compare/middleware.py).
    "models_compare.middleware.PublicPageCacheMiddleware",
    "models_compare.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Public addresses answer GET and HEAD only (405); before CSRF, which would answer 403.
    "config.security.PublicReadOnlyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the user and URL of each writing request in the change history
    # (PGHISTORY_MIDDLEWARE_METHODS: not on GETs, so public pages never touch the session).
    "pghistory.middleware.HistoryMiddleware",
    # A database that is down or hung: a 503 page with Retry-After (see also handler500).
    "config.database_faults.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# DATABASE_URL wins; otherwise the embedded cluster under var/postgres.
# Connections persist for CONN_MAX_AGE seconds (checked before reuse) instead of one per request.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {
        "default": {**database_from_url(DATABASE_URL), "CONN_MAX_AGE": CONN_MAX_AGE, "CONN_HEALTH_CHECKS": True}
    }
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
    # PostgreSQL with a deadline on every call (config/db_backend).
    DATABASES["default"]["ENGINE"] = "config.db_backend"
else:
    # ATLAS_PG_DATABASE picks another database on the embedded server (e.g. atlas_x100).
    DATABASES = {
        "default": EmbeddedPostgres.from_environment().connection_settings(
            env.str("ATLAS_PG_DATABASE", default="") or "atlas"
        )
    }
    DATABASES["default"].update(CONN_MAX_AGE=CONN_MAX_AGE, CONN_HEALTH_CHECKS=True)

# Streaming replicas for public reads (jurisdictions/routing.py): DATABASE_REPLICA_URLS is a
# comma-separated list of postgres:// URLs; writes and editors always use the primary.
ATLAS_READ_REPLICAS = []
for _index, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = {**database_from_url(_url), "CONN_MAX_AGE": CONN_MAX_AGE, "CONN_HEALTH_CHECKS": True}
    _replica["ENGINE"] = "config.db_backend"
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_index}"] = _replica
    ATLAS_READ_REPLICAS.append(f"replica{_index}")
DATABASE_ROUTERS = ["jurisdictions.routing.ReplicaRouter"]
# A replica that failed is not asked again for this many seconds.
ATLAS_REPLICA_RETRY_SECONDS = 5

# --- Caches -------------------------------------------------------------------
# Per-process memory caches. Every key that depends on the data holds the data version
# (jurisdictions/data_version.py), so any backend, shared or not, stays coherent.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "atlas-default"},
    # Whole public pages (models_compare/middleware.py), stored compressed.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "atlas-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
ATLAS_RESPONSE_CACHE = env.bool("ATLAS_RESPONSE_CACHE", default=True)
# gzip level of public responses (models_compare/middleware.py): 4 costs a third of Django's 6.
ATLAS_GZIP_LEVEL = env.int("ATLAS_GZIP_LEVEL", default=4)
# /bench/bare/, the ceiling `manage.py benchmark` compares every page with (config/bench.py).
ATLAS_BENCHMARK_VIEW = env.bool("ATLAS_BENCHMARK_VIEW", default=False)
# How long a process may answer from the data version it read last (seconds).
ATLAS_DATA_VERSION_MAX_AGE = 1.0

# A database that is down or hung costs a request seconds and a 503, not a worker: connecting
# gives up after DATABASE_CONNECT_TIMEOUT seconds (2 at least, libpq's floor), a statement after
# DATABASE_STATEMENT_TIMEOUT seconds (0: no limit; manage.py commands other than runserver
# default to 0, so migrations and loads are never cut short).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=2.0)


def database_timeouts(options: dict, statement_timeout: float) -> dict:
    """``options`` with the connect and statement timeouts set (other options kept)."""
    others = re.sub(r"-c statement_timeout=\S+", "", options.get("options", "")).split()
    server_options = " ".join([*others, f"-c statement_timeout={int(statement_timeout * 1000)}"])
    return {**options, "connect_timeout": DATABASE_CONNECT_TIMEOUT, "options": server_options}


DATABASES["default"]["OPTIONS"] = database_timeouts(DATABASES["default"].get("OPTIONS", {}), DATABASE_STATEMENT_TIMEOUT)

# --- Content-Security-Policy ---------------------------------------------------
# Everything from this origin only; no inline script or style anywhere (the map and charts
# style themselves with classes and SVG attributes). A nonce admits the few inline blocks
# Django's admin writes itself (e.g. the change list's <style nonce=...>). A view that must
# be framed elsewhere overrides frame-ancestors with django.views.decorators.csp.csp_override
# (and X-Frame-Options with xframe_options_exempt).
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Enforced (the embeddable map widens frame-ancestors from CONTENT_SECURITY_POLICY).
SECURE_CSP = CONTENT_SECURITY_POLICY

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username + IP pair after 5 failed logins, for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# ...and lock an address after 20 failures in that hour whatever the usernames, which slows
# trying many usernames from one place (config.security.AddressThrottlingHandler).
AXES_HANDLER = "config.security.AddressThrottlingHandler"
ATLAS_LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
# The client's address: behind TRUSTED_PROXY_COUNT reverse proxies, read from X-Forwarded-For
# (config.security.client_ip); with none (the default), the connection's own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
# Editors' sessions (the public site sets no cookie) last a working day, not two weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# The admin lives at a configurable path so it is not at the well-known /admin/.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.AtlasStaticFilesStorage"},
}

# --- Editing ------------------------------------------------------------------
# Imports run in one transaction: a file with any error changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The admin's CSV format escapes formulae itself (jurisdictions.spreadsheet); the library's
# own, weaker escaping (a leading '=' only) stays on for any other format.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
PGHISTORY_ADMIN_ALL_EVENTS = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Site -------------------------------------------------------------------
# The curated dataset lives here, loaded by `manage.py load_atlas`.
ATLAS_FIXTURES_DIR = BASE_DIR / "fixtures"
# `manage.py backup` writes here by default (git-ignored).
ATLAS_BACKUP_DIR = BASE_DIR / "var" / "backups"
# The whole-dataset downloads, written once per data version (models_compare/export_files.py).
# One folder per database; app servers on one machine share it, on several machines each
# writes its own (or point them all at one shared folder).
ATLAS_EXPORT_DIR = env.path(
    "ATLAS_EXPORT_DIR", default=str(BASE_DIR / "var" / "exports" / DATABASES["default"]["NAME"])
)
# An export file this many rows or fewer is built inside the request that first asks for it;
# a larger one by a `manage.py build_exports` process that request starts.
ATLAS_EXPORT_INLINE_ROWS = env.int("ATLAS_EXPORT_INLINE_ROWS", default=20000)
# How long a request waits for a file being built before it answers 503 with Retry-After.
ATLAS_EXPORT_WAIT_SECONDS = env.float("ATLAS_EXPORT_WAIT_SECONDS", default=5.0)
# A filtered export without `page` streams at most this many rows; more must be asked for by page.
ATLAS_EXPORT_STREAM_MAX_ROWS = env.int("ATLAS_EXPORT_STREAM_MAX_ROWS", default=50000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "config.logging_filters.WithoutTraceback"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line"},
        "console_one_line": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # A request with a Host header not in ALLOWED_HOSTS (scanners send thousands): one line each.
        "django.security.DisallowedHost": {"handlers": ["console_one_line"], "level": "WARNING", "propagate": False},
    },
}
