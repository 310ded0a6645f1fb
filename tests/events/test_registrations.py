"""Registering to an event without an account: capacity, waiting list, the online link sent to
confirmed registrants only, cancellation by the signed link, closed and past events."""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ZOOM = "https://us02web.zoom.us/j/4721206946"
SAME_MESSAGE = "Une adresse déjà inscrite garde son inscription telle quelle"


@pytest.fixture
def webinar(table_a):
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)
    return EventFactory(
        table=table_a,
        title="Jeudi Immigration : le parrainage collectif",
        slug="jeudi-parrainage",
        start=start,
        end=start + timedelta(hours=1),
        location="Zoom",
        online_url=ZOOM,
        registration_required=True,
        capacity=2,
    )


def register(client, event, email, name="Personne", organisation=""):
    return client.post(
        reverse("events:register", args=[event.slug]),
        {"name": name, "email": email, "organisation": organisation},
    )


def text(response):
    return html.unescape(response.content.decode())


def messages_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def cancel_url(message):
    """The cancellation link of an e-mail, as a path on this site."""
    line = next(line for line in message.body.splitlines() if "/inscription/" in line)
    return urlsplit(line.strip()).path


def test_the_third_registrant_of_two_places_waits_and_a_cancellation_promotes_them(client, webinar):
    for address in ("ana@example.org", "bo@example.org"):
        response = register(client, webinar, address)
        assert response.status_code == 302
        assert response["Location"] == "/fr/evenements/jeudi-parrainage/#inscription"
    page = text(client.get(webinar.get_absolute_url()))
    assert "Cet événement est complet. En vous inscrivant, vous irez en liste d'attente" in page
    assert "M'inscrire en liste d'attente" in page

    register(client, webinar, "chloe@example.org", name="Chloé Tremblay")
    statuses = dict(webinar.registrations.values_list("email", "status"))
    assert statuses == {
        "ana@example.org": "confirmed",
        "bo@example.org": "confirmed",
        "chloe@example.org": "waiting",
    }
    (waiting,) = messages_to("chloe@example.org")
    assert waiting.subject == (
        "Liste d'attente, position 1 : Jeudi Immigration : le parrainage collectif"
    )
    assert "vous êtes en liste d'attente, en position 1." in waiting.body
    assert ZOOM not in waiting.body

    (ana_confirmation,) = messages_to("ana@example.org")
    assert ana_confirmation.subject.startswith("Inscription confirmée : Jeudi Immigration")
    assert ZOOM in ana_confirmation.body
    mail.outbox.clear()

    url = cancel_url(ana_confirmation)
    page = client.get(url)  # opening the link (a mail scanner, say) cancels nothing
    assert "Annuler mon inscription" in text(page)
    assert webinar.registrations.get(email="ana@example.org").status == "confirmed"
    page = client.post(url)
    assert "Votre inscription est annulée." in text(page)

    statuses = dict(webinar.registrations.values_list("email", "status"))
    assert statuses["ana@example.org"] == "cancelled"
    assert statuses["chloe@example.org"] == "confirmed"
    assert webinar.registrations.get(email="chloe@example.org").promoted_at is not None
    (promotion,) = mail.outbox
    assert promotion.to == ["chloe@example.org"]
    assert promotion.subject.startswith("Une place s'est libérée : Jeudi Immigration")
    assert "Bonjour Chloé Tremblay," in promotion.body
    assert ZOOM in promotion.body
    assert "/inscription/" in promotion.body  # her own cancellation link


def test_capacity_one_two_registrations_one_place(webinar):
    webinar.capacity = 1
    webinar.save()
    first, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    second, _ = services.registration_create(event=webinar, name="B", email="b@example.org")
    assert (first.status, second.status) == ("confirmed", "waiting")
    assert webinar.registrations.confirmed().count() == 1


def test_a_raised_capacity_promotes_the_people_waiting(webinar):
    for letter in "abcd":
        services.registration_create(event=webinar, name=letter, email=f"{letter}@example.org")
    webinar.capacity = 3
    webinar.save()
    promoted = services.registrations_promote(event=webinar)
    assert [registration.email for registration in promoted] == ["c@example.org"]
    assert webinar.registrations.waiting().get().email == "d@example.org"


def test_registering_twice_changes_nothing_and_reveals_nothing(client, webinar):
    first = register(client, webinar, "ana@example.org", name="Ana")
    first_message = text(client.get(first["Location"]))
    again = register(client, webinar, "ANA@example.org ", name="Quelqu'un d'autre")
    again_message = text(client.get(again["Location"]))

    (registration,) = webinar.registrations.all()
    assert (registration.name, registration.status) == ("Ana", "confirmed")
    assert SAME_MESSAGE in first_message
    assert SAME_MESSAGE in again_message
    assert "Quelqu'un d'autre" not in again_message
    assert "Ana" not in again_message
    # The address's owner was written to once: a repeat within the hour sends nothing more.
    assert len(messages_to("ana@example.org")) == 1


def test_a_repeated_registration_an_hour_later_resends_the_status(webinar):
    registration, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    Registration.objects.filter(pk=registration.pk).update(
        emailed_at=timezone.now() - timedelta(hours=2)
    )
    again, created = services.registration_create(event=webinar, name="A", email="a@example.org")
    assert (again.pk, created) == (registration.pk, False)
    assert len(messages_to("a@example.org")) == 2


