"""The coordinator's side of a meeting in the back office: convening, answers, attendance and
documents."""

import html
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import convocations
from meetings.admin import MeetingDocumentForm
from meetings.models import Attendance, Meeting, MeetingDocument
from tests.factories import OrganisationFactory, coordinator_of, partner_of
from tests.meetings.world import committee_meeting_in


@pytest.fixture
def meeting(table_a):
    return committee_meeting_in(table_a)


def _convene_url(meeting):
    return reverse("admin:meetings_meeting_convene", args=[meeting.pk])


def _text(response):
    return html.unescape(response.content.decode())


def test_the_change_page_offers_to_convene(client, coordinator_a, meeting):
    client.force_login(coordinator_a)
    page = _text(client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])))
    assert "Convoquer les membres" in page
    assert _convene_url(meeting) in page
    for legend in ("Quoi", "Quand", "Où", "Ordre du jour", "Calendrier public"):
        assert f">{legend}<" in page


def test_the_confirmation_lists_exactly_the_committee_members(client, coordinator_a, meeting):
    client.force_login(coordinator_a)
    page = _text(client.get(_convene_url(meeting)))

    assert "sera envoyée à 2 personnes" in page
    for text in ("Lucie Mucha", "Action Famille Lavaltrie", "lm@afl.example"):
        assert text in page
    assert "Jérémie Lagacé" in page and "jl@mrc.example" in page
    assert "table@cje.example" not in page  # a member of the table, not of the committee
    assert "1 membre n'a pas d'adresse courriel et ne recevra rien" in page
    assert "Sans Adresse" in page
    assert "déjà été envoyée" not in page
    assert mail.outbox == []  # looking sends nothing


def test_convening_sends_and_says_how_many(client, coordinator_a, meeting):
    client.force_login(coordinator_a)
    response = client.post(_convene_url(meeting), follow=True)

    assert "Convocation envoyée à 2 membre(s)." in _text(response)
    assert sorted(m.to[0] for m in mail.outbox) == ["jl@mrc.example", "lm@afl.example"]
    again = _text(client.get(_convene_url(meeting)))
    assert "sera envoyée de nouveau" in again and "réponses déjà reçues sont conservées" in again


def test_another_tables_coordinator_gets_404_and_sends_nothing(client, table_b, meeting):
    client.force_login(coordinator_of(table_b))
    assert client.get(_convene_url(meeting)).status_code == 404
    assert client.post(_convene_url(meeting)).status_code == 404
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.convened_at is None


def test_the_ministry_reads_but_cannot_convene(client, ministry, meeting):
    client.force_login(ministry)
    change = _text(client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])))
    assert meeting.location in change
    assert "Convoquer les membres" not in change
    assert client.get(_convene_url(meeting)).status_code == 403
    assert client.post(_convene_url(meeting)).status_code == 403
    assert mail.outbox == []
    assert not Attendance.objects.exists()


def test_a_meeting_without_members_says_so_and_sends_nothing(client, coordinator_a, table_a):
    lonely = Meeting.objects.create(table=table_a, starts_at="2030-03-01T10:00-05:00")
    client.force_login(coordinator_a)
    page = _text(client.get(_convene_url(lonely)))
    assert "Cette table n'a aucun membre joignable par courriel" in page
    assert "Envoyer la convocation" not in page

    response = client.post(_convene_url(lonely), follow=True)
    assert "aucun membre à convoquer : rien n'a été envoyé" in _text(response)
    assert mail.outbox == []
    lonely.refresh_from_db()
    assert lonely.convened_at is None


def test_a_past_meeting_cannot_be_convened(client, coordinator_a, table_a):
    past = committee_meeting_in(table_a, starts_at="2020-01-01T10:00-05:00", ends_at=None)
    client.force_login(coordinator_a)
    assert "a déjà eu lieu" in _text(client.get(_convene_url(past)))
    response = client.post(_convene_url(past), follow=True)
    assert "aucune convocation n'a été envoyée" in _text(response)
    assert mail.outbox == []


