"""Where uploaded files live: ``STORAGES["default"]`` for private files (activity attachments,
served after a permission check) and ``STORAGES["public"]`` for files anyone may fetch (kit
visuals). Both are on the local disk under MEDIA_ROOT unless S3_BUCKET is set (settings.py).
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PublicStorage(LazyObject):
    """``storages["public"]``, looked up when first used and again after STORAGES changes, as
    Django's own ``default_storage`` is: a model field keeps the storage it got at import."""

    def _setup(self):
        self._wrapped = storages["public"]


_public = _PublicStorage()


def public_storage():
    """A FileField's ``storage=``: as a callable, migrations record this name, not the backend."""
    return _public


@receiver(setting_changed)
def _forget_public_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _public._wrapped = empty
