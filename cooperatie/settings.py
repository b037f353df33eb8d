"""Settings, all from environment variables (see README, "Productie").

Defaults suit a laptop: SQLite in ./data and an embedded Celery broker on the file system.
With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be given and the secure defaults apply.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .broker import prepare_control_folder
from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR") or BASE_DIR / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cooperatie",
    "cooperatie.setup",
    "cooperatie.people",
    "cooperatie.notifications",
    "partners",
    "budgets",
    "budgets.realisation",
    "budgets.settlement",
    "budgets.accounting",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cooperatie.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cooperatie.people.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "cooperatie.urls"
WSGI_APPLICATION = "cooperatie.wsgi.application"

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
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'cooperatie.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL") or _default_db)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database address: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "cooperatie.people.passwords.MinimumLength",
     "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24) * 3600
INVITATION_EXPIRY_DAYS = env_int("INVITATION_EXPIRY_DAYS", 7)
if INVITATION_EXPIRY_DAYS < 1 or PASSWORD_RESET_TIMEOUT < 3600:
    raise ImproperlyConfigured(
        "INVITATION_EXPIRY_DAYS and PASSWORD_RESET_HOURS must be at least 1.")
if AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] < 8:
    raise ImproperlyConfigured("PASSWORD_MIN_LENGTH must be at least 8.")

# Sign-in protection (django-axes), per account and address together: after
# SIGNIN_FAILURE_LIMIT failures a pause of SIGNIN_THROTTLE_MINUTES (throttle); a pair that goes
# on failing to SIGNIN_LOCK_AFTER is locked until the administrator unlocks it or the person
# resets their password (cooperatie/people/signin.py).
SIGNIN_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
SIGNIN_THROTTLE_MINUTES = env_int("SIGNIN_THROTTLE_MINUTES", 15)
SIGNIN_LOCK_AFTER = env_int("SIGNIN_LOCK_AFTER", 10)
if not 0 < SIGNIN_FAILURE_LIMIT <= SIGNIN_LOCK_AFTER:
    raise ImproperlyConfigured(
        "SIGNIN_FAILURE_LIMIT must be at least 1 and at most SIGNIN_LOCK_AFTER.")
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "cooperatie.people.signin.cool_off"
AXES_LOCKOUT_CALLABLE = "cooperatie.people.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # the cooperative's administrator unlocks on the person's page
AXES_USE_ATTEMPT_EXPIRATION = True  # each pair keeps its own pause or lock
AXES_CLIENT_IP_CALLABLE = "cooperatie.people.signin.client_address"
# Two-factor sign-in (django-otp, TOTP): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER") or "Samen begroten"

# --- language, time, numbers ----------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Grouping only where we ask for it (money filters): years and codes stay "2026".
USE_THOUSAND_SEPARATOR = False

# --- static files: served by the app itself, no CDN -----------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- history --------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Celery ---------------------------------------------------------------------------------
# Without CELERY_BROKER_URL the broker is a folder on disk: no server needed, and tasks still
# run in a real worker process (`celery -A cooperatie worker`). Set it to redis://… in production.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _queue = DATA_DIR / "celery" / "queue"
    _queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        # Its exchange tables, which would otherwise land in ./control of the current folder.
        "control_folder": str(DATA_DIR / "celery" / "control"),
    }
    CELERY_BROKER_TRANSPORT = "cooperatie.broker:Transport"
    prepare_control_folder(DATA_DIR / "celery" / "control")
    (DATA_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
    _default_results = f"file://{DATA_DIR / 'celery' / 'results'}"
else:
    _default_results = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or _default_results
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
# With `celery -A cooperatie beat` (or a worker with -B): fail exports whose worker died, remove
# expired files and previews, close proposals at their deadline.
CELERY_BEAT_SCHEDULE = {
    "export-housekeeping": {"task": "reports.tasks.housekeeping", "schedule": 15 * 60},
    # Fail exports whose worker died (no heartbeat for 30 s): within about 40 s of the death.
    "export-reaper": {"task": "reports.tasks.reap",
                      "schedule": env_int("EXPORT_REAP_SECONDS", 10)},
    "uploads-sweep": {"task": "cooperatie.tasks.uploads_sweep", "schedule": 15 * 60},
    # Close the board's proposals whose deadline has passed (and record their decisions).
    "governance-deadlines": {"task": "cooperatie.governance.tasks.close_due_proposals",
                             "schedule": env_int("DEADLINE_CHECK_SECONDS", 60)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- Content-Security-Policy: everything from our own origin, nothing inline -----------------
# No inline <script>, no style= attributes, no on*= handlers: JS and CSS live in static files
# (Django's admin obeys this too). tests/cooperatie/test_csp.py holds every template to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- production security (manage.py check --deploy is clean with DEBUG off) -----------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Off only for plain http on one's own machine (scripts/demo)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- e-mail: SMTP from the environment in production; a folder of .eml files in the demo ----
EMAIL_HOST = env_str("EMAIL_HOST") or ""
_email_backends = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND") or ("smtp" if EMAIL_HOST else "file" if DEBUG else "")
if _email_backend not in _email_backends:
    raise ImproperlyConfigured(
        "EMAIL_HOST is required when DEBUG is off (or EMAIL_BACKEND=file or console)."
        if not _email_backend else
        f"EMAIL_BACKEND must be one of {sorted(_email_backends)}, not {_email_backend!r}")
EMAIL_BACKEND = _email_backends[_email_backend]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_HOST else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST) and EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Links in e-mails point here (the worker has no request to take the host from).
SITE_URL = (env_str("SITE_URL") or (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and not DEBUG
                                    else "http://127.0.0.1:8000")).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or " " in SITE_URL:
    raise ImproperlyConfigured(f"SITE_URL must be an address like https://samen.example.nl, "
                               f"not {SITE_URL!r}")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or (
    f"Samen begroten <noreply@{SITE_URL.split('://', 1)[1].split('/')[0].split(':')[0]}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The daily digest goes out at this hour (local time); reminders are checked at the same time.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
if not 0 <= DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"DIGEST_HOUR must be an hour from 0 to 23, not {DIGEST_HOUR}")
try:
    REMINDER_DAYS = sorted({int(d) for d in env_list("REMINDER_DAYS", ["14", "3"])}, reverse=True)
except ValueError:
    raise ImproperlyConfigured("REMINDER_DAYS must be whole numbers of days, e.g. 14,3") from None
if not REMINDER_DAYS or min(REMINDER_DAYS) < 1:
    raise ImproperlyConfigured("REMINDER_DAYS must be whole numbers of days, e.g. 14,3")
# Hourly: reminders before deadlines, votes closing within a day, the daily digest.
CELERY_BEAT_SCHEDULE["notifications"] = {"task": "cooperatie.notifications.tasks.hourly",
                                         "schedule": 60 * 60}

# --- the product's own knobs ----------------------------------------------------------------
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 50_000)
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)  # a proposal's attachments
UPLOAD_PREVIEW_HOURS = env_int("UPLOAD_PREVIEW_HOURS", 2)  # a previewed upload not confirmed
EXPORT_EXPIRY_DAYS = env_int("EXPORT_EXPIRY_DAYS", 7)
MIN_RESPONDENTS = env_int("MIN_RESPONDENTS", 5)

# --- the read API (api/): personal tokens, rate limit per token -----------------------------
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 300)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samen begroten API",
    "DESCRIPTION": "Alleen lezen: grootboek, begrotingen, realisatie, lumpsums en verdelingen, "
                   "besluiten, indicatoren en metingen, per coöperatie. Bedragen zijn tekst met "
                   "twee decimalen. Pagina's volgen met `next`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"SubmissionStatus": "budgets.models.PartnerBudget.Status",
                            "PeriodStatus": "budgets.realisation.models.Period.Status",
                            "PlanStatus": "budgets.models.AllocationPlan.Status"},
}
# The rate limit's counts: shared between processes when CACHE_URL names a Redis server.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": env_str("CACHE_URL")} if env_str("CACHE_URL")
          else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
}
