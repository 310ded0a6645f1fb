from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from actionplans.imports.documents import import_document, preview_document, unique_plan_slug
from actionplans.imports.parsing import PlanParseError
from actionplans.models import Plan
from partners.models import Organisation, Table


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = _("Importe un plan d'action (texte copié de Word ou d'un PDF, ou classeur .xlsx).")

    def add_arguments(self, parser):
        parser.add_argument("path")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--table", help=_("identifiant de la table existante"))
        target.add_argument("--new-table", help=_("nom d'une nouvelle table à créer"))
        parser.add_argument("--title")
        parser.add_argument("--slug")
        parser.add_argument("--start", help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path, table, new_table, title, slug, start, dry_run, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(_("Lecture impossible : %(error)s") % {"error": error}) from error
        try:
            start_date = date.fromisoformat(start) if start else None
        except ValueError as error:
            raise CommandError(
                _("Date de début invalide : %(value)s") % {"value": start}
            ) from error
        if slug and Plan.objects.filter(slug=slug).exists():
            raise CommandError(_("Un plan porte déjà l'identifiant %(slug)s.") % {"slug": slug})
        try:
            preview = preview_document(data=data)
        except PlanParseError as error:
            raise CommandError("\n".join(error.messages)) from error
        for warning in preview.warnings:
            self.stderr.write(warning)
        if start_date is None and preview.parsed.start_date is None:
            raise CommandError(_("Le document ne donne pas les dates du plan : utilisez --start."))
        try:
            with transaction.atomic():
                table_obj = self._table(table, new_table)
                title = title or _("Plan d'action %(table)s") % {"table": table_obj.name}
                plan = import_document(
                    table=table_obj,
                    preview=preview,
                    title=title,
                    slug=slug or unique_plan_slug(title),
                    start_date=start_date,
                )
                self._report(preview.parsed, plan)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(_("Essai à blanc : rien n'a été enregistré."))
        except PlanParseError as error:
            raise CommandError("\n".join(error.messages)) from error

    def _table(self, slug, new_name):
        if slug:
            try:
                return Table.objects.get(slug=slug)
            except Table.DoesNotExist as error:
                raise CommandError(_("Aucune table « %(slug)s ».") % {"slug": slug}) from error
        carrier, _created = Organisation.objects.get_or_create(
            slug=slugify(new_name)[:200], defaults={"name": new_name}
        )
        table, _created = Table.objects.get_or_create(
            slug=slugify(new_name)[:200], defaults={"name": new_name, "carrier": carrier}
        )
        return table

    def _report(self, parsed, plan):
        self.stdout.write(
            _(
                "%(axes)s axes, %(objectives)s objectifs, %(measures)s moyens d'action, %(expenses)s postes du plan."
            )
            % {
                "axes": len(parsed.axes),
                "objectives": len(parsed.objectives),
                "measures": len(parsed.measures),
                "expenses": len(parsed.expenses),
            }
        )
        for number, warning in parsed.warnings:
            self.stdout.write(f"  {number} : {warning}")
        self.stdout.write(_("Plan : %(slug)s") % {"slug": plan.slug})
