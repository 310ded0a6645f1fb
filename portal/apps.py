from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from django.apps import apps
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from portal.account_admins import register_account_history
        from portal.site_domain import site_sync

        register_account_history(admin.site)

        # After django.contrib.sites made its default "example.com" (portal comes later).
        post_migrate.connect(
            site_sync, sender=apps.get_app_config("sites"), dispatch_uid="portal.site_sync"
        )


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, on the portal's site (``portal.admin``)."""

    default = False
    default_site = "portal.admin.PortalAdminSite"
