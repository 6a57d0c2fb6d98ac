"""Settings for the portal.

Everything that differs between the embedded default (SQLite, eager Celery, local files) and
production (PostgreSQL, Redis, S3) is read from environment variables; see README.md.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.core.devkeys import DEV_BLIND_INDEX_KEY, DEV_FIELD_ENCRYPTION_KEY

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
local_hosts = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
if not DEBUG and set(ALLOWED_HOSTS) - local_hosts and not env.str("SECRET_KEY", default=""):
    # A key generated per host logs users out whenever the balancer switches nodes, and sessions
    # signed on one node fail on the other: a public deployment names its key.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment when the portal serves hosts other than localhost "
        f"(ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)}); every node behind one balancer needs the same key."
    )
SECRET_KEY = _secret_key()
# Personal data at rest (portal/core/crypto.py, docs/SECURITY.md): `id:base64key,…`, 32-byte
# AES-256-GCM keys; the first encrypts, all decrypt (rotation: put the new key first, run
# `manage.py rotate_field_keys`, then drop the old one). BLIND_INDEX_KEY keys the HMAC that
# look-ups by ID number or mobile compare. Unset: the published development keys (warned by
# `manage.py check`), refused in the production shape like a missing SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_FIELD_ENCRYPTION_KEY])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default=DEV_BLIND_INDEX_KEY)
if not DEBUG and set(ALLOWED_HOSTS) - local_hosts:
    _dev_keys = DEV_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS or BLIND_INDEX_KEY == DEV_BLIND_INDEX_KEY
    if _dev_keys or not env.str("FIELD_ENCRYPTION_KEYS", default="") or not env.str("BLIND_INDEX_KEY", default=""):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set in the environment (not the published "
            "development keys) when the portal serves hosts other than localhost: they encrypt and index "
            "ID numbers and mobiles (docs/SECURITY.md)."
        )
# Former keys, still accepted for signatures (sessions, signed links, sealed codes) while they expire:
# rotate by moving the old key here and setting a new SECRET_KEY.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "portal.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    # Second factor for staff (portal/accounts/second_factor.py); before portal.accounts, whose
    # admin replaces theirs.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "portal.core",
    "portal.audit",
    "portal.accounts",
    "portal.organizations",
    "portal.catalog",
    "portal.notifications",
    "applications",
    "reviews",
    "certificates",
    "stats",
    "home",
]

MIDDLEWARE = [
    # First, so that every log line and every error page of the request carries its id.
    "portal.core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.accounts.idle.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.core.middleware.RejectNulBytesMiddleware",
    "portal.core.middleware.AdminNetworksMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.middleware.SecondFactorMiddleware",
    "portal.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening one per request (PostgreSQL forks a backend and authenticates)
# cost more than all the queries of the lightest logged-in page (docs/BENCHMARKS.md, "What every
# request pays"). Checked before reuse, so a restarted database costs one failed request no page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the live server of browser tests and the runserver read while a write commits.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.IdNumberOrMobileBackend",
]

# The first hashes new passwords; the others still verify hashes made by them (and are replaced at
# login). Argon2id hashes new passwords (docs/SECURITY.md); PBKDF2 verifies the hashes stored before
# and is replaced at the next login. Each algorithm name may be listed once only.
PASSWORD_HASHERS = [
    "portal.accounts.hashers.PortalArgon2PasswordHasher",
    "portal.accounts.hashers.PortalPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.accounts.validators.NotIdentityPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("id_number", "mobile", "email")},
    },
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "home:home"

# Idle sessions end after SESSION_IDLE_MINUTES: the session and its cookie are renewed when a
# request comes SESSION_TOUCH_SECONDS or more after their last renewal (portal/accounts/idle.py),
# not written on every request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True

# HTTPS. The production shape (DEBUG off) is served over HTTPS only, by a proxy that terminates TLS
# and says so in X-Forwarded-Proto; scripts/run sets DEBUG=true and serves plain http on 127.0.0.1,
# where all of these are off. Each can be set on its own.
_https = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
# The compose healthcheck and the load balancer ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_https)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)
# Browsers remember for this long to use HTTPS only (one year; 0 sends no header).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_https)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Trust X-Forwarded-Proto: only behind a proxy that sets it (and overwrites what clients send).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SECURE_PROXY_SSL_HEADER", default=_https) else None
)

# Content-Security-Policy (django-csp): scripts, styles, fonts and frames from the portal itself
# only; no inline script or style (templates use static files and classes), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Lockout after LOGIN_FAILURE_LIMIT wrong passwords (Kunming: 3) for LOGIN_LOCKOUT_MINUTES, counted
# per address × account: three wrong guesses from an attacker's address lock that address out of the
# account, not the account's owner at their own desk (docs/SECURITY.md).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=3)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
# One address guessing across accounts: past LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords (any
# accounts) in LOGIN_ADDRESS_WINDOW_SECONDS, the address is asked to wait, not locked (a unit's NAT
# address carries many honest people); 0 turns the limit off. See portal/accounts/throttle.py.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=10)
LOGIN_ADDRESS_WINDOW_SECONDS = env.int("LOGIN_ADDRESS_WINDOW_SECONDS", default=300)
AXES_USERNAME_CALLABLE = "portal.accounts.lockout.canonical_username"
# The client behind REVERSE_PROXY_COUNT proxies, as for the other rate limits: with the proxy's
# address every login would share one lock key and one address limit.
AXES_CLIENT_IP_CALLABLE = "portal.accounts.lockout.lockout_address"
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# security.W021 asks for SECURE_HSTS_PRELOAD: browsers' preload lists take a registrable domain
# (the bureau's, e.g. km.gov.cn) with all its subdomains, which is the domain owner's decision and
# not the portal's; set SECURE_HSTS_PRELOAD=true where it has been made.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Build output, not state: collectstatic rebuilds it from the code, and var/ (what a backup keeps)
# holds only what users and the system made.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "build" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files are private: never under STATIC/MEDIA URLs; views stream them after a permission check.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "files")))
# Never routed: private files are streamed by views after a permission check.
MEDIA_URL = "/_private/"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="us-east-1"),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/_private/"},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}

# One cache for all processes when Redis is there (the verification rate limit counts across
# gunicorn workers); a per-process memory cache in the embedded default.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("REDIS_URL", default="")}
    if env.str("REDIS_URL", default="")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: with no broker configured, tasks run eagerly in the web process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# With no broker, documents (receipts, certificates, forms, print batches) are rendered by a
# thread the web process starts (portal/core/background.py), so the request that asked for one
# answers at once and the job page shows its progress. Off: rendered inside the request (tests).
DOCUMENTS_IN_BACKGROUND = env.bool("DOCUMENTS_IN_BACKGROUND", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The longest a document job may render (a 500-certificate print batch); the task is stopped after.
DOCUMENT_JOB_TIME_LIMIT_SECONDS = env.int("DOCUMENT_JOB_TIME_LIMIT_SECONDS", default=1200)
# Redis redelivers a message not acknowledged within the visibility timeout (acks_late): it must
# be longer than the longest job, or a job still rendering is delivered a second time. A crashed
# worker's jobs do not wait for it: the dispatcher re-queues them once their heartbeat stops.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=DOCUMENT_JOB_TIME_LIMIT_SECONDS + 600)
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= DOCUMENT_JOB_TIME_LIMIT_SECONDS:
    raise ValueError(
        "CELERY_VISIBILITY_TIMEOUT_SECONDS must be longer than DOCUMENT_JOB_TIME_LIMIT_SECONDS: "
        "a job still rendering would be delivered a second time"
    )

# Text messages: pluggable backend; the default writes them to the log.
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.notifications.sms.LoggingSmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="【职称申报】")
# FileSmsBackend (the stand-in phone scripts/run uses): one file per mobile in this folder.
SMS_FILE_DIR = env.str("SMS_FILE_DIR", default=str(VAR_DIR / "sms"))
PASSWORD_RESET_CODE_MINUTES = env.int("PASSWORD_RESET_CODE_MINUTES", default=10)
PASSWORD_RESET_CODE_ATTEMPTS = env.int("PASSWORD_RESET_CODE_ATTEMPTS", default=5)
# New codes per account: at most one per PASSWORD_RESET_CODE_INTERVAL_SECONDS and
# PASSWORD_RESET_CODES_PER_DAY in 24 hours (each code allows PASSWORD_RESET_CODE_ATTEMPTS guesses).
PASSWORD_RESET_CODE_INTERVAL_SECONDS = env.int("PASSWORD_RESET_CODE_INTERVAL_SECONDS", default=60)
PASSWORD_RESET_CODES_PER_DAY = env.int("PASSWORD_RESET_CODES_PER_DAY", default=5)

# Notifications (portal/notifications). Outbox rows not queued at commit (broker down) are queued
# by the dispatcher once NOTIFY_DISPATCH_AFTER_SECONDS old; rows queued but still pending after
# NOTIFY_REQUEUE_AFTER_SECONDS are queued again (sending is idempotent).
# The portal's public address: links in e-mail and the certificates' QR codes.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
NOTIFY_SITE_URL = PORTAL_BASE_URL
NOTIFY_DISPATCH_AFTER_SECONDS = env.int("NOTIFY_DISPATCH_AFTER_SECONDS", default=60)
NOTIFY_REQUEUE_AFTER_SECONDS = env.int("NOTIFY_REQUEUE_AFTER_SECONDS", default=1800)
# Sent e-mails and text messages keep their body this many days, then only who, why, when and the
# outcome (the beat task notifications-purge-outbox).
NOTIFY_OUTBOX_RETENTION_DAYS = env.int("NOTIFY_OUTBOX_RETENTION_DAYS", default=30)
# The security audit log is kept this many days (网络安全法 §21: at least six months; less is
# raised to 180).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=400)
# Reviewers are reminded of applications waiting at their stage longer than this many working days.
NOTIFY_STAGE_OVERDUE_WORKING_DAYS = env.int("NOTIFY_STAGE_OVERDUE_WORKING_DAYS", default=5)
# Applicants with unsubmitted drafts are reminded this many days before their window closes.
NOTIFY_WINDOW_REMINDER_DAYS = [int(d) for d in env.list("NOTIFY_WINDOW_REMINDER_DAYS", default=["7", "1"])]
CELERY_BEAT_SCHEDULE = {
    "notifications-dispatch-outbox": {"task": "portal.notifications.tasks.dispatch_outbox", "schedule": 60.0},
    "audit-purge": {"task": "portal.audit.tasks.purge_audit_log", "schedule": crontab(hour=3, minute=50)},
    "notifications-purge-outbox": {
        "task": "portal.notifications.tasks.purge_outbox",
        "schedule": crontab(hour=3, minute=40),
    },
    "notifications-review-digests": {
        "task": "reviews.tasks.send_review_digests",
        "schedule": crontab(hour=env.int("NOTIFY_DIGEST_HOUR", default=8), minute=30),
    },
    "notifications-closing-windows": {
        "task": "reviews.tasks.remind_closing_windows",
        "schedule": crontab(hour=9, minute=0),
    },
    "notifications-overdue-stages": {
        # Daily; the task itself skips holidays and counts 调休 working days.
        "task": "reviews.tasks.remind_overdue_stages",
        "schedule": crontab(hour=9, minute=15),
    },
    "notifications-overdue-summary": {
        "task": "reviews.tasks.send_overdue_summary",
        "schedule": crontab(hour=9, minute=30, day_of_week="mon"),
    },
    "notifications-notices": {
        "task": "reviews.tasks.remind_notices",
        "schedule": crontab(hour=8, minute=0),
    },
    "applications-release-held-uploads": {
        "task": "applications.tasks.release_stale_held_uploads",
        "schedule": crontab(hour=3, minute=10),
    },
    # Document jobs the broker never took (down at commit), stuck ones (heartbeat stopped), and
    # certificates and receipts without a job: within a minute of the broker coming back.
    "certificates-dispatch-jobs": {"task": "certificates.tasks.dispatch_document_jobs", "schedule": 60.0},
}
# How many reverse proxies (nginx …) stand in front of the web process: the client address for
# rate limits and the admin restriction is then read from X-Forwarded-For. 0 = clients connect directly.
REVERSE_PROXY_COUNT = env.int("REVERSE_PROXY_COUNT", default=0)


def _networks(name: str, entries: list[str]) -> list:
    """Addresses or CIDR networks; a wrong one stops the start, naming the variable and the entry."""
    networks = []
    for entry in filter(None, (e.strip() for e in entries)):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"{name}: {entry!r} is not an address or a network (CIDR): {error}") from None
    return networks


# /admin/ answers only clients in these networks (comma-separated CIDR, e.g. the bureau's intranet
# 10.8.0.0/16), a 404 to everyone else; empty: everyone.
ADMIN_ALLOWED_NETWORKS = _networks("ADMIN_ALLOWED_NETWORKS", env.list("ADMIN_ALLOWED_NETWORKS", default=[]))
# One stale rule for every document job: running with no heartbeat for this long (its worker died),
# or queued this long ago and never started (its message was lost), it is stuck: the dispatcher
# queues it again, and staff may retry it by hand. The worker renews the heartbeat at each step.
DOCUMENT_JOB_STALE_MINUTES = env.int("DOCUMENT_JOB_STALE_MINUTES", default=5)
# A job whose message could not be published (broker down) is queued by the dispatcher once this old.
DOCUMENT_JOB_DISPATCH_AFTER_SECONDS = env.int("DOCUMENT_JOB_DISPATCH_AFTER_SECONDS", default=10)

# Certificates. Numbers: CERTIFICATE_NUMBER_FORMATS (JSON, keyed by the issuing bureau's region code
# or name) else CERTIFICATE_NUMBER_FORMAT; fields {year} {serial} (= {number}) {region_code}
# {authority} {level}.
CERTIFICATE_NUMBER_FORMAT = env.str("CERTIFICATE_NUMBER_FORMAT", default="{region_code}{year}{serial:06d}")
CERTIFICATE_NUMBER_FORMATS = env.json("CERTIFICATE_NUMBER_FORMATS", default={})
# The catalogue item (its code) whose certificate replaces and voids the holder's old one.
CERTIFICATE_REISSUE_ITEM = env.str("CERTIFICATE_REISSUE_ITEM", default="reissue")
# Most certificates in one print batch at the window.
CERTIFICATE_PRINT_BATCH_MAX = env.int("CERTIFICATE_PRINT_BATCH_MAX", default=500)
# The public verification page: at most this many look-ups per client address and window (seconds).
CERTIFICATE_VERIFY_RATE_LIMIT = env.int("CERTIFICATE_VERIFY_RATE_LIMIT", default=10)
CERTIFICATE_VERIFY_RATE_WINDOW = env.int("CERTIFICATE_VERIFY_RATE_WINDOW", default=60)

# Uploaded materials: at most this many bytes each (10 MB: Sichuan, Kunming).
MATERIAL_MAX_BYTES = env.int("MATERIAL_MAX_MB", default=10) * 1024 * 1024

# Every upload is scanned by ClamAV's daemon before it is accepted, and refused when the scanner
# cannot answer. CLAMAV_HOST (with CLAMAV_PORT) wins over CLAMAV_SOCKET when set. The default
# socket is the one scripts/clamd starts for the embedded stack (scripts/run does); it lives under
# /tmp because Debian's AppArmor profile for clamd lets it write there and not into a checkout.
CLAMAV_ENABLED = env.bool("CLAMAV_ENABLED", default=True)
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default=f"/tmp/portal-clamd-{os.getuid()}/clamd.sock")
CLAMAV_HOST = env.str("CLAMAV_HOST", default="")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

# Returns and resets together, per application (Kunming: 4); returns of a unit's recommendation
# after which the application is not accepted again that year (Kunming: 3).
WORKFLOW_RETURN_LIMIT = env.int("WORKFLOW_RETURN_LIMIT", default=4)
# Most applications passed in one batch from the queue (a queue page holds 50).
REVIEW_BATCH_MAX = env.int("REVIEW_BATCH_MAX", default=50)
WORKFLOW_UNIT_RETURN_LIMIT = env.int("WORKFLOW_UNIT_RETURN_LIMIT", default=3)
# Acceptance numbers, unique per window and year: {year}, {number}, {window} (the window's id).
ACCEPTANCE_NUMBER_FORMAT = env.str("ACCEPTANCE_NUMBER_FORMAT", default="受理〔{year}〕{number:07d}")
# Unit public notices last at least this many working days.
NOTICE_MIN_WORKING_DAYS = env.int("NOTICE_MIN_WORKING_DAYS", default=5)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@zhicheng.local")

PORTAL_NAME = env.str("PORTAL_NAME", default="职称申报服务平台")

# Settings besides SECRET_KEY that `manage.py backup` keeps with the data (keys the data needs).
BACKUP_SECRET_SETTINGS: list[str] = ["SECRET_KEY_FALLBACKS"]

# One JSON object per line on stderr (LOG_FORMAT=plain for a terminal): every unhandled error
# with its traceback, the request id and the user's id, never personal data.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "portal.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "portal.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "plain") else "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "portal": {"handlers": ["stderr"], "level": env.str("PORTAL_LOG_LEVEL", default="INFO"), "propagate": False},
        # Unhandled errors (500) with their tracebacks; 4xx answers are not errors of ours.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "celery": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
