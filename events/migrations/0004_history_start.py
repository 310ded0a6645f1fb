"""The history of each existing row starts with its state (and its links) at this moment."""

from django.db import migrations

from common.history import start_history


def start(apps, schema_editor):
    start_history(
        apps,
        "events.EventSeries",
        "events.Event",
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0003_history_of_every_change")]

    operations = [migrations.RunPython(start, migrations.RunPython.noop)]
