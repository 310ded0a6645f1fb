"""Accounts: e-mail login, closed sign-up, invitations, rate limits, two-factor for staff."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from partners import roles
from partners.models import Invitation
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    coordinator_of,
)

pytestmark = pytest.mark.django_db
LOGIN_URL = "/fr/comptes/login/"


def verified_user(email, **kwargs):
    user = UserFactory(username=email, email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_login_by_email_lands_on_the_dashboard(client):
    verified_user("partenaire@example.org")
    response = client.post(
        LOGIN_URL, {"login": "partenaire@example.org", "password": "secret-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_an_unverified_address_cannot_log_in(client):
    user = UserFactory(username="nouveau@example.org", email="nouveau@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(LOGIN_URL, {"login": user.email, "password": "secret-password"})
    assert "/comptes/confirm-email/" in response["Location"]
    assert mail.outbox[-1].subject == "[Tables immigration] Confirmez votre adresse e-mail"


def test_sign_up_is_closed(client):
    page = client.get("/fr/comptes/signup/").content.decode()
    assert "les inscriptions sont actuellement fermées" in page


def test_login_failures_are_rate_limited(client):
    verified_user("cible@example.org")
    for _ in range(5):
        client.post(LOGIN_URL, {"login": "cible@example.org", "password": "mauvais"})
    response = client.post(LOGIN_URL, {"login": "cible@example.org", "password": "secret-password"})
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_password_reset_mail_is_in_french(client):
    verified_user("oubli@example.org")
    client.post("/fr/comptes/password/reset/", {"email": "oubli@example.org"})
    assert "mot de passe" in mail.outbox[-1].body.lower()


def test_coordinator_invites_a_partner_who_sets_a_password_then_logs_in(client, table_a):
    coordinator = coordinator_of(table_a, username="coord@example.org")
    organisation = OrganisationFactory(name="Carrefour jeunesse-emploi")
    MembershipFactory(table=table_a, organisation=organisation)
    client.force_login(coordinator)
    response = client.post(
        reverse("invite"),
        {
            "email": "Nouvelle@Example.org",
            "organisation": organisation.pk,
            "role": "partner",
            "table": table_a.pk,
            "title": "Intervenante",
        },
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["nouvelle@example.org"]
    assert "Carrefour jeunesse-emploi" in message.body
    link = re.search(r"http://\S+/fr/invitation/\S+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    client.logout()
    assert "Choisir votre mot de passe" in client.get(path).content.decode()
    response = client.post(
        path,
        {"new_password1": "Tables-Immigration-2025", "new_password2": "Tables-Immigration-2025"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert "Votre mot de passe est enregistré. Connectez-vous" in response.content.decode()
    assert "_auth_user_id" not in client.session  # the link logs nobody in
    response = client.post(
        LOGIN_URL, {"login": "nouvelle@example.org", "password": "Tables-Immigration-2025"}
    )
    assert response["Location"] == reverse("dashboard")
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None and invitation.invited_by == coordinator
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified
    assert roles.organisation_id(invitation.user) == organisation.pk
    client.logout()
    assert client.get(path).status_code == 400  # a link serves once


def test_only_coordinators_invite(client):
    client.force_login(UserFactory())
    response = client.get(reverse("invite"))
    assert response.status_code == 403
    assert "Seule la coordination d&#x27;une table peut inviter." in response.content.decode()


def test_invite_command_prints_the_link_and_sets_the_role(capsys, table_a):
    organisation = OrganisationFactory(slug="mrc-a")
    call_command(
        "invite",
        "coord@example.org",
        "--organisation",
        "mrc-a",
        "--role",
        "coordinator",
        "--table",
        table_a.slug,
    )
    assert "/fr/invitation/" in capsys.readouterr().out
    user = Invitation.objects.get().user
    assert user.is_staff and roles.coordinated_table_ids(user) == {table_a.pk}
    town = OrganisationFactory(
        slug="ville", kind="municipality", municipality=MunicipalityFactory(name="Lemieux")
    )
    call_command(
        "invite", "ville@example.org", "--organisation", town.slug, "--role", "municipality"
    )
    assert (
        town.municipality.__class__.objects.get(name="Lemieux").contact.user.email
        == "ville@example.org"
    )
    with pytest.raises(CommandError, match="doit être rattachée à une table"):
        call_command(
            "invite", "x@example.org", "--organisation", organisation.slug, "--role", "coordinator"
        )
    with pytest.raises(CommandError, match="Aucune organisation « inconnue »"):
        call_command("invite", "x@example.org", "--organisation", "inconnue", "--role", "partner")


def link_path(message):
    link = re.search(r"http://\S+/fr/invitation/\S+/", message.body).group(0)
    return link.split("127.0.0.1:8000", 1)[1]


@pytest.fixture
def takeover(client, table_a, table_b, measure_a):
    """Coordinator A invites a partner of table B's organisation, who already has an account."""
    coordinator = coordinator_of(table_a, username="coord@example.org")
    organisation_a = OrganisationFactory(name="Carrefour jeunesse-emploi")
    MembershipFactory(table=table_a, organisation=organisation_a)
    organisation_b = OrganisationFactory(name="Accueil de la table B")
    MembershipFactory(table=table_b, organisation=organisation_b)
    partner = verified_user("partenaire-b@example.org")
    PersonFactory(organisation=organisation_b, user=partner, title="Agente")
    draft = ActivityFactory(
        measure=measure_a, organisation=organisation_a, status="draft", title="Brouillon A"
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("invite"),
        {
            "email": "Partenaire-B@example.org",
            "organisation": organisation_a.pk,
            "role": "partner",
            "table": table_a.pk,
            "title": "Intervenante",
        },
    )
    assert response.status_code == 302
    client.logout()
    return {
        "partner": partner,
        "organisation_a": organisation_a,
        "organisation_b": organisation_b,
        "draft": draft,
        "path": link_path(mail.outbox[-1]),
    }


