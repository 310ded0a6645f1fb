"""What production refuses to start with, and its error reporting.

Imported by settings.py, so it imports nothing from Django's configured state.
"""

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"

_NOT_DELIVERED = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)
_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


def unsafe_settings(settings, environ):
    """The development defaults left in ``settings`` (a dict), each with the variable to set."""
    problems = []
    if settings["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
        problems.append("SECRET_KEY: set a long random value (the development key is public).")
    engine = settings["DATABASES"]["default"]["ENGINE"]
    if engine.endswith("sqlite3") and environ.get("ALLOW_SQLITE") != "1":
        problems.append(
            "DATABASE_URL: set a PostgreSQL address (postgres://…), "
            "or ALLOW_SQLITE=1 to run on SQLite knowingly."
        )
    if settings["EMAIL_DELIVERY_BACKEND"] in _NOT_DELIVERED:
        problems.append(
            "EMAIL_HOST: set the SMTP server (with EMAIL_PORT, EMAIL_HOST_USER, "
            "EMAIL_HOST_PASSWORD, EMAIL_USE_TLS); e-mails would otherwise never leave."
        )
    if settings["CACHES"]["default"]["BACKEND"] in _PER_PROCESS_CACHES:
        problems.append(
            "REDIS_URL: set it (or leave it unset for the database cache); a per-process cache "
            "would let login throttles and the two-factor replay guard hold per worker only."
        )
    return problems


def refuse_unsafe(settings, environ):
    problems = unsafe_settings(settings, environ)
    if problems:
        raise ImproperlyConfigured(
            "Production settings refused (DEBUG is off). Set:\n  - " + "\n  - ".join(problems)
        )


def init_sentry(dsn, environ):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
