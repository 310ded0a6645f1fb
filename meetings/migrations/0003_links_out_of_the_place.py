"""Meetings kept their place and their online link in one field (« lieu ou lien »): a link
found there moves to ``online_url``, which is sent to convened members only and never
published."""

from django.db import migrations


def links_out_of_the_place(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    for meeting in Meeting.objects.exclude(location=""):
        place = meeting.location.strip()
        if "://" in place.lower() or place.lower().startswith("www."):
            if not meeting.online_url and len(place) <= 192:
                meeting.online_url = place if "://" in place else f"https://{place}"
            meeting.location = ""
            meeting.save(update_fields=["location", "online_url"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_convocations_minutes_polls")]

    operations = [migrations.RunPython(links_out_of_the_place, migrations.RunPython.noop)]