def test_a_cancelled_address_may_register_again(webinar):
    registration, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    services.registration_cancel(registration=registration)
    again, created = services.registration_create(event=webinar, name="A", email="a@example.org")
    assert created and again.status == "confirmed"
    assert webinar.registrations.count() == 2


def test_closed_and_past_events_refuse_with_a_clear_message(client, webinar):
    webinar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    webinar.save()
    page = text(client.get(webinar.get_absolute_url()))
    assert "Les inscriptions à cet événement sont fermées." in page
    assert "M'inscrire" not in page
    response = register(client, webinar, "late@example.org")
    assert response.status_code == 409
    assert "Les inscriptions à cet événement sont fermées." in text(response)

    webinar.registration_closes_at = None
    webinar.start = timezone.now() - timedelta(days=1)
    webinar.end = webinar.start + timedelta(hours=1)
    webinar.save()
    response = register(client, webinar, "late@example.org")
    assert "Cet événement a déjà eu lieu : les inscriptions sont fermées." in text(response)
    assert not webinar.registrations.exists()
    assert mail.outbox == []


def test_an_invalid_form_says_why_and_registers_nobody(client, webinar):
    response = register(client, webinar, "pas-une-adresse", name="")
    assert response.status_code == 400
    page = text(response)
    assert "Votre inscription n'est pas enregistrée" in page
    assert "Votre nom : Ce champ est obligatoire." in page
    assert "Votre courriel : Saisissez une adresse de courriel valide." in page
    assert not webinar.registrations.exists()
    assert mail.outbox == []


def test_an_event_without_registration_has_no_form(client, webinar):
    webinar.registration_required = False
    webinar.save()
    page = text(client.get(webinar.get_absolute_url()))
    assert "M'inscrire" not in page
    assert ZOOM in page  # as before: a public event's link is public
    assert register(client, webinar, "a@example.org").status_code == 404


def test_the_online_link_of_a_registration_event_is_never_public(client, webinar):
    page = text(client.get(webinar.get_absolute_url()))
    assert ZOOM not in page
    assert "Le lien est envoyé aux personnes inscrites." in page
    for url in (
        reverse("events:ics", args=[webinar.slug]),
        "/fr/evenements.ics",
        reverse("tables:table_feed", args=[webinar.table.slug]),
    ):
        response = client.get(url)
        assert ZOOM not in response.content.decode(), url
        (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert str(vevent["LOCATION"]) == "Zoom"


def test_a_series_mixing_public_and_registration_events_does_not_leak_the_link(client, webinar):
    open_one = EventFactory(
        table=webinar.table,
        title=webinar.title,
        start=webinar.start - timedelta(days=30),
        end=webinar.end - timedelta(days=30),
        online_url=ZOOM,
    )
    series = webinar.table.event_series.create(title="Jeudis", slug="jeudis")
    for event in (open_one, webinar):
        event.series = series
        event.save()
    calendar = icalendar.Calendar.from_ical(client.get("/fr/evenements.ics").content)
    locations = {str(vevent.get("LOCATION")) for vevent in calendar.walk("VEVENT")}
    assert locations == {ZOOM, "Zoom"}  # two VEVENTs: the open one's link stays its own


def test_the_cancel_link_works_once(client, webinar):
    registration, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    url = reverse(
        "events:registration_cancel",
        args=[services.links.make(services.CANCEL, registration.pk)],
    )
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 410
    assert "Cette inscription est déjà annulée." in text(again)
    assert client.get(url).status_code == 410


def test_a_tampered_cancel_link_is_refused_and_changes_nothing(client, webinar):
    registration, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    other, _ = services.registration_create(event=webinar, name="B", email="b@example.org")
    token = services.links.make(services.CANCEL, registration.pk)
    forged = token.replace(f"{registration.pk}:", f"{other.pk}:", 1)
    for url in (
        reverse("events:registration_cancel", args=[forged]),
        reverse("events:registration_cancel", args=[token + "x"]),
        # A token made for another purpose (a meeting's answer) never cancels a registration.
        reverse(
            "events:registration_cancel",
            args=[services.links.make("meetings.attendance", registration.pk)],
        ),
    ):
        response = client.post(url)
        assert response.status_code == 404
        assert "Ce lien n'est pas valide" in text(response)
    assert set(webinar.registrations.values_list("status", flat=True)) == {"confirmed"}


def test_a_past_event_cannot_be_cancelled(client, webinar):
    registration, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    webinar.start = timezone.now() - timedelta(hours=2)
    webinar.end = webinar.start + timedelta(hours=1)
    webinar.save()
    url = reverse(
        "events:registration_cancel",
        args=[services.links.make(services.CANCEL, registration.pk)],
    )
    response = client.post(url)
    assert response.status_code == 410
    assert "Cet événement a déjà eu lieu." in text(response)
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_the_registration_keeps_its_history(webinar):
    registration, _ = services.registration_create(event=webinar, name="A", email="a@example.org")
    services.registration_cancel(registration=registration)
    reasons = list(registration.history.values_list("history_change_reason", flat=True))
    assert reasons[0] == "Annulée par le lien du courriel"


def test_the_english_registration_button_says_register_not_subscribe(client, webinar):
    page = text(client.get(webinar.get_absolute_url().replace("/fr/", "/en/", 1)))
    assert ">Register</button>" in page
    assert ">Subscribe</button>" not in page
