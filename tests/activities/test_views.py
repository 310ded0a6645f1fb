"""Partners report activities; coordinators review them. Permissions, bad input, workflow."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    OrganisationFactory,
    coordinator_of,
    measure_in,
    partner_of,
)

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def cje():
    return OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")


@pytest.fixture
def other_org():
    return OrganisationFactory(name="Autre organisme")


@pytest.fixture
def measure(plan_a, cje):
    measure = measure_in(plan_a, "1.3.1", title="Activités interculturelles")
    measure.leads.add(cje)
    return measure


@pytest.fixture
def indicator(measure):
    return IndicatorFactory(measure=measure, label="Nb d'activités")


@pytest.fixture
def partner(cje):
    return partner_of(cje, username="partenaire@example.org")


@pytest.fixture
def outsider(other_org):
    return partner_of(other_org, username="autre@example.org")


@pytest.fixture
def coordinator(table_a):
    return coordinator_of(table_a, username="coordination@example.org")


def form_data(measure, indicator=None, **overrides):
    data = {
        "measure": measure.pk,
        "date": "2023-06-15",
        "title": "Fête interculturelle",
        "description": "Une belle soirée.",
        "participants": "40",
        "participants_immigrant": "15",
        "participants_host": "25",
        "amount_spent": "350.50",
        "submit": "1",
    }
    if indicator is not None:
        data[f"indicator_{indicator.pk}"] = "2"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_partner_reports_and_submits_in_one_step(client, partner, measure, indicator, coordinator):
    client.force_login(partner)
    page = client.get(reverse("activities:create"), {"mesure": measure.pk}).content.decode()
    assert "Nb d&#x27;activités" in page
    response = client.post(reverse("activities:create"), form_data(measure, indicator))
    report = Activity.objects.get()
    assert response["Location"] == reverse("activities:detail", args=[report.pk])
    assert report.status == "submitted" and report.author == partner
    assert report.organisation.acronym == "CJE"
    assert report.values.get().value == Decimal(2)
    assert mail.outbox[-1].to == ["coordination@example.org"]
    assert "Fête interculturelle" in mail.outbox[-1].body


def test_coordinator_approves_and_the_author_is_told(client, partner, coordinator, measure):
    report = ActivityFactory(measure=measure, author=partner, status="submitted")
    client.force_login(coordinator)
    client.post(reverse("activities:approve", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == "approved" and report.reviewed_by == coordinator
    assert mail.outbox[-1].to == [partner.email]
    assert "approuvée" in mail.outbox[-1].subject


def test_sending_back_needs_a_comment_that_reaches_the_author(
    client, partner, coordinator, measure
):
    report = ActivityFactory(measure=measure, author=partner, status="submitted")
    client.force_login(coordinator)
    response = client.post(
        reverse("activities:return", args=[report.pk]),
        {"comment": "", "version": report.version},
        follow=True,
    )
    assert "Expliquez ce qu&#x27;il faut corriger." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"
    client.post(
        reverse("activities:return", args=[report.pk]),
        {"comment": "Ajoutez la date exacte.", "version": report.version},
    )
    report.refresh_from_db()
    assert report.status == "returned"
    assert "Ajoutez la date exacte." in mail.outbox[-1].body


def test_editing_an_approved_report_sends_it_back_to_review(client, partner, measure, coordinator):
    report = ActivityFactory(
        measure=measure, author=partner, organisation=partner.person.organisation
    )
    client.force_login(partner)
    response = client.post(
        reverse("activities:update", args=[report.pk]),
        form_data(measure, title="Titre corrigé", submit=None, version=report.version),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.status) == ("Titre corrigé", "submitted")
    assert "revient à la révision" in mail.outbox[-1].body


def test_deleting_is_soft_and_logged(client, partner, measure):
    report = ActivityFactory(
        measure=measure, author=partner, organisation=partner.person.organisation
    )
    client.force_login(partner)
    client.post(reverse("activities:delete", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_deleted
    assert report.history.first().history_change_reason.startswith("Supprimée par")
    assert client.get(reverse("activities:detail", args=[report.pk])).status_code == 404
    assert (
        "Activité"
        not in client.get(reverse("activities:list")).content.decode().split("<tbody>")[1]
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"date": "2021-01-01"},
            "La date doit être dans la période du plan (du 1er avril 2022 au 31 mars 2025).",
        ),
        ({"participants": "-3"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"participants": "5000000"}, "inférieure ou égale à 100000"),
        (
            {"participants": "10", "participants_immigrant": "8", "participants_host": "8"},
            "La répartition (16) dépasse le nombre de participants (10).",
        ),
        ({"amount_spent": "-1"}, "supérieure ou égale à 0"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    client, partner, measure, indicator, overrides, message
):
    client.force_login(partner)
    before = row_counts()
    response = client.post(reverse("activities:create"), form_data(measure, indicator, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode().replace("\u202f", "").replace("\xa0", "")
    assert row_counts() == before


def test_a_value_for_another_measures_indicator_is_refused(
    client, partner, measure, indicator, plan_a
):
    foreign = IndicatorFactory(measure=measure_in(plan_a, "2.1.1"))
    client.force_login(partner)
    before = row_counts()
    data = form_data(measure, indicator, **{f"indicator_{foreign.pk}": "99"})
    response = client.post(reverse("activities:create"), data)
    assert (
        "Une valeur vise un indicateur qui n&#x27;appartient pas à ce moyen d&#x27;action."
        in response.content.decode()
    )
    assert row_counts() == before


def test_a_measure_of_another_table_is_refused(client, partner, measure, measure_b):
    client.force_login(partner)
    before = row_counts()
    response = client.post(reverse("activities:create"), form_data(measure_b))
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "n&#x27;est ni une image ni un PDF"),
        ("enorme.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "dépasse 10 Mo"),
    ],
)
def test_bad_attachments_are_refused(client, partner, measure, name, content, message):
    client.force_login(partner)
    before = row_counts()
    data = form_data(measure, attachments=SimpleUploadedFile(name, content))
    response = client.post(reverse("activities:create"), data)
    assert message in response.content.decode()
    assert row_counts() == before


def test_attachments_are_typed_by_content_and_served_to_those_who_may_see(
    client, partner, outsider, measure
):
    client.force_login(partner)
    data = form_data(
        measure,
        attachments=[SimpleUploadedFile("photo.jpg", PNG), SimpleUploadedFile("bilan.pdf", PDF)],
    )
    client.post(reverse("activities:create"), data)
    report = Activity.objects.get()
    types = sorted(report.attachments.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/png"]
    pdf = report.attachments.get(content_type="application/pdf")
    url = reverse("activities:attachment", args=[report.pk, pdf.pk])
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="bilan.pdf"' in response["Content-Disposition"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_returned_activity_is_corrected_on_its_own_measure(client, partner, cje, plan_a):
    """The measure is not (or no longer) the organisation's: the author still corrects it."""
    elsewhere = measure_in(plan_a, "1.3.2", title="Échanges linguistiques")
    activity = ActivityFactory(
        measure=elsewhere, organisation=cje, author=partner, status="returned", title="Café"
    )
    client.force_login(partner)
    page = client.get(reverse("activities:update", args=[activity.pk])).content.decode()
    assert "1.3.2 Échanges linguistiques" in page
    response = client.post(
        reverse("activities:update", args=[activity.pk]),
        form_data(elsewhere, title="Café corrigé", version=activity.version),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Café corrigé" and activity.status == "submitted"
