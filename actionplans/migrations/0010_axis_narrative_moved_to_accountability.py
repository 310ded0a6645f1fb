"""Axis.narrative, one text overwritten every year, is gone: the texts of the report are
written per period in accountability.Narrative, where accountability's 0004 moved them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('actionplans', '0009_money_by_year_and_source_and_locks'),
        ('accountability', '0005_move_axis_narratives'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='axis',
            name='narrative',
        ),
        migrations.RemoveField(
            model_name='historicalaxis',
            name='narrative',
        ),
    ]
