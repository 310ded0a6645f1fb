"""The site's name and domain come from SITE_URL, written into django.contrib.sites after each
``migrate`` (which `make serve` and the container run at every start). allauth's e-mails
("Bonjour, c'est …"), the sitemap and the admin's "Voir sur le site" read them there."""

from urllib.parse import urlsplit

from django.conf import settings

SITE_NAME = "Tables immigration"


def site_sync(*, using="default", **kwargs):
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME}
    )
    Site.objects.clear_cache()
