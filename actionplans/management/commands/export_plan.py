import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from actionplans.exports.plan import FORMATS, plan_export
from actionplans.models import Plan


class Command(BaseCommand):
    help = _("Exporte un plan en données ouvertes (json) ou en tableur (csv, xlsx).")

    def add_arguments(self, parser):
        parser.add_argument("plan_slug")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--out", help=_("fichier de sortie (par défaut : sortie standard)"))

    def handle(self, *args, plan_slug, format, out, **options):
        try:
            plan = Plan.objects.select_related("table").get(slug=plan_slug)
        except Plan.DoesNotExist as error:
            raise CommandError(_("Aucun plan « %(slug)s ».") % {"slug": plan_slug}) from error
        filename, _content_type, content = plan_export(plan, format)
        if out:
            Path(out).write_bytes(content)
            self.stderr.write(_("Écrit : %(path)s") % {"path": out})
        elif format == "xlsx":
            raise CommandError(_("Le format xlsx demande --out FICHIER."))
        else:
            sys.stdout.buffer.write(content)
