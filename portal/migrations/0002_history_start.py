"""The history of each existing account starts with its state (and its groups) at this moment."""

from django.conf import settings
from django.db import migrations

from common.history import start_history


def start(apps, schema_editor):
    start_history(
        apps, settings.AUTH_USER_MODEL, "auth.Group", "account.EmailAddress", history_app="portal"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_history_of_every_change"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(start, migrations.RunPython.noop)]
