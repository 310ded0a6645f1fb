from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal import demo


class Command(BaseCommand):
    help = _("Charge les données de démonstration de fixtures/ (deux fois ne change rien).")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                _(
                    "Les données de démonstration créent des comptes au mot de passe public : "
                    "refusé en production. Lancez la commande avec PORTAL_DEMO=1 sur une base "
                    "de démonstration."
                )
            )
        accounts = demo.load_demo()
        self.stdout.write(self.style.SUCCESS(_("Données de démonstration chargées.")))
        self.stdout.write(_("Comptes de démonstration (mot de passe : %s) :") % demo.DEMO_PASSWORD)
        for email, role in accounts:
            self.stdout.write(f"  {role:<13} {email}")
