"""``manage.py mark_bounced FILE [--reason TEXT]``: the addresses of a bounce report (one a
line, or a CSV whose first column is the address and second, optionally, the reason) never
receive the lists' messages again. ``-`` reads standard input."""

import csv
import sys

from django.core.management.base import BaseCommand

from mailing.services import mark_bounced


class Command(BaseCommand):
    help = "Marque en erreur (rebond) les adresses d'un fichier : elles ne recevront plus rien."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="Une adresse par ligne (ou CSV : adresse,motif) ; - : stdin"
        )
        parser.add_argument("--reason", default="Retour en erreur du serveur de courriel")

    def handle(self, *args, file, reason, **options):
        handle = sys.stdin if file == "-" else open(file, encoding="utf-8-sig", newline="")  # noqa: SIM115
        marked = addresses = 0
        with handle:
            for row in csv.reader(handle):
                if not row or "@" not in row[0]:
                    continue
                addresses += 1
                line_reason = row[1].strip() if len(row) > 1 and row[1].strip() else reason
                marked += mark_bounced(row[0], line_reason)
        self.stdout.write(f"{addresses} adresses lues, {marked} abonnements marqués en erreur.")
