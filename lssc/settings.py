"""Settings for the LSSC site, read from the environment.

With nothing set, the site runs on the embedded default: SQLite, private files in a local
folder, email printed to the console, and background tasks run at once in the web process.
Every variable is listed with one line of explanation in `.env.example`.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from lssc.config import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# --- Core ---------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_celery_beat",
    # ours, in dependency order: lssc.* <- candidates <- courses, portfolios <- reviews <- staff
    "lssc.core",
    "lssc.accounts",
    "lssc.program",
    "candidates",
    "courses",
    "portfolios",
    "reviews",
    "staff",
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
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "lssc.urls"
WSGI_APPLICATION = "lssc.wsgi.application"

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
                "lssc.accounts.context_processors.site",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------

DATABASE_URL = env.url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login rate limits live here) --------------------------------------------------

CACHE_URL = env.url("CACHE_URL", "locmemcache://", schemes=("locmemcache", "redis", "rediss"))
CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}

# --- Accounts -----------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "program:home"
ACCOUNT_ADAPTER = "lssc.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # emailed links open a confirm page, never act on GET
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LSSC] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    # Failed logins: 10 a minute from one address, 5 per 5 minutes against one account.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_RATE_LIMITS_ENABLED = env.bool("ACCOUNT_RATE_LIMITS_ENABLED", default=True)
# Certificate look-ups per client address on /verify/: "requests/seconds".
VERIFY_RATE_LIMIT = env.str("VERIFY_RATE_LIMIT", "20/600")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LSSC"
# Roles that see other people's records must use two-factor authentication for their pages.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["program_staff", "evaluator"])

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.time_zone("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static and private files -------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

FILE_STORAGE = env.choice("FILE_STORAGE", "local", ("local", "s3"))
# Private uploads (proofs, portfolios, résumés) never get a public URL: MEDIA_URL is unset and
# downloads go through access-checked views or short-lived signed URLs.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
if FILE_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_ENDPOINT_URL = env.url("AWS_S3_ENDPOINT_URL", schemes=("http", "https")) or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME") or None
    AWS_S3_ADDRESSING_STYLE = env.choice(
        "AWS_S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")
    )
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_SIGNATURE_VERSION = "s3v4"  # buckets created since 2020 accept only v4 signatures
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", 300, minimum=10)
    AWS_S3_FILE_OVERWRITE = False
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
# Portfolio evidence: limits enforced while an upload streams in.
PORTFOLIO_MAX_FILE_MB = env.int("PORTFOLIO_MAX_FILE_MB", 25, minimum=1)
PORTFOLIO_MAX_TOTAL_MB = env.int("PORTFOLIO_MAX_TOTAL_MB", 250, minimum=1)
# Portfolio evaluation: days an evaluator has to rate, to answer an offer, and past the due
# date before an unfinished review goes back to the pool; whether an evaluator from the
# candidate's state counts as a conflict of interest.
EVALUATION_DUE_DAYS = env.int("EVALUATION_DUE_DAYS", 30, minimum=1)
EVALUATION_OFFER_DAYS = env.int("EVALUATION_OFFER_DAYS", 7, minimum=1)
EVALUATION_OVERDUE_GRACE_DAYS = env.int("EVALUATION_OVERDUE_GRACE_DAYS", 7, minimum=0)
EVALUATOR_SAME_STATE_CONFLICT = env.bool("EVALUATOR_SAME_STATE_CONFLICT", False)
# Reminders: days before the due date to remind an evaluator, and days overdue before
# program staff are told.
EVALUATION_REMINDER_DAYS = env.int("EVALUATION_REMINDER_DAYS", 5, minimum=1)
EVALUATION_ESCALATION_DAYS = env.int("EVALUATION_ESCALATION_DAYS", 3, minimum=1)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email --------------------------------------------------------------------------------

EMAIL_URL = env.url(
    "EMAIL_URL",
    "consolemail://",
    schemes=(
        "consolemail",
        "smtp",
        "smtps",
        "submission",
        "memorymail",
        "dummymail",
    ),
)
vars().update(environ.Env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "LSSC Program <lssc@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PROGRAM_CONTACT_EMAIL = env.str("PROGRAM_CONTACT_EMAIL", "lssc@example.org")

# --- Background tasks ---------------------------------------------------------------------

_broker = env.url("CELERY_BROKER_URL", schemes=("redis", "rediss", "amqp", "memory"))
# With no broker, tasks run at once in the process that queued them (the quick start); the
# in-memory transport keeps Celery from looking for a server on localhost.
CELERY_TASK_ALWAYS_EAGER = not _broker
CELERY_BROKER_URL = _broker or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Forms and messages -------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Tasks run in-process print a line each at INFO; only their warnings are worth reading.
    "loggers": {"celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
    },
}

# --- Demo data ----------------------------------------------------------------------------

# `manage.py seed_demo` creates accounts with a published password: only on a development
# machine, or where someone has deliberately said so.
ALLOW_DEMO_DATA = env.bool("ALLOW_DEMO_DATA", default=DEBUG)
