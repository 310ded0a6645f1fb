from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = _("Plans d'action")

    def ready(self):
        from actionplans import signals

        signals.connect()
