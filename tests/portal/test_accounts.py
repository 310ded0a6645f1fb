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
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
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


def test_coordinator_invites_a_partner_who_sets_a_password_and_lands_on_the_dashboard(
    client, table_a
):
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
