"""Test settings: fast hashing, in-memory cache and files, strict templates."""

import os
import tempfile

os.environ.setdefault("PORTAL_TESTING", "1")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Messages go through the queue as in production (tests/conftest.py puts the queued backend
# back after Django's test set-up swaps it) and are delivered to mail.outbox.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Most tests log in with force_login; tests/portal/test_accounts.py turns the MFA rule on.
REQUIRE_STAFF_MFA = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in development, not Django's shared in-memory database: there, threads lock
    # whole tables ("database table is locked") instead of waiting their turn, so the
    # concurrency tests would not test what runs. One file per run: suites may run side by side.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"portal-test-{os.getpid()}.sqlite3")
    }