def _change_data(meeting, attendances, attended):
    data = {
        "table": meeting.table_id,
        "committee": meeting.committee_id,
        "title": meeting.title,
        "starts_at_0": "2030-02-06",
        "starts_at_1": "10:00",
        "ends_at_0": "2030-02-06",
        "ends_at_1": "12:00",
        "mode": meeting.mode,
        "location": meeting.location,
        "online_url": meeting.online_url,
        "agenda": meeting.agenda,
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "attendances-TOTAL_FORMS": str(len(attendances)),
        "attendances-INITIAL_FORMS": str(len(attendances)),
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
    }
    for index, attendance in enumerate(attendances):
        data[f"attendances-{index}-id"] = attendance.pk
        data[f"attendances-{index}-meeting"] = meeting.pk
        data[f"attendances-{index}-attended"] = attended.get(attendance.email, "unknown")
    return data


def test_answers_are_counted_and_attendance_is_recorded(client, coordinator_a, meeting):
    convocations.convene(meeting)
    lucie = Attendance.objects.get(email="lm@afl.example")
    convocations.answer(lucie, choice="represented", represented_by="Rita Doucet")
    attendances = list(meeting.attendances.order_by("name"))
    client.force_login(coordinator_a)
    change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])

    page = _text(client.get(change_url))
    assert "Représenté : 1" in page and "Sans réponse : 1" in page and "Présent : 0" in page
    assert "Rita Doucet" in page

    response = client.post(
        change_url, _change_data(meeting, attendances, {"lm@afl.example": "true"}), follow=True
    )
    assert "a été modifié" in _text(response) or "a été modifiée" in _text(response)
    lucie.refresh_from_db()
    assert lucie.attended is True
    assert lucie.answer == "represented"  # the answer is the member's: not changed here
    assert Attendance.objects.get(email="jl@mrc.example").attended is None
    assert "Présence constatée : 1" in _text(client.get(change_url))


def test_the_ministry_cannot_record_attendance(client, ministry, meeting):
    convocations.convene(meeting)
    attendances = list(meeting.attendances.order_by("name"))
    client.force_login(ministry)
    change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    response = client.post(
        change_url, _change_data(meeting, attendances, {"lm@afl.example": "true"})
    )
    assert response.status_code == 403
    assert not Attendance.objects.filter(attended=True).exists()


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("ordre-du-jour.pdf", b"%PDF-1.4 ordre du jour", True),
        ("proces-verbal.docx", _docx(), True),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, True),
        ("ordre-du-jour.pdf", b"MZ\x90\x00 a program renamed", False),
        ("archive.docx", b"PK\x03\x04 not really a zip", False),
    ],
)
def test_documents_are_typed_by_their_content(meeting, name, content, accepted):
    form = MeetingDocumentForm({"title": "Document"}, {"file": SimpleUploadedFile(name, content)})
    assert form.is_valid() is accepted
    if not accepted:
        assert "type vérifié sur le contenu" in form.errors["file"][0]


def test_a_document_over_10_mb_is_refused(meeting):
    upload = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    form = MeetingDocumentForm({"title": "Gros"}, {"file": upload})
    assert not form.is_valid()
    assert "dépasse 10 Mo" in form.errors["file"][0]


def test_documents_download_after_the_rule_book(client, coordinator_a, ministry, table_b, meeting):
    document = MeetingDocument.objects.create(
        meeting=meeting, title="Ordre du jour", file=ContentFile(b"%PDF-1.4 odj", name="odj.pdf")
    )
    url = reverse("meetings:document", args=[document.pk])
    client.force_login(coordinator_a)
    page = _text(client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])))
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 odj"

    client.force_login(ministry)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 odj"
    for outsider in (coordinator_of(table_b), partner_of(OrganisationFactory())):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_meetings_list_names_its_columns_in_french(client, coordinator_a, meeting):
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert ">Rencontre</a>" in page or ">Rencontre<" in page
    assert ">Name<" not in page and ">NAME<" not in page
    assert meeting.name in page
