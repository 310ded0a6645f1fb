"""Meetings move to their own app (``meetings``): the tables are renamed, the rows kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_history_start")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("meeting", "meetings_meeting"),
                migrations.AlterModelTable("historicalmeeting", "meetings_historicalmeeting"),
            ],
            state_operations=[
                migrations.DeleteModel("HistoricalMeeting"),
                migrations.DeleteModel("Meeting"),
            ],
        )
    ]
