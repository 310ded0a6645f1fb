"""Meetings move from ``partners`` to their own app: the rows, their history and the admin's
log entries survive (the tables are renamed, nothing is copied)."""

from datetime import UTC, datetime

import pytest

BEFORE = [("partners", "0005_history_start")]
AFTER = [("meetings", "0003_links_out_of_the_place")]


@pytest.mark.migration_test
def test_meetings_and_their_history_survive_the_move(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    Organisation = old.apps.get_model("partners", "Organisation")
    Table = old.apps.get_model("partners", "Table")
    Meeting = old.apps.get_model("partners", "Meeting")
    HistoricalMeeting = old.apps.get_model("partners", "HistoricalMeeting")
    ContentType = old.apps.get_model("contenttypes", "ContentType")
    carrier = Organisation.objects.create(name="MRC de D'Autray", slug="mrc-dautray")
    table = Table.objects.create(name="Table D'Autray", slug="dautray", carrier=carrier)
    starts = datetime(2024, 10, 3, 14, tzinfo=UTC)
    meeting = Meeting.objects.create(
        table=table, starts_at=starts, agenda="1. Bilan", minutes="Adopté.", location="Lavaltrie"
    )
    HistoricalMeeting.objects.create(
        id=meeting.pk,
        table=table,
        starts_at=starts,
        mode="in_person",
        agenda="1. Bilan",
        minutes="",
        location="Lavaltrie",
        history_date=starts,
        history_type="+",
    )
    content_type = ContentType.objects.get_or_create(app_label="partners", model="meeting")[0]
    online = Meeting.objects.create(
        table=table, starts_at=starts, location="https://zoom.us/j/4721206946", agenda=""
    )

    new = migrator.apply_tested_migration(AFTER)
    NewMeeting = new.apps.get_model("meetings", "Meeting")
    # The link kept in « lieu ou lien » moves to the members-only field: never published.
    linked = NewMeeting.objects.get(pk=online.pk)
    assert (linked.location, linked.online_url) == ("", "https://zoom.us/j/4721206946")
    moved = NewMeeting.objects.get(pk=meeting.pk)
    assert (moved.pk, moved.table_id, moved.starts_at) == (meeting.pk, table.pk, starts)
    assert (moved.agenda, moved.minutes, moved.location) == ("1. Bilan", "Adopté.", "Lavaltrie")
    assert moved.convocations_sent == 0 and moved.is_public is False
    history = new.apps.get_model("meetings", "HistoricalMeeting").objects.get()
    assert (history.id, history.agenda) == (meeting.pk, "1. Bilan")
    ContentTypeAfter = new.apps.get_model("contenttypes", "ContentType")
    assert ContentTypeAfter.objects.get(pk=content_type.pk).app_label == "meetings"
