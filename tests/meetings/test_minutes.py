"""Minutes with decisions and follow-ups: sending them to the members, the follow-ups on Mon
espace (marking one done) and on the next convocation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import convocations
from meetings.models import Decision, FollowUp, Meeting
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    coordinator_of,
    partner_of,
)

MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def afl(table_a):
    afl = OrganisationFactory(name="Action Famille Lavaltrie")
    MembershipFactory(table=table_a, organisation=afl)
    return afl


@pytest.fixture
def meeting(table_a, afl):
    committee = CommitteeFactory(table=table_a, name="Comité de coordination")
    lucie = PersonFactory(
        organisation=afl, first_name="Lucie", last_name="Mucha", email="lm@afl.example"
    )
    MembershipFactory(table=table_a, committee=committee, organisation=afl, person=lucie)
    # A member of the table only: not on the committee, receives nothing.
    MembershipFactory(
        table=table_a, organisation=PersonFactory(email="table@cje.example").organisation
    )
    meeting = Meeting.objects.create(
        table=table_a,
        committee=committee,
        starts_at=datetime(2025, 2, 6, 10, tzinfo=MONTREAL),
        minutes=(
            "Présents : **Lucie Mucha**.\n\n- Tour de table\n- Plan d'action"
            "\n\n<script>alert('x')</script>[lien](javascript:alert(1))"
        ),
    )
    Decision.objects.create(meeting=meeting, order=2, text="Adopter le budget 2025-2026.")
    Decision.objects.create(meeting=meeting, order=1, text="Adopter l'ordre du jour.")
    FollowUp.objects.create(
        meeting=meeting,
        text="Envoyer la liste des bénévoles",
        organisation=afl,
        due_on=date(2025, 3, 1),
    )
    return meeting


def _send_url(meeting):
    return reverse("admin:meetings_meeting_send_minutes", args=[meeting.pk])


def test_the_minutes_reach_the_members_only_with_decisions_and_follow_ups(
    client, meeting, coordinator_a
):
    client.force_login(coordinator_a)
    page = client.get(_send_url(meeting))
    assert "Destinataire : 1 membre" in page.text and "lm@afl.example" in page.text
    assert "table@cje.example" not in page.text

    response = client.post(_send_url(meeting), follow=True)

    assert "Le compte rendu a été envoyé à 1 membres." in response.text
    assert [message.to for message in mail.outbox] == [["lm@afl.example"]]
    message = mail.outbox[0]
    assert message.subject == "Compte rendu : Comité de coordination du 6 février 2025"
    assert "Présents : Lucie Mucha." in message.body and "**" not in message.body
    assert "1. Adopter l'ordre du jour.\n2. Adopter le budget 2025-2026." in message.body
    assert (
        "- Envoyer la liste des bénévoles — responsable : Action Famille Lavaltrie — "
        "échéance : 1er mars 2025"
    ) in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Lucie Mucha</strong>" in html and "<li>Tour de table</li>" in html
    assert "<script" not in html and "javascript:" not in html
    assert "<td>1er mars 2025</td>" in html
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is not None


def test_sending_again_says_so_and_writes_again(client, meeting, coordinator_a):
    client.force_login(coordinator_a)
    client.post(_send_url(meeting))
    page = client.get(_send_url(meeting))
    assert "Ce compte rendu a déjà été envoyé le" in page.text
    assert "Envoyer de nouveau" in page.text
    client.post(_send_url(meeting))
    assert len(mail.outbox) == 2


def test_empty_minutes_are_not_sent(client, meeting, coordinator_a):
    meeting.minutes = "  "
    meeting.save()
    client.force_login(coordinator_a)
    response = client.post(_send_url(meeting), follow=True)
    assert "Le compte rendu est vide" in response.text
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is None


def test_another_table_and_the_ministry_cannot_send_the_minutes(client, meeting, table_b, ministry):
    client.force_login(coordinator_of(table_b, username="coord-b@example.org"))
    assert client.post(_send_url(meeting)).status_code == 404
    client.force_login(ministry)
    assert client.post(_send_url(meeting)).status_code == 403
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is None


def test_the_change_page_offers_the_button_and_the_table_s_organisations_only(
    client, meeting, coordinator_a
):
    OrganisationFactory(name="Organisme d'une autre table")
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert _send_url(meeting) in page.text
    assert "Envoyer le compte rendu" in page.text
    follow_ups = next(
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is FollowUp
    )
    field = follow_ups.formset.form.base_fields["organisation"]
    offered = set(field.queryset)
    assert offered == {
        meeting.table.carrier,
        *(m.organisation for m in meeting.table.memberships.all()),
    }
    assert "Organisme d'une autre table" not in {str(organisation) for organisation in offered}


# --- Mon espace -------------------------------------------------------------------------------


def test_a_partner_sees_its_organisation_s_follow_ups_overdue_marked(client, meeting, afl):
    FollowUp.objects.create(
        meeting=meeting, text="Réserver la salle", organisation=afl, due_on=date(2099, 1, 1)
    )
    FollowUp.objects.create(
        meeting=meeting,
        text="Déjà fait",
        organisation=afl,
        done_at=timezone.now(),
    )
    other = OrganisationFactory(name="Autre organisme")
    FollowUp.objects.create(meeting=meeting, text="Suivi d'un autre", organisation=other)
    client.force_login(partner_of(afl, username="lucie@afl.example"))

    page = client.get(reverse("dashboard")).text

    assert "Suivis des rencontres" in page
    assert page.index("Envoyer la liste des bénévoles") < page.index("Réserver la salle")
    assert "En retard : échéance le 1er mars 2025" in page
    assert "Échéance : 1er janvier 2099" in page
    assert "Déjà fait" not in page and "Suivi d&#x27;un autre" not in page


def test_a_partner_of_another_organisation_sees_nothing_and_cannot_mark_it_done(
    client, meeting, table_b
):
    follow_up = meeting.follow_ups.get()
    stranger = partner_of(OrganisationFactory(name="Autre"), username="autre@example.org")
    client.force_login(stranger)
    assert "Envoyer la liste des bénévoles" not in client.get(reverse("dashboard")).text

    response = client.post(reverse("meetings:followup_done", args=[follow_up.pk]))

    assert response.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
    client.force_login(coordinator_of(table_b, username="coord-b@example.org"))
    assert client.post(reverse("meetings:followup_done", args=[follow_up.pk])).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_the_assignee_marks_it_done_and_it_leaves_mon_espace(client, meeting, afl):
    follow_up = meeting.follow_ups.get()
    client.force_login(partner_of(afl, username="lucie@afl.example"))

    response = client.post(reverse("meetings:followup_done", args=[follow_up.pk]), follow=True)

    assert "Suivi marqué comme fait : Envoyer la liste des bénévoles" in response.text
    assert "Aucun suivi en cours." in response.text
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    done_at = follow_up.done_at
    again = client.post(reverse("meetings:followup_done", args=[follow_up.pk]), follow=True)
    assert "Ce suivi était déjà marqué comme fait." in again.text
    follow_up.refresh_from_db()
    assert follow_up.done_at == done_at


def test_the_coordinator_sees_the_tables_follow_ups_overdue_first(
    client, meeting, afl, coordinator_a
):
    FollowUp.objects.create(meeting=meeting, text="Sans échéance", organisation=afl)
    FollowUp.objects.create(
        meeting=meeting,
        text="Bientôt",
        organisation=afl,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(coordinator_a)
    page = client.get(reverse("dashboard")).text
    order = [page.index(text) for text in ("Envoyer la liste", "Bientôt", "Sans échéance")]
    assert order == sorted(order)
    assert "Action Famille Lavaltrie · Comité de coordination (Table A)" in page

    follow_up = meeting.follow_ups.get(text="Bientôt")
    client.post(reverse("meetings:followup_done", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None


# --- the next meeting -------------------------------------------------------------------------


def test_the_next_convocation_and_its_answer_page_list_the_open_follow_ups(meeting, afl, client):
    FollowUp.objects.create(
        meeting=meeting, text="Suivi terminé", organisation=afl, done_at=timezone.now()
    )
    other_committee = Meeting.objects.create(
        table=meeting.table, starts_at=datetime(2025, 1, 6, 10, tzinfo=MONTREAL)
    )
    FollowUp.objects.create(meeting=other_committee, text="Suivi de la table", organisation=afl)
    following = Meeting.objects.create(
        table=meeting.table,
        committee=meeting.committee,
        starts_at=timezone.now() + timedelta(days=30),
    )

    convocations.convene(following)

    (message,) = mail.outbox
    assert "Suivis en cours" in message.body
    assert (
        "- Envoyer la liste des bénévoles — responsable : Action Famille Lavaltrie" in message.body
    )
    assert "Suivi terminé" not in message.body and "Suivi de la table" not in message.body
    link = next(line for line in message.body.splitlines() if "/reponse/" in line).strip()
    page = client.get(link.removeprefix(settings.SITE_URL))
    assert "Suivis en cours" in page.text and "Envoyer la liste des bénévoles" in page.text
    assert "en retard, échéance le 1er mars 2025" in page.text


def _add_follow_ups(meeting, organisation, count, start):
    FollowUp.objects.bulk_create(
        FollowUp(
            meeting=meeting,
            text=f"Suivi {start + n}",
            organisation=organisation,
            due_on=date(2025, 1, 1) + timedelta(days=start + n),
        )
        for n in range(count)
    )


def test_mon_espace_follow_ups_keep_a_flat_query_count(
    client, meeting, afl, coordinator_a, django_assert_max_num_queries
):
    partner = partner_of(afl, username="lucie@afl.example")
    later = Meeting.objects.create(
        table=meeting.table, starts_at=datetime(2025, 3, 6, 10, tzinfo=MONTREAL)
    )
    _add_follow_ups(later, afl, 4, 0)
    budgets = {}
    for user in (partner, coordinator_a):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("dashboard")).text
        assert "Suivi 3" in page
        budgets[user] = len(queries)

    _add_follow_ups(meeting, afl, 45, 4)
    _add_follow_ups(later, afl, 1, 49)

    for user in (partner, coordinator_a):
        client.force_login(user)
        with django_assert_max_num_queries(budgets[user]):
            page = client.get(reverse("dashboard")).text
        assert "Suivi 49" in page and page.count("Marquer comme fait") == 51
