"""The event's registrations in the back office: counts, attendance recorded after the event,
and « Exporter les présences » as XLSX."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from events.models import Registration
from tests.builders import management
from tests.factories import EventFactory, coordinator_of

pytestmark = pytest.mark.django_db
MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def held(table_a):
    """A webinar held last month, with its registrations."""
    start = datetime(2025, 2, 6, 10, tzinfo=MONTREAL)
    event = EventFactory(
        table=table_a,
        slug="jeudi-fevrier",
        start=start,
        end=start + timedelta(hours=1),
        registration_required=True,
        capacity=2,
    )
    rows = [
        ("Ana Roy", "Carrefour jeunesse-emploi", "ana@example.org", "confirmed", 1),
        ("Bo Diallo", "", "bo@example.org", "confirmed", 2),
        ('=HYPERLINK("x")', "MRC", "cy@example.org", "cancelled", 3),
        ("Dee Nguyen", "SANA", "dee@example.org", "waiting", 4),
    ]
    for name, organisation, email, status, day in rows:
        Registration.objects.create(
            event=event,
            name=name,
            organisation=organisation,
            email=email,
            status=status,
            created_at=datetime(2025, 1, day, 9, tzinfo=MONTREAL),
        )
    return event


def event_form(event):
    return {
        "table": event.table_id,
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "audience": event.audience,
        "is_public": "on",
        "start_0": "2025-02-06",
        "start_1": "10:00",
        "end_0": "2025-02-06",
        "end_1": "11:00",
        "registration_required": "on",
        "capacity": "2",
    }


def test_the_change_page_counts_and_records_attendance(client, coordinator_a, held):
    client.force_login(coordinator_a)
    url = reverse("admin:events_event_change", args=[held.pk])
    page = client.get(url).content.decode()
    assert "2 confirmées, 1 en liste d&#x27;attente, 1 annulées" in page
    assert "Exporter les présences" in page

    registrations = list(held.registrations.order_by("created_at"))
    data = {**event_form(held), **management("registrations", 4, 4)}
    for index, registration in enumerate(registrations):
        data[f"registrations-{index}-id"] = registration.pk
        data[f"registrations-{index}-event"] = held.pk
        data[f"registrations-{index}-name"] = registration.name
        data[f"registrations-{index}-organisation"] = registration.organisation
        data[f"registrations-{index}-attended"] = "unknown"
    data["registrations-0-attended"] = "true"
    data["registrations-1-attended"] = "false"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    attended = dict(held.registrations.values_list("email", "attended"))
    assert attended == {
        "ana@example.org": True,
        "bo@example.org": False,
        "cy@example.org": None,
        "dee@example.org": None,
    }


def test_the_attendance_export(client, coordinator_a, held):
    held.registrations.filter(email="ana@example.org").update(attended=True)
    held.registrations.filter(email="bo@example.org").update(attended=False)
    client.force_login(coordinator_a)
    response = client.get(reverse("admin:events_event_attendance_export", args=[held.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="jeudi-fevrier-presences.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["Nom", "Organisation", "Courriel", "Statut", "Présent", "Inscrit le"],
        [
            "Ana Roy",
            "Carrefour jeunesse-emploi",
            "ana@example.org",
            "Confirmée",
            "Oui",
            datetime(2025, 1, 1),
        ],
        ["Bo Diallo", None, "bo@example.org", "Confirmée", "Non", datetime(2025, 1, 2)],
        ["Dee Nguyen", "SANA", "dee@example.org", "Liste d'attente", None, datetime(2025, 1, 4)],
        ['\'=HYPERLINK("x")', "MRC", "cy@example.org", "Annulée", None, datetime(2025, 1, 3)],
    ]
    assert sheet["F2"].number_format == "[$-C0C]d mmmm yyyy"
    assert isinstance(sheet["F2"].value, datetime) and sheet["F2"].value.date() == date(2025, 1, 1)


def test_the_ministry_exports_and_another_table_gets_404(client, ministry, held, table_b):
    client.force_login(ministry)
    url = reverse("admin:events_event_attendance_export", args=[held.pk])
    assert client.get(url)["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(coordinator_of(table_b))
    response = client.get(url)
    assert response.status_code == 404
    assert b"ana@example.org" not in response.content


def test_the_ministry_reads_registrations_but_changes_nothing(client, ministry, held):
    client.force_login(ministry)
    url = reverse("admin:events_event_change", args=[held.pk])
    page = client.get(url).content.decode()
    assert "ana@example.org" in page
    response = client.post(url, {**event_form(held), **management("registrations", 4, 4)})
    assert response.status_code == 403
    assert not held.registrations.exclude(attended=None).exists()
