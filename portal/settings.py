"""Settings read from the environment only.

Three modes: development and ``make demo`` (``DEBUG`` or ``PORTAL_DEMO``: SQLite, tasks run at
once, e-mail on the console), tests (``PORTAL_TESTING``, see settings_test.py) and production,
the default. Production fails closed: ``portal.production.refuse_unsafe`` stops start-up when a
setting below is left at a development default, naming the variable to set.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal import production

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    """A variable's value; empty counts as unset (as an `.env` file leaves a blank line)."""
    return os.environ.get(name, "").strip() or default


def env_bool(name, default=False):
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DEMO = env_bool("PORTAL_DEMO", False)
TESTING = env_bool("PORTAL_TESTING", False)
PRODUCTION = not (DEBUG or DEMO or TESTING)

SECRET_KEY = env("SECRET_KEY", production.DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "import_export",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "django_guid",
    "csp",
    "django_htmx",  # htmx 2 as a static file: the plan outline without reloads
    "common",
    "municipalities",
    "partners",
    "meetings",
    "actionplans",
    "events",
    "kits",
    "activities",
    "mailing",
    "accountability",
    "portal",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says @login_not_required (fail closed).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.logs.UserIdMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
SITE_ID = 1

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
                "django.template.context_processors.i18n",
            ],
            "builtins": ["common.templatetags.quebec"],
        },
    }
]

# Connections are kept a minute and checked before reuse, so a database restart costs no error.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock (up to 20 s) from the start of their transaction, instead of
    # failing with "database is locked" when two requests write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French (Quebec) first: URLs read /fr/ and /en/, pages declare lang="fr-CA" / "en-CA",
# and portal/formats/fr holds the Quebec conventions.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Montreal"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["common.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
# Hashed, compressed static files served by WhiteNoise with far-future cache headers; runserver
# (DEBUG) and the tests read them from the source folders as they are.
# Outside production WhiteNoise reads the source folders on each request (no collectstatic).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded files: "default" holds private files (activity attachments), "public" what anyone may
# fetch (kit visuals, common/storage.py). Both live under MEDIA_ROOT, which no URL serves: views
# stream them after their checks. With S3_BUCKET, both go to an S3-compatible bucket instead:
# private objects (no ACL) reached through a signed address that lasts five minutes, handed out
# by the view after its check; public ones under public/ (or in S3_PUBLIC_BUCKET), readable
# without a signature (S3_PUBLIC_ACL, or `none` where the provider refuses ACLs and a bucket
# policy opens public/ instead), on S3_CUSTOM_DOMAIN if given.
if env("S3_BUCKET"):
    _s3 = {
        option: value
        for option, value in {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "region_name": env("S3_REGION"),
            "addressing_style": env("S3_ADDRESSING_STYLE"),
        }.items()
        if value  # unset: the SDK's own default (AWS_* variables, the machine's role, AWS)
    }
    _s3 |= {"file_overwrite": False, "signature_version": "s3v4"}
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
    STORAGES["public"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env("S3_PUBLIC_BUCKET") or _s3["bucket_name"],
            "location": "" if env("S3_PUBLIC_BUCKET") else "public",
            "default_acl": None
            if env("S3_PUBLIC_ACL", "public-read").lower() == "none"
            else env("S3_PUBLIC_ACL", "public-read"),
            "querystring_auth": False,
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            # Opened straight from the bucket, a kit file downloads under its own name.
            "object_parameters": {"ContentDisposition": "attachment"},
        },
    }

