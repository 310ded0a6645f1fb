"""Subscribing from the table's page (double opt-in), from the members, and by a CSV import."""

import html
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mailing import services
from mailing.models import Message, Subscriber
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory

S = Subscriber.Status


def _text(response):
    return html.unescape(response.content.decode())


def _request(client, table, email="nouvelle@example.org", consent="on"):
    data = {"name": "Nadia Nouvelle", "email": email}
    if consent:
        data["consent"] = consent
    return client.post(reverse("mailing:subscribe", args=[table.slug]), data)


def _confirm_path(message):
    url = next(line for line in message.body.splitlines() if "/confirmation/" in line).strip()
    return url[url.index("/fr/") :]


def test_the_table_page_offers_the_form_with_the_consent_wording(client, table_a):
    page = _text(client.get(reverse("tables:table_detail", args=[table_a.slug])))
    assert "Liste d'envoi" in page
    assert "J'accepte de recevoir par courriel les nouvelles et invitations de la table." in page
    assert f'action="/fr/listes/{table_a.slug}/inscription/"' in page


def test_double_opt_in_pending_until_the_link_is_followed_once(client, table_a, subscribe):
    response = _request(client, table_a)
    assert "un courriel de confirmation vient d'y être envoyé" in _text(response)
    subscriber = Subscriber.objects.get(email="nouvelle@example.org")
    assert (subscriber.status, subscriber.source) == (S.PENDING, "website")
    assert "case de consentement cochée : « J'accepte de recevoir" in subscriber.consent_evidence
    (confirmation,) = mail.outbox
    assert confirmation.to == ["nouvelle@example.org"]
    assert "Confirmez votre inscription à la liste d'envoi de Table A" == confirmation.subject

    # Pending: the list's messages do not reach it.
    subscribe(table_a, "deja@example.org")
    services.message_queue(
        message=Message.objects.create(table=table_a, subject="Nouvelles", body="Texte"), by=None
    )
    assert [m.to for m in mail.outbox[1:]] == [["deja@example.org"]]

    path = _confirm_path(confirmation)
    assert "Confirmer mon inscription" in _text(client.get(path))
    assert Subscriber.objects.get(pk=subscriber.pk).status == S.PENDING  # a GET confirms nothing
    done = client.post(path)
    assert "C'est fait : nouvelle@example.org est inscrite" in _text(done)
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUBSCRIBED and subscriber.confirmed_at is not None

    again = client.post(path)
    assert again.status_code == 410
    assert "Ce lien a déjà servi" in _text(again)


def test_a_tampered_confirmation_link_is_refused_and_changes_nothing(client, table_a):
    _request(client, table_a)
    path = _confirm_path(mail.outbox[0])
    response = client.post(path[:-3] + "xx/")
    assert response.status_code == 404
    assert Subscriber.objects.get().status == S.PENDING


def test_an_old_confirmation_link_has_expired(client, table_a):
    _request(client, table_a)
    path = _confirm_path(mail.outbox[0])
    later = timezone.now() + timedelta(days=8)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(path)
    assert response.status_code == 410
    assert Subscriber.objects.get().status == S.PENDING


def test_the_answer_never_reveals_a_subscription_and_repeats_send_nothing(
    client, table_a, subscribe
):
    subscribe(table_a, "abonnee@example.org")
    known = _text(_request(client, table_a, "Abonnee@Example.org"))
    unknown = _text(_request(client, table_a, "inconnue@example.org"))
    message = "Merci. Si cette adresse peut être inscrite"
    assert message in known and message in unknown
    assert [m.to for m in mail.outbox] == [["inconnue@example.org"]]
    assert Subscriber.objects.get(email="abonnee@example.org").status == S.SUBSCRIBED

    _request(client, table_a, "inconnue@example.org")  # asked again at once: no second e-mail
    assert len(mail.outbox) == 1
    assert Subscriber.objects.filter(email__iexact="inconnue@example.org").count() == 1


