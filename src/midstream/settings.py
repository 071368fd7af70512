"""Django settings.

Two modes, chosen by ``MIDSTREAM_ENV``:

* ``development`` (default): DEBUG on, SQLite under ``var/``, a fixed insecure key.
* ``production``: refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``, DEBUG off,
  secure cookies, HSTS; ``manage.py check --deploy`` is clean.

``DATABASE_URL`` selects PostgreSQL (``postgres://…``) in either mode.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
_repo_root = PACKAGE_DIR.parent.parent
BASE_DIR = _repo_root if (_repo_root / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(os.environ.get("MIDSTREAM_VAR_DIR", BASE_DIR / "var"))

ENV = os.environ.get("MIDSTREAM_ENV", "development")
if ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"MIDSTREAM_ENV must be development or production, not {ENV!r}")
PRODUCTION = ENV == "production"

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    _hosts = os.environ.get("ALLOWED_HOSTS", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "MIDSTREAM_ENV=production needs SECRET_KEY (at least 50 random characters)"
        )
    if not _hosts.strip():
        raise ImproperlyConfigured(
            "MIDSTREAM_ENV=production needs ALLOWED_HOSTS (comma-separated host names)"
        )
    ALLOWED_HOSTS = [host.strip() for host in _hosts.split(",") if host.strip()]
    DEBUG = False
else:
    SECRET_KEY = os.environ.get(
        "SECRET_KEY", "development-only-key-never-use-in-production-0123456789abcdef"
    )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
    DEBUG = os.environ.get("MIDSTREAM_DEBUG", "1") == "1"

CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "midstream.core",
    "midstream.accounts",
    "midstream.partners",
    "midstream.network",
    "midstream.catalog",
    "midstream.agreements",
    "midstream.sales",
    "midstream.ingest",
    "midstream.reports",
    "midstream.matching",
    "midstream.compliance",
    "midstream.portal",
    "midstream.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "midstream.urls"
WSGI_APPLICATION = "midstream.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "midstream.accounts.context_processors.navigation",
            ],
        },
    },
]

_default_sqlite = VAR_DIR / "midstream.sqlite3"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{_default_sqlite}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while an import writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        # A 64 MB page cache: bulk inserts into indexed tables stay in memory until commit.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (report ingestion) goes through a database-backed queue: `midstream worker`
# runs the tasks. MIDSTREAM_TASKS_IMMEDIATE=1 runs them in the request instead (tests, demo).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("MIDSTREAM_TASKS_IMMEDIATE") == "1"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# Largest report accepted through the web page and the API (the CLI takes any size, streamed).
MAX_UPLOAD_BYTES = int(os.environ.get("MIDSTREAM_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024)))
# JSON records posted to the API arrive as a request body (files are streamed to disk).
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock out an (IP address, username) pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Project-wide assets (Pico CSS, Chart.js, app.css) live beside the settings, not in an app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# collectstatic's target, for production only; development serves from the apps.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static")) if PRODUCTION else None
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without collectstatic (development, tests) whitenoise serves straight from the apps.
WHITENOISE_USE_FINDERS = not PRODUCTION

DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Reminders (issue 4) go out through Django's e-mail framework: the console in development
# and the demo, SMTP when EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "midstream@localhost")
# The address links in e-mails point to.
MIDSTREAM_BASE_URL = os.environ.get("MIDSTREAM_BASE_URL", "http://127.0.0.1:8000")
# Compliance job: how often the workers run it (seconds), how many months it looks back.
MIDSTREAM_COMPLIANCE_INTERVAL = int(os.environ.get("MIDSTREAM_COMPLIANCE_INTERVAL", "3600"))
MIDSTREAM_COMPLIANCE_HISTORY_MONTHS = int(
    os.environ.get("MIDSTREAM_COMPLIANCE_HISTORY_MONTHS", "24")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
