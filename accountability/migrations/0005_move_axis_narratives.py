"""Each axis's narrative (``Axis.narrative``, one text overwritten every year) becomes the
narrative of that axis for one period: the plan year that contains the day of the migration,
or else the plan's last year (the whole plan when it has no years).

Why that year: the field was rewritten for each annual review, so what it holds is the text
of the latest review written. While a plan runs, that is the year under way (the one being
reviewed or about to be); once a plan has ended, the last review written is its last year's.
A plan that has not started yet has nothing reviewed: its text, if any, is a draft, kept
under the last year as well, where the coordination will find it again before the end.

The history of each new text starts with that version (no author: nobody wrote it then).
Reversed, each axis gets back the text of its latest period.
"""

from django.db import migrations
from django.utils import timezone

from common.history import start_history


def _period_of(plan, today):
    years = sorted(plan.years.all(), key=lambda year: year.start_date)
    for year in years:
        if year.start_date <= today <= year.end_date:
            break
    else:
        if not years:
            return plan.start_date, plan.end_date, "all"
        year = years[-1]
    return year.start_date, year.end_date, f"{year.start_date.year}-{year.end_date.year}"


def move_narratives(apps, schema_editor):
    Axis = apps.get_model("actionplans", "Axis")
    Narrative = apps.get_model("accountability", "Narrative")
    today = timezone.localdate()
    axes = (
        Axis.objects.exclude(narrative="")
        .select_related("plan")
        .prefetch_related("plan__years")
        .order_by("pk")
    )
    for axis in axes:
        start, end, key = _period_of(axis.plan, today)
        Narrative.objects.update_or_create(
            plan=axis.plan,
            axis=axis,
            period_start=start,
            period_end=end,
            defaults={"period_key": key, "text": axis.narrative},
        )
    start_history(apps, "accountability.Narrative")


def restore_narratives(apps, schema_editor):
    Axis = apps.get_model("actionplans", "Axis")
    Narrative = apps.get_model("accountability", "Narrative")
    latest = Narrative.objects.filter(axis__isnull=False).exclude(text="").order_by("period_end")
    for narrative in latest:  # later periods overwrite earlier ones
        Axis.objects.filter(pk=narrative.axis_id).update(narrative=narrative.text)


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0004_narratives_per_period"),
        ("actionplans", "0009_money_by_year_and_source_and_locks"),
    ]

    operations = [migrations.RunPython(move_narratives, restore_narratives)]
