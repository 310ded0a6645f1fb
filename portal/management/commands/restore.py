from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal import backup


class Command(BaseCommand):
    help = _(
        "Restaure une archive de « manage.py backup » dans une base neuve et migrée, "
        "et ses fichiers dans le stockage."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("l'archive .tar.gz"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("efface d'abord les données de la base (dans la même transaction)"),
        )

    def handle(self, *args, path, force, **options):
        try:
            summary = backup.backup_restore(path=path, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restauré : lignes : %(rows)s (%(tables)s tables), fichiers écrits : %(written)s "
                "(%(megabytes)s Mo), déjà présents : %(kept)s, en %(seconds)s s. Lignes "
                "comptées et fichiers relus : conformes au manifeste de l'archive du "
                "%(created)s."
            )
            % {
                "rows": summary.rows,
                "tables": summary.tables,
                "written": summary.files_written,
                "megabytes": number_format(summary.bytes_written / 1e6, 1),
                "kept": summary.files_kept,
                "seconds": number_format(summary.seconds, 1),
                "created": summary.manifest["created"],
            }
        )
        for name in summary.replaced:
            self.stdout.write(_("Remplacé par la version de l'archive : %(name)s") % {"name": name})
        if options["verbosity"] > 1:
            for label, count in sorted(summary.manifest["counts"].items()):
                self.stdout.write(f"  {label:<48} {count:>8}")