# Content-Security-Policy (django-csp): scripts, styles, fonts and everything else from this site
# only; nothing inline (a script or style that must be inline carries the request's nonce,
# `{{ request.csp_nonce }}`: the report preview's print stylesheet); images also as data:
# (allauth's TOTP QR code) and from the bucket that serves kit visuals when S3 is used; no
# plugin, no framing, forms posting here only, no <base> elsewhere.
_public_media_origins = []
if env("S3_BUCKET"):
    if env("S3_CUSTOM_DOMAIN"):
        _public_media_origins = [f"https://{env('S3_CUSTOM_DOMAIN')}"]
    elif env("S3_ENDPOINT_URL"):
        _endpoint = urlsplit(env("S3_ENDPOINT_URL"))
        _public_media_origins = [
            f"{_endpoint.scheme}://{_endpoint.netloc}",
            f"{_endpoint.scheme}://*.{_endpoint.netloc}",  # virtual-host addressing
        ]
    else:
        _public_media_origins = ["https://*.amazonaws.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_public_media_origins],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "common.auth.EmailBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tables immigration] "
# allauth's defaults also rate-limit login failures per IP and per account ("login_failed").
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tables immigration"
# Coordinators and ministry staff must set up TOTP before they reach the admin.
# make demo relaxes it (PORTAL_DEMO); production never does unless told to.
REQUIRE_STAFF_MFA = env_bool("REQUIRE_STAFF_MFA", not DEMO)
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600  # invitation links last a week

# Every message is queued as a task (common/mail.py) in the transaction that asks for it, then
# delivered by the worker through EMAIL_DELIVERY_BACKEND, retried when the server fails.
EMAIL_BACKEND = "common.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that accepts and never answers must not hold the worker: fail, and retry later.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tables immigration <noreply@localhost>")
# A mailbox someone reads, for the mailto: of List-Unsubscribe (empty: the one-click link only).
MAILING_UNSUBSCRIBE_EMAIL = env("MAILING_UNSUBSCRIBE_EMAIL", "")

# One cache for every worker and process (allauth's login throttles, the TOTP replay guard,
# cached reports): Redis when REDIS_URL is set, otherwise a table of the database
# (`manage.py createcachetable`, run by `make serve`). Development keeps a per-process cache.
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }
elif PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A plan page's rendered tree, in that cache: its key holds the plan's content version, so a
# write shows at once; the time only bounds what old versions leave behind.
PLAN_TREE_CACHE_SECONDS = 24 * 3600
# What the public pages' ETags name as the deployed code (a commit, a tag); empty: a digest
# of the source files, templates, catalogues and static files (common/conditional.py).
RELEASE = env("RELEASE", "")

# Background tasks: Django's Tasks API (django-tasks backport) on the database, run by
# `manage.py worker`. Development, make demo and the tests run each task at once.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if env_bool("TASKS_IN_DATABASE", PRODUCTION)
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Jobs the worker enqueues every hour (common/schedule.py); each is idempotent.
SCHEDULED_TASKS = [
    "events.reminders.remind_registrants",
    "activities.reminders.remind_partners",
    "mailing.sending.resume_stalled_messages",
]

if not DEBUG and not DEMO:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# Behind a TLS-terminating proxy: HTTPS=1 turns on the redirect, HSTS and the proxy header.
if env_bool("HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000"))
    # The client's address for allauth's login throttles is the one the proxy saw, not the
    # proxy's own (which every visitor would share).
    ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "1"))

# One line per event on stdout, with the request id (X-Request-ID, or a new one) and user id;
# workflow and import events go to the "audit" logger with their action.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "EXPOSE_HEADER": True}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "user_id": {"()": "portal.logs.UserIdFilter"},
    },
    "formatters": {
        "line": {
            "()": "portal.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s request=%(correlation_id)s "
            "user=%(user_id)s %(message)s",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id", "user_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        "audit": {"level": "INFO"},
        "django_tasks_db": {"level": "INFO"},
        "gunicorn.error": {"level": "INFO"},
        # A request for another host name is refused with 400; a bot's probe is no error.
        "django.security.DisallowedHost": {"level": "CRITICAL"},
    },
}

if env("SENTRY_DSN"):
    production.init_sentry(env("SENTRY_DSN"), os.environ)

if PRODUCTION:
    production.refuse_unsafe(globals(), os.environ)
