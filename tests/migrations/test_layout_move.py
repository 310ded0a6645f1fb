"""The layout move on a populated database: what was recorded under the old apps survives.

``actionplans.ActivityReport`` (and its values, attachments and history) moved to the
``activities`` app and became ``Activity``; the kits moved from ``municipalities`` to ``kits``.
The tables stayed where they were. This test fills a database at the old layout, migrates it
to the latest state and checks what a user would notice: the activities, their statuses,
values, municipalities, files and history, the kits, and the admin log entries.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from common.history import BASELINE_REASON

ACTIVITIES = 1_000
STATUSES = ["draft", "submitted", "approved", "returned"]
PROJECT_APPS = {
    "accountability",
    "actionplans",
    "activities",
    "events",
    "kits",
    "mailing",
    "meetings",
    "municipalities",
    "partners",
}

# The layout just before the move: the tables exist, the new apps have no migration yet.
# (No ``("kits", None)`` here: the migrator cuts the full plan just before kits 0001, which
# comes after activities 0001 and actionplans 0005, and would apply them.)
OLD_LAYOUT = [
    ("actionplans", "0004_activityreport_attachment_historicalactivityreport_and_more"),
    ("municipalities", "0003_kit_historicalkitadoption_copyblock_kitadoption_and_more"),
    ("partners", "0002_invitation"),
    ("events", "0002_initial"),
]

# Old app label and model → where the content type must answer after the move.
MOVED_CONTENT_TYPES = {
    ("actionplans", "activityreport"): ("activities", "activity"),
    ("actionplans", "historicalactivityreport"): ("activities", "historicalactivity"),
    ("actionplans", "indicatorvalue"): ("activities", "indicatorvalue"),
    ("actionplans", "historicalindicatorvalue"): ("activities", "historicalindicatorvalue"),
    ("actionplans", "attachment"): ("activities", "attachment"),
    ("municipalities", "kit"): ("kits", "kit"),
    ("municipalities", "copyblock"): ("kits", "copyblock"),
    ("municipalities", "kitasset"): ("kits", "kitasset"),
    ("municipalities", "kitadoption"): ("kits", "kitadoption"),
    ("municipalities", "historicalkitadoption"): ("kits", "historicalkitadoption"),
}


def _leaves(include):
    """The latest migration of each app for which ``include(app_label)`` is true."""
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    return sorted(node for node in graph.leaf_nodes() if include(node[0]))


def _old_layout(migrator):
    """The database of a site still running the old layout.

    ``apply_initial_migration`` applies a prefix of the full plan: the framework apps that
    come later in it (contenttypes 0002, auth, admin…) are brought to their latest migration
    in a second step, which needs none of the moved apps, as on a real site."""
    migrator.apply_initial_migration(OLD_LAYOUT)
    state = migrator.apply_tested_migration(_leaves(lambda app: app not in PROJECT_APPS))
    applied = MigrationLoader(connection).applied_migrations
    assert not any(app in {"activities", "kits"} for app, _ in applied)
    assert ("actionplans", "0005_activities_moved_to_activities_app") not in applied
    assert ("municipalities", "0004_kits_moved_to_kits_app") not in applied
    return state


def _fill(apps, media_root):
    """A table, its plan, 1,000 reports with values, municipalities, a file and history, a
    kit with its adoption, and admin log entries, written with the old models."""
    get = apps.get_model
    now = timezone.now()
    user = get("auth", "User").objects.create(username="coord@example.org", is_staff=True)
    region = get("municipalities", "Region").objects.create(code="17", name="Centre-du-Québec")
    mrc = get("municipalities", "Mrc").objects.create(
        name="Drummond", slug="drummond", region=region
    )
    municipalities = get("municipalities", "Municipality").objects.bulk_create(
        get("municipalities", "Municipality")(name=f"Ville {n}", slug=f"ville-{n}", mrc=mrc)
        for n in range(3)
    )
    organisation = get("partners", "Organisation").objects.create(
        name="Carrefour d'entraide", slug="carrefour"
    )
    table = get("partners", "Table").objects.create(
        name="Table Drummond", slug="table-drummond", carrier=organisation
    )
    plan = get("actionplans", "Plan").objects.create(
        table=table,
        title="Plan 2022-2025",
        slug="plan-2022",
        start_date=datetime.date(2022, 4, 1),
        end_date=datetime.date(2025, 3, 31),
    )
    axis = get("actionplans", "Axis").objects.create(plan=plan, number=1, title="Accueil")
    objective = get("actionplans", "Objective").objects.create(
        axis=axis, number="1.1", title="Accueillir"
    )
    Measure = get("actionplans", "Measure")
    measures = Measure.objects.bulk_create(
        Measure(objective=objective, number=f"1.1.{n}", title=f"Moyen {n}") for n in (1, 2)
    )
    Indicator = get("actionplans", "Indicator")
    indicators = Indicator.objects.bulk_create(
        Indicator(measure=measure, label=label, unit="personnes")
        for measure in measures
        for label in ("Participants", "Nouveaux arrivants")
    )

    ActivityReport = get("actionplans", "ActivityReport")
    reports = ActivityReport.objects.bulk_create(
        ActivityReport(
            measure=measures[n % 2],
            organisation=organisation,
            author=user,
            date=datetime.date(2023, 1, 1) + datetime.timedelta(days=n % 365),
            title=f"Activité {n}",
            participants=n % 50,
            amount_spent=Decimal(n) / 4,
            status=STATUSES[n % 4],
        )
        for n in range(ACTIVITIES)
    )
    IndicatorValue = get("actionplans", "IndicatorValue")
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator=indicator, value=Decimal(n) + Decimal("0.5"))
        for n, report in enumerate(reports)
        for indicator in indicators
        if indicator.measure_id == report.measure_id
    )
    Through = ActivityReport.municipalities.through
    Through.objects.bulk_create(
        Through(activityreport_id=report.pk, municipality_id=municipality.pk)
        for n, report in enumerate(reports)
        for municipality in municipalities[: n % 4]
    )

    # A real file, where the old upload path put it.
    report = reports[0]
    name = f"activites/{report.pk}/compte-rendu.txt"
    (Path(media_root) / name).parent.mkdir(parents=True)
    (Path(media_root) / name).write_bytes(b"Compte rendu de l'activite")
    get("actionplans", "Attachment").objects.create(
        report=report,
        file=name,
        original_name="compte-rendu.txt",
        content_type="text/plain",
        size=26,
    )

    # The history is what must survive: one creation row per report and per value.
    HistoricalActivityReport = get("actionplans", "HistoricalActivityReport")
    HistoricalActivityReport.objects.bulk_create(
        HistoricalActivityReport(
            id=report.pk,
            measure_id=report.measure_id,
            organisation_id=report.organisation_id,
            author_id=report.author_id,
            date=report.date,
            title=report.title,
            participants=report.participants,
            amount_spent=report.amount_spent,
            status=report.status,
            created_at=report.created_at,
            history_date=now,
            history_type="+",
            history_user=user,
        )
        for report in reports
    )
    HistoricalIndicatorValue = get("actionplans", "HistoricalIndicatorValue")
    HistoricalIndicatorValue.objects.bulk_create(
        HistoricalIndicatorValue(
            id=value.pk,
            report_id=value.report_id,
            indicator_id=value.indicator_id,
            value=value.value,
            history_date=now,
            history_type="+",
            history_user=user,
        )
        for value in IndicatorValue.objects.all()
    )

    kit = get("municipalities", "Kit").objects.create(
        table=table, number=1, title="Bienvenue", slug="bienvenue", is_published=True
    )
    get("municipalities", "CopyBlock").objects.create(
        kit=kit, kind="website", body="Bienvenue à {municipalite} !"
    )
    get("municipalities", "KitAsset").objects.create(
        kit=kit, kind="logo", title="Logo", file=f"trousses/{kit.pk}/logo.png"
    )
    adoption = get("municipalities", "KitAdoption").objects.create(
        kit=kit, municipality=municipalities[0], status="done", marked_by=user
    )
    get("municipalities", "HistoricalKitAdoption").objects.create(
        id=adoption.pk,
        kit_id=kit.pk,
        municipality_id=municipalities[0].pk,
        marked_by_id=user.pk,
        status="done",
        updated_at=adoption.updated_at,
        history_date=now,
        history_type="+",
        history_user=user,
    )

    # Content types as a site at the old layout has them, and the admin log that uses them.
    ContentType = get("contenttypes", "ContentType")
    content_types = {
        old: ContentType.objects.create(app_label=old[0], model=old[1])
        for old in MOVED_CONTENT_TYPES
    }
    LogEntry = get("admin", "LogEntry")
    LogEntry.objects.bulk_create(
        LogEntry(
            action_time=now,
            user=user,
            content_type=content_types[("actionplans", "activityreport")],
            object_id=str(report.pk),
            object_repr=report.title,
            action_flag=2,
            change_message="Statut modifié",
        )
        for report in reports[:10]
    )
    LogEntry.objects.create(
        action_time=now,
        user=user,
        content_type=content_types[("municipalities", "kit")],
        object_id=str(kit.pk),
        object_repr=kit.title,
        action_flag=2,
    )

    return {
        "statuses": dict(ActivityReport.objects.values_list("pk", "status")),
        "values": set(IndicatorValue.objects.values_list("report_id", "indicator_id", "value")),
        "municipalities": set(Through.objects.values_list("activityreport_id", "municipality_id")),
        "history": sorted(HistoricalActivityReport.objects.values_list("id", "status")),
        "value_history": sorted(
            HistoricalIndicatorValue.objects.values_list("report_id", flat=True)
        ),
        "attachment_activity": report.pk,
        "attachment_file": name,
        "content_types": {old: ct.pk for old, ct in content_types.items()},
        "kit": kit.pk,
        "adoption": adoption.pk,
    }


@pytest.mark.migration_test
def test_the_layout_move_keeps_a_populated_database(migrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    old_state = _old_layout(migrator)
    before = _fill(old_state.apps, settings.MEDIA_ROOT)

    new_state = migrator.apply_tested_migration(_leaves(lambda app: True))
    get = new_state.apps.get_model

    # Activities: the same ones, in the same statuses, with the same values and places.
    Activity = get("activities", "Activity")
    assert Activity.objects.count() == ACTIVITIES
    assert dict(Activity.objects.values_list("pk", "status")) == before["statuses"]
    assert (
        set(
            get("activities", "IndicatorValue").objects.values_list(
                "activity_id", "indicator_id", "value"
            )
        )
        == before["values"]
    )
    Through = Activity.municipalities.through
    assert (
        set(Through.objects.values_list("activity_id", "municipality_id"))
        == before["municipalities"]
    )
    assert (
        get("municipalities", "Municipality").objects.get(slug="ville-0").activities.count() == 750
    )

    # History: the same rows, the values' history pointing at the activities; then one record
    # per activity, by nobody, from which its history also keeps its municipalities.
    HistoricalActivity = get("activities", "HistoricalActivity")
    recorded = HistoricalActivity.objects.exclude(history_change_reason=BASELINE_REASON)
    assert sorted(recorded.values_list("id", "status")) == before["history"]
    started = HistoricalActivity.objects.filter(history_change_reason=BASELINE_REASON)
    assert sorted(started.values_list("id", "status", "history_type", "history_user")) == sorted(
        (pk, status, "~", None) for pk, status in before["statuses"].items()
    )
    links = get("activities", "HistoricalActivity_municipalities").objects
    assert set(links.values_list("history__id", "municipality_id")) == before["municipalities"]
    assert (
        sorted(
            get("activities", "HistoricalIndicatorValue").objects.values_list(
                "activity_id", flat=True
            )
        )
        == before["value_history"]
    )

    # Kits: the kit, its block, its file and its adoption with its history.
    kit = get("kits", "Kit").objects.get(pk=before["kit"])
    assert kit.blocks.get().body == "Bienvenue à {municipalite} !"
    assert kit.assets.get().file.name == f"trousses/{kit.pk}/logo.png"
    assert kit.adoptions.get().status == "done"
    assert list(
        get("kits", "HistoricalKitAdoption").objects.values_list("id", "kit_id", "status")
    ) == [(before["adoption"], kit.pk, "done")]

    # Content types answer under the new names: nothing recorded under the old ones is lost.
    ContentType = get("contenttypes", "ContentType")
    for old, new in MOVED_CONTENT_TYPES.items():
        moved = ContentType.objects.get(pk=before["content_types"][old])
        assert (moved.app_label, moved.model) == new
    assert not ContentType.objects.filter(
        app_label="actionplans", model__in=["activityreport", "attachment"]
    ).exists()

    # What a user sees, through the current models (the database is at the latest state).
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    from activities.models import Activity as CurrentActivity
    from activities.models import Attachment
    from kits.models import Kit as CurrentKit
    from kits.models import KitAdoption

    CurrentContentType.objects.clear_cache()
    attachment = Attachment.objects.get()
    assert attachment.activity.pk == before["attachment_activity"]
    assert attachment.file.name == before["attachment_file"]
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"Compte rendu de l'activite"
    assert list(CurrentActivity.objects.get(pk=attachment.activity.pk).attachments.all()) == [
        attachment
    ]

    activity = CurrentActivity.objects.get(pk=before["attachment_activity"])
    assert activity.history.exclude(history_change_reason=BASELINE_REASON).count() == 1
    assert activity.values.count() == 2
    assert KitAdoption.objects.get(pk=before["adoption"]).history.count() == 1

    entries = LogEntry.objects.filter(
        content_type=CurrentContentType.objects.get_for_model(CurrentActivity)
    )
    assert entries.count() == 10
    assert entries.get(object_id=str(activity.pk)).get_edited_object() == activity
    kit_entry = LogEntry.objects.get(
        content_type=CurrentContentType.objects.get_for_model(CurrentKit)
    )
    assert kit_entry.get_edited_object() == CurrentKit.objects.get(pk=before["kit"])
