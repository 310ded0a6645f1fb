import os
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal import backup


class Command(BaseCommand):
    help = _(
        "Sauvegarde la base de données et les fichiers déposés dans une archive "
        "(tables-immigration-AAAAMMJJ-HHMMSS.tar.gz)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help=_("fichier ou dossier de l'archive (le dossier courant par défaut), - : stdout"),
        )

    def handle(self, *args, output, **options):
        started = time.monotonic()
        if output == "-":
            manifest = self._write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
            self._report(manifest, "stdout", started, self.stderr)
            return
        path = Path(output)
        if output.endswith(("/", os.sep)):  # a folder, by its trailing slash: made if missing
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.is_dir():
            path = path / backup.archive_filename()
        elif not path.parent.is_dir():
            raise CommandError(
                _(
                    "Le dossier %(folder)s n'existe pas : créez-le, ou terminez --output par / "
                    "pour qu'il soit créé."
                )
                % {"folder": path.parent}
            )
        partial = path.with_name(path.name + ".partial")
        try:
            # The archive holds password hashes and two-factor secrets: its owner's only.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire %(path)s : %(error)s") % {"path": partial, "error": error}
            ) from error
        try:
            with os.fdopen(descriptor, "wb") as stream:
                manifest = self._write(stream)
                stream.flush()
                os.fsync(stream.fileno())
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self._report(manifest, path, started, self.stdout)

    def _write(self, stream):
        try:
            return backup.backup_create(stream=stream)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error

    def _report(self, manifest, where, started, out):
        out.write(
            _(
                "Sauvegarde écrite : %(where)s — lignes : %(rows)s (%(tables)s tables), "
                "fichiers : %(files)s (%(megabytes)s Mo), en %(seconds)s s."
            )
            % {
                "where": where,
                "rows": sum(manifest["counts"].values()),
                "tables": len(manifest["counts"]),
                "files": len(manifest["files"]),
                "megabytes": number_format(
                    sum(entry["size"] for entry in manifest["files"]) / 1e6, 1
                ),
                "seconds": number_format(time.monotonic() - started, 1),
            }
        )
