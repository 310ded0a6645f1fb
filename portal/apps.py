from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, on the portal's site (``portal.admin``)."""

    default = False
    default_site = "portal.admin.PortalAdminSite"