def fresh(user):
    user.refresh_from_db()
    roles.forget_roles(user)
    return user


def test_inviting_an_existing_account_moves_nothing_until_they_accept(client, takeover):
    partner = fresh(takeover["partner"])
    assert roles.organisation_id(partner) == takeover["organisation_b"].pk
    assert partner.person.title == "Agente"
    invitation = Invitation.objects.get()
    assert invitation.user == partner and invitation.accepted_at is None
    client.force_login(partner)
    draft_page = reverse("activities:detail", args=[takeover["draft"].pk])
    assert client.get(draft_page).status_code == 404

    page = client.get(takeover["path"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Carrefour jeunesse-emploi" in text and "Table A" in text and "Partenaire" in text
    assert "vous quitterez « Accueil de la table B »" in text
    assert "Accepter" in text and "Refuser" in text and "csrfmiddlewaretoken" in text
    assert fresh(partner).person.organisation == takeover["organisation_b"]

    response = client.post(takeover["path"], {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    partner = fresh(partner)
    assert partner.person.organisation == takeover["organisation_a"]
    assert partner.person.title == "Intervenante"
    assert Invitation.objects.get().accepted_at is not None
    assert client.get(draft_page).status_code == 200
    assert client.post(takeover["path"], {"answer": "accept"}).status_code == 400  # once


def test_the_invitation_mail_to_an_existing_account_says_what_it_is_in_french(takeover):
    message = mail.outbox[-1]
    assert message.to == ["partenaire-b@example.org"]
    assert message.subject == "Invitation à rejoindre la table « Table A »"
    assert (
        "Vous êtes invité·e à rejoindre la table « Table A » en tant que « Partenaire » "
        "pour l'organisation « Carrefour jeunesse-emploi »."
    ) in " ".join(message.body.split())
    assert "Rien ne change tant que vous n'avez pas accepté" in message.body
    assert "mot de passe" not in message.body.lower()


def test_refusing_an_invitation_changes_nothing(client, takeover):
    partner = takeover["partner"]
    client.force_login(partner)
    response = client.post(takeover["path"], {"answer": "decline"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.declined_at is not None and invitation.accepted_at is None
    assert fresh(partner).person.organisation == takeover["organisation_b"]
    assert client.get(takeover["path"]).status_code == 400
    assert client.post(takeover["path"], {"answer": "accept"}).status_code == 400
    assert fresh(partner).person.organisation == takeover["organisation_b"]


def test_a_stranger_with_the_link_is_refused(client, takeover):
    assert client.get(takeover["path"])["Location"].startswith(LOGIN_URL)
    stranger = verified_user("curieux@example.org")
    client.force_login(stranger)
    page = client.get(takeover["path"])
    assert page.status_code == 403
    assert "Cette invitation a été envoyée à un autre compte" in page.content.decode()
    assert client.post(takeover["path"], {"answer": "accept"}).status_code == 403
    assert Invitation.objects.get().accepted_at is None
    assert not hasattr(fresh(stranger), "person")
    assert fresh(takeover["partner"]).person.organisation == takeover["organisation_b"]


def test_a_tampered_or_expired_link_is_refused(client, takeover, settings):
    client.force_login(takeover["partner"])
    token = takeover["path"].rstrip("/").rsplit("/", 1)[1]
    other_pk = str(int(token.split(":", 1)[0]) + 1)
    tampered = takeover["path"].replace(token, other_pk + token[token.index(":") :])
    page = client.post(tampered, {"answer": "accept"})
    assert page.status_code == 404
    assert "Lien d'invitation invalide" in page.content.decode()
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.post(takeover["path"], {"answer": "accept"})
    assert page.status_code == 400
    assert "Ce lien d&#x27;invitation a expiré" in page.content.decode()
    assert fresh(takeover["partner"]).person.organisation == takeover["organisation_b"]


def test_the_answer_page_speaks_english_too(client, takeover):
    client.force_login(takeover["partner"])
    page = client.get(takeover["path"].replace("/fr/", "/en/", 1)).content.decode()
    assert "Accept" in page and "Decline" in page and "you will leave" in page


def test_invite_command_asks_an_existing_account_to_accept(capsys, table_a):
    organisation = OrganisationFactory(slug="cje")
    partner = verified_user("deja@example.org")
    call_command("invite", "deja@example.org", "--organisation", "cje", "--role", "partner")
    assert "/fr/invitation/rejoindre/" in capsys.readouterr().out
    assert not hasattr(fresh(partner), "person")
    assert Invitation.objects.get().accepted_at is None
    assert organisation.pk != roles.organisation_id(partner)


@pytest.fixture
def require_mfa(settings):
    settings.REQUIRE_STAFF_MFA = True


def test_coordinators_must_set_up_totp_before_the_admin(client, table_a, require_mfa):
    coordinator = coordinator_of(table_a, username="coord@example.org")
    client.force_login(coordinator)
    response = client.get("/fr/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(coordinator, generate_totp_secret())
    client.force_login(coordinator)
    assert client.get("/fr/admin/").status_code == 200


def test_partners_are_not_asked_for_totp(client, require_mfa):
    partner = UserFactory()
    client.force_login(partner)
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("environment", "expected"), [({}, "True"), ({"PORTAL_DEMO": "1"}, "False")]
)
def test_only_the_demo_relaxes_the_rule(environment, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"PORTAL_DEMO", "REQUIRE_STAFF_MFA"}}
    code = "import portal.settings as s; print(s.REQUIRE_STAFF_MFA)"
    output = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    assert output.stdout.strip() == expected


def test_only_the_invited_account_may_answer_by_the_rule_book(takeover, table_a):
    invitation = Invitation.objects.get()
    assert takeover["partner"].has_perm("partners.answer_invitation", invitation)
    assert not takeover["partner"].has_perm("partners.answer_invitation")
    assert not invitation.invited_by.has_perm("partners.answer_invitation", invitation)
    assert not UserFactory().has_perm("partners.answer_invitation", invitation)


def test_choosing_a_password_does_not_accept_an_invitation_awaiting_an_answer(client, table_a):
    first = OrganisationFactory(slug="premier")
    second = OrganisationFactory(slug="second")
    call_command("invite", "neuf@example.org", "--organisation", "premier", "--role", "partner")
    call_command("invite", "neuf@example.org", "--organisation", "second", "--role", "partner")
    waiting = Invitation.objects.get(organisation=second)
    assert waiting.needs_answer and waiting.awaits_answer
    path = link_path(mail.outbox[0])
    client.post(
        path,
        {"new_password1": "Tables-Immigration-2025", "new_password2": "Tables-Immigration-2025"},
    )
    assert Invitation.objects.get(organisation=first).accepted_at is not None
    waiting.refresh_from_db()
    assert waiting.awaits_answer
    assert roles.organisation_id(fresh(waiting.user)) == first.pk
