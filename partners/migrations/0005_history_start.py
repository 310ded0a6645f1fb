"""The history of each existing row starts with its state (and its links) at this moment."""

from django.db import migrations

from common.history import start_history


def start(apps, schema_editor):
    start_history(
        apps,
        "partners.Organisation",
        "partners.Person",
        "partners.Table",
        "partners.Committee",
        "partners.Membership",
        "partners.Invitation",
    )


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_history_of_every_change")]

    operations = [migrations.RunPython(start, migrations.RunPython.noop)]
