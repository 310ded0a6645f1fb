import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

if settings.USES_INSECURE_SECRET_KEY and not (settings.DEBUG or settings.DEMO):
    raise ImproperlyConfigured("Set SECRET_KEY before serving the portal in production.")