def test_the_form_requires_the_consent_box(client, table_a):
    response = _request(client, table_a, consent=None)
    assert response.status_code == 400
    assert "Cochez la case pour donner votre consentement." in _text(response)
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_adding_the_members_records_implied_consent_and_keeps_unsubscribed_ones(
    client, table_a, coordinator_a, subscribe
):
    cje = OrganisationFactory(name="CJE")
    PersonFactory(organisation=cje, first_name="Lucie", last_name="Roy", email="lr@cje.example")
    PersonFactory(organisation=cje, first_name="Sans", last_name="Adresse", email="")
    PersonFactory(organisation=cje, email="parti@cje.example")
    MembershipFactory(table=table_a, organisation=cje)
    PersonFactory(email="ailleurs@autre.example")  # not a member
    subscribe(table_a, "parti@cje.example", S.UNSUBSCRIBED)
    client.force_login(coordinator_a)
    url = reverse("admin:mailing_subscriber_add_members")

    preview = _text(client.get(url, {"table": table_a.pk}))
    assert "lr@cje.example" in preview and "parti@cje.example" not in preview
    client.post(url, {"table": table_a.pk, "confirm": "1"})

    lucie = Subscriber.objects.get(email="lr@cje.example")
    assert (lucie.status, lucie.source, lucie.organisation) == (S.SUBSCRIBED, "member", cje)
    assert "Consentement tacite (LCAP)" in lucie.consent_evidence
    assert "« CJE », organisation membre de la table" in lucie.consent_evidence
    assert Subscriber.objects.get(email="parti@cje.example").status == S.UNSUBSCRIBED
    assert not Subscriber.objects.filter(email="ailleurs@autre.example").exists()


def _upload(client, table, content, name="liste.csv"):
    return client.post(
        reverse("admin:mailing_subscriber_import"),
        {"table": table.pk, "file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )


def test_a_csv_with_malformed_addresses_is_refused_with_its_rows_and_imports_nothing(
    client, table_a, coordinator_a
):
    client.force_login(coordinator_a)
    response = _upload(
        client,
        table_a,
        "Courriel;Nom\nbonne@example.org;Bonne\nmarie@;Marie\n;Sans adresse\n"
        "bonne@example.org;Encore\n",
    )
    text = _text(response)
    assert response.status_code == 400
    assert "2 lignes ont une adresse invalide" in text
    assert "Ligne 3 : adresse invalide : « marie@ »" in text
    assert "Ligne 4 : adresse manquante" in text
    assert "en double : déjà à la ligne 2" in text
    assert 'name="confirm"' not in text
    assert not Subscriber.objects.exists()


def test_a_csv_without_an_address_column_is_refused(client, table_a, coordinator_a):
    client.force_login(coordinator_a)
    text = _text(_upload(client, table_a, "nom,organisation\nMarie,CJE\n"))
    assert "Le fichier n'a pas de colonne « courriel »" in text
    assert not Subscriber.objects.exists()


def test_a_good_csv_imports_after_the_preview_with_the_consent_recorded(
    client, table_a, coordinator_a, subscribe
):
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    MembershipFactory(table=table_a, organisation=cje)
    subscribe(table_a, "partie@example.org", S.UNSUBSCRIBED)
    client.force_login(coordinator_a)
    preview = _upload(
        client,
        table_a,
        "Prénom,Nom,Courriel,Organisme\nMarie,Tremblay,mt@cje.example,CJE\n"
        "Paul,Roy,PARTIE@example.org,\n",
        name="liste-2024.csv",
    )
    text = _text(preview)
    assert "1 nouvelles adresses sur 2 lignes" in text
    assert "s'est désabonnée : n'est pas réinscrite" in text
    assert not Subscriber.objects.filter(email="mt@cje.example").exists()  # a preview only

    page = preview.content.decode()
    content = html.unescape(page.split('name="content" value="', 1)[1].split('"', 1)[0])
    confirm = {
        "table": table_a.pk,
        "content": content,
        "filename": "liste-2024.csv",
        "confirm": "1",
    }
    refused = client.post(reverse("admin:mailing_subscriber_import"), confirm)
    assert "Cochez la case : sans consentement, pas d'envoi." in _text(refused)
    assert not Subscriber.objects.filter(email="mt@cje.example").exists()

    client.post(reverse("admin:mailing_subscriber_import"), {**confirm, "consent": "on"})

    marie = Subscriber.objects.get(email="mt@cje.example")
    assert (marie.name, marie.organisation, marie.status, marie.source) == (
        "Marie Tremblay",
        cje,
        S.SUBSCRIBED,
        "import",
    )
    assert "depuis le fichier « liste-2024.csv », ligne 2" in marie.consent_evidence
    assert "coord-a@example.org" in marie.consent_evidence
    assert "La coordination a confirmé détenir le consentement" in marie.consent_evidence
    assert Subscriber.objects.get(email="partie@example.org").status == S.UNSUBSCRIBED
