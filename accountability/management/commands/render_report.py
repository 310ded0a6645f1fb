from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability import reports
from accountability.data import FULL, PUBLIC, plan_for_report
from actionplans.models import Plan
from actionplans.periods import PeriodError, parse_period


class Command(BaseCommand):
    help = _("Produit le rapport d'un plan pour une période (PDF ou XLSX).")

    def add_arguments(self, parser):
        parser.add_argument("plan_slug")
        parser.add_argument(
            "--period", default="all", help="2023-2024 | 2023-04-01:2023-09-30 | all"
        )
        parser.add_argument("--lang", choices=["fr", "en"], default="fr")
        parser.add_argument("--format", choices=[reports.PDF, reports.XLSX], default=reports.PDF)
        parser.add_argument("--annual", action="store_true", help=_("bilan annuel"))
        parser.add_argument("--public", action="store_true", help=_("version publique"))
        parser.add_argument("--out", required=True)

    def handle(self, *args, plan_slug, period, lang, format, annual, public, out, **options):
        try:
            plan = plan_for_report(Plan.objects.all()).get(slug=plan_slug)
        except Plan.DoesNotExist as error:
            raise CommandError(_("Aucun plan « %(slug)s ».") % {"slug": plan_slug}) from error
        try:
            parsed = parse_period(plan, period)
        except PeriodError as error:
            raise CommandError(str(error)) from error
        request = reports.ReportRequest(
            plan=plan, period=parsed, lang=lang, variant=PUBLIC if public else FULL, annual=annual
        )
        # Here and now, not through the worker: the command is the file's only reader.
        build = reports.render_pdf if format == reports.PDF else reports.report_xlsx
        _filename, _content_type, content = build(request)
        Path(out).write_bytes(content)
        self.stdout.write(_("Écrit : %(path)s") % {"path": out})
