"""Hostile inputs on accounts: forged, expired and borrowed invitation links, invitations aimed
at the back office's accounts, a coordinator reaching for a table's territory, and the
Content-Security-Policy on every kind of page. Each case asserts what the person sees and that
nothing changed (no password, no session, no row)."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partners.models import Invitation, Person
from partners.services import invitation_answer_token, invitation_create
from tests.factories import (
    MembershipFactory,
    MrcFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    UserFactory,
    coordinator_of,
    measure_in,
    ministry_user,
)

pytestmark = pytest.mark.django_db
LOGIN_URL = "/fr/comptes/login/"
PASSWORD = "Tables-Immigration-2025"
INVALID_LINK = "Lien d'invitation invalide"  # the page's heading


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def totp_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def link_path(link):
    return link.split("127.0.0.1:8000", 1)[1]


@pytest.fixture
def world(table_a, table_b):
    """Table A's coordinator, one of its organisations, and accounts of every kind."""
    organisation = OrganisationFactory(name="Carrefour jeunesse-emploi")
    MembershipFactory(table=table_a, organisation=organisation)
    return {
        "table": table_a,
        "organisation": organisation,
        "coordinator": coordinator_of(table_a, username="coord-a@example.org"),
        "superuser": verified(
            UserFactory(username="admin@example.org", is_staff=True, is_superuser=True)
        ),
        "other_coordinator": verified(coordinator_of(table_b, username="coord-b@example.org")),
        "ministry": verified(ministry_user(username="ministere@example.org")),
        "staff": verified(UserFactory(username="equipe@example.org", is_staff=True)),
        "partner": verified(UserFactory(username="partenaire@example.org")),
    }


@pytest.fixture
def new_account(world):
    """A new address invited by table A's coordinator: its account and its password link."""
    invitation, link = invitation_create(
        email="nouvelle@example.org",
        organisation=world["organisation"],
        role=Invitation.Role.PARTNER,
        table=world["table"],
        invited_by=world["coordinator"],
    )
    return invitation.user, link_path(link)


def password_link(user, token=None):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = token or default_token_generator.make_token(user)
    return reverse("accept_invitation", kwargs={"uidb64": uid, "token": token})


# --- the password link of a new account --------------------------------------------------------


def _tampered_token(user, path):
    return path.rsplit("/", 2)[0] + "/" + "x" * 10 + "-" + "0" * 32 + "/"


def _other_uid(user, path):
    other = UserFactory(username="autre@example.org")
    return path.replace(
        urlsafe_base64_encode(force_bytes(user.pk)), urlsafe_base64_encode(force_bytes(other.pk))
    )


def _uid_not_a_number(user, path):
    return path.replace(urlsafe_base64_encode(force_bytes(user.pk)), urlsafe_base64_encode(b"abc"))


def _uid_not_base64(user, path):
    return path.replace(urlsafe_base64_encode(force_bytes(user.pk)), "%%%")


def _uid_huge(user, path):
    return path.replace(
        urlsafe_base64_encode(force_bytes(user.pk)), urlsafe_base64_encode(b"9" * 40)
    )


def _truncated_token(user, path):
    return path[:-6] + "/"


TAMPERED_LINKS = {
    "token replaced": _tampered_token,
    "another account's uid": _other_uid,
    "uid not a number": _uid_not_a_number,
    "uid not base64": _uid_not_base64,
    "uid out of range": _uid_huge,
    "token truncated": _truncated_token,
}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("tamper", TAMPERED_LINKS.values(), ids=TAMPERED_LINKS.keys())
def test_a_tampered_password_link_sets_nothing(client, new_account, tamper, method):
    user, path = new_account
    bad = tamper(user, path)
    if method == "GET":
        response = client.get(bad)
    else:
        response = client.post(bad, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert INVALID_LINK in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert logged_in_user_id(client) is None


def test_an_expired_password_link_sets_nothing(client, new_account, settings):
    user, path = new_account
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 400 and INVALID_LINK in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password() and logged_in_user_id(client) is None


def test_a_password_link_serves_once(client, new_account):
    user, path = new_account
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    response = client.post(
        path, {"new_password1": "Autre-Mot-2025!", "new_password2": "Autre-Mot-2025!"}
    )
    assert response.status_code == 400 and INVALID_LINK in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("who", ["superuser", "ministry", "partner"])
def test_a_valid_token_of_an_existing_account_cannot_set_its_password(client, world, who):
    """A token Django would accept (say, leaked from another reset flow) for an account that
    already has a password: the invitation page is not a password reset."""
    account = world[who]
    response = client.post(
        password_link(account), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 400 and INVALID_LINK in response.content.decode()
    account.refresh_from_db()
    assert account.check_password("secret-password") and logged_in_user_id(client) is None


def test_a_password_link_of_a_deactivated_account_sets_nothing(client, new_account):
    user, path = new_account
    user.is_active = False
    user.save()
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_setting_the_password_opens_no_session_and_the_login_is_the_normal_one(client, new_account):
    user, path = new_account
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("account_login")
    assert logged_in_user_id(client) is None
    assert client.get(reverse("dashboard"))["Location"].startswith(LOGIN_URL)


def test_setting_the_password_ends_another_accounts_session_in_that_browser(
    client, new_account, world
):
    user, path = new_account
    client.force_login(world["partner"])
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert logged_in_user_id(client) is None


def test_a_new_account_with_totp_is_asked_for_its_code_after_choosing_its_password(
    client, new_account
):
    user, path = new_account
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    response = client.post(LOGIN_URL, {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard"))["Location"].startswith(LOGIN_URL)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("dashboard")
    assert logged_in_user_id(client) == str(user.pk)


# --- the answer link of an existing account ----------------------------------------------------


@pytest.fixture
def existing_with_totp(client, world):
    """Table A's coordinator invites a partner who already has an account and a TOTP."""
    partner = world["partner"]
    PersonFactory(organisation=OrganisationFactory(name="Ancien organisme"), user=partner)
    secret = generate_totp_secret()
    TOTP.activate(partner, secret)
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("invite"),
        {
            "email": partner.email,
            "organisation": world["organisation"].pk,
            "role": "partner",
            "table": world["table"].pk,
            "title": "",
        },
    )
    assert response.status_code == 302
    client.logout()
    path = re.search(r"/fr/invitation/rejoindre/\S+/", mail.outbox[-1].body).group(0)
    return partner, secret, path


def test_an_invitation_to_an_account_with_totp_asks_for_the_code_before_any_page(
    client, existing_with_totp
):
    partner, secret, path = existing_with_totp
    response = client.get(path)
    assert response["Location"].startswith(LOGIN_URL) and logged_in_user_id(client) is None
    login = response["Location"]
    response = client.post(login, {"login": partner.email, "password": "secret-password"})
    assert response["Location"] == reverse("mfa_authenticate")  # allauth's second-factor stage
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert 'name="code"' in page
    for before_the_code in (path, reverse("dashboard"), "/fr/activites/"):
        assert client.get(before_the_code)["Location"].startswith(LOGIN_URL)
    assert client.post(path, {"answer": "accept"})["Location"].startswith(LOGIN_URL)
    assert Person.objects.get(user=partner).organisation.name == "Ancien organisme"

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == path
    assert "Carrefour jeunesse-emploi" in client.get(path).content.decode()


def test_a_wrong_code_keeps_the_invited_account_out(client, existing_with_totp):
    partner, secret, path = existing_with_totp
    client.post(f"{LOGIN_URL}?next={path}", {"login": partner.email, "password": "secret-password"})
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    page = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert page.status_code == 200 and logged_in_user_id(client) is None
    assert client.post(path, {"answer": "accept"})["Location"].startswith(LOGIN_URL)
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_an_anonymous_answer_changes_nothing(client, existing_with_totp, answer):
    partner, secret, path = existing_with_totp
    response = client.post(path, {"answer": answer})
    assert response["Location"].startswith(LOGIN_URL)
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None and invitation.declined_at is None
    assert logged_in_user_id(client) is None


def _answer_tampered(invitation):
    token = invitation_answer_token(invitation)
    return token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")


def _answer_other_pk(invitation):
    token = invitation_answer_token(invitation)
    return str(invitation.pk + 100) + token[token.index(":") :]


def _answer_unsigned(invitation):
    return str(invitation.pk)


ANSWER_TAMPERING = {
    "signature altered": _answer_tampered,
    "another invitation's number": _answer_other_pk,
    "no signature": _answer_unsigned,
}


@pytest.mark.parametrize("tamper", ANSWER_TAMPERING.values(), ids=ANSWER_TAMPERING.keys())
def test_a_tampered_answer_link_is_refused(client, existing_with_totp, tamper):
    partner, secret, path = existing_with_totp
    client.force_login(partner)
    token = tamper(Invitation.objects.get())
    page = client.post(reverse("answer_invitation", kwargs={"token": token}), {"answer": "accept"})
    assert page.status_code == 404
    assert "Ce lien ne correspond à aucune invitation." in page.content.decode()
    assert Invitation.objects.get().accepted_at is None
    assert Person.objects.get(user=partner).organisation.name == "Ancien organisme"


def test_an_expired_answer_link_is_refused(client, existing_with_totp, settings):
    partner, secret, path = existing_with_totp
    client.force_login(partner)
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.post(path, {"answer": "accept"})
    assert page.status_code == 400 and "Ce lien d&#x27;invitation a expiré" in page.content.decode()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "superuser"])
def test_another_account_cannot_answer(client, existing_with_totp, world, who):
    partner, secret, path = existing_with_totp
    client.force_login(world[who])
    page = client.post(path, {"answer": "accept"})
    assert page.status_code == 403
    assert "Cette invitation a été envoyée à un autre compte" in page.content.decode()
    assert Invitation.objects.get().accepted_at is None
    assert not Person.objects.filter(user=world[who]).exists()
    assert Person.objects.get(user=partner).organisation.name == "Ancien organisme"


# --- invitations aimed at the back office --------------------------------------------------------


BACK_OFFICE = ["superuser", "other_coordinator", "ministry", "staff"]


@pytest.mark.parametrize("who", BACK_OFFICE)
def test_a_coordinator_cannot_invite_a_back_office_account(client, world, who):
    account = world[who]
    client.force_login(world["coordinator"])
    sent = len(mail.outbox)
    page = client.post(
        reverse("invite"),
        {
            "email": account.email.upper(),
            "organisation": world["organisation"].pk,
            "role": "partner",
            "table": world["table"].pk,
            "title": "",
        },
    )
    assert page.status_code == 200
    assert "seul un administrateur peut l&#x27;inviter" in page.content.decode()
    assert not Invitation.objects.exists() and len(mail.outbox) == sent
    assert not Person.objects.filter(user=account).exists()


@pytest.mark.parametrize("who", BACK_OFFICE)
def test_a_superuser_may_invite_a_back_office_account_who_must_still_answer(client, world, who):
    account = world[who]
    client.force_login(world["superuser"])
    response = client.post(
        reverse("invite"),
        {
            "email": account.email,
            "organisation": world["organisation"].pk,
            "role": "partner",
            "table": world["table"].pk,
            "title": "",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.needs_answer and invitation.accepted_at is None
    assert "mot de passe" not in mail.outbox[-1].body.lower()
    assert not Person.objects.filter(user=account).exists()


def test_a_new_address_is_still_invited_by_a_coordinator(client, world):
    client.force_login(world["coordinator"])
    client.post(
        reverse("invite"),
        {
            "email": "quelquun@example.org",
            "organisation": world["organisation"].pk,
            "role": "partner",
            "table": world["table"].pk,
            "title": "",
        },
    )
    invitation = Invitation.objects.get()
    assert not invitation.needs_answer
    assert not get_user_model().objects.get(email="quelquun@example.org").has_usable_password()


# --- a table's territory, carrier and coordination ----------------------------------------------


def table_post(client, table, **changes):
    """The change form of ``table`` as the page shows it, with ``changes``."""
    page = client.get(reverse("admin:partners_table_change", args=[table.pk]))
    data = {
        "name": table.name,
        "slug": table.slug,
        "description": table.description,
        "website": table.website,
        "meeting_cadence": table.meeting_cadence,
        "reminder_days": table.reminder_days,
    }
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            value = formset.management_form.initial.get(name, field.initial)
            data[f"{formset.prefix}-{name}"] = "" if value is None else value
        data[f"{formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{formset.prefix}-INITIAL_FORMS"] = "0"
    data.update(changes)
    return client.post(reverse("admin:partners_table_change", args=[table.pk]), data)


@pytest.fixture
def other_mrc_and_carrier(db):
    return MrcFactory(name="MRC voisine"), OrganisationFactory(name="Autre porteur")


SCOPE_CHANGES = {
    "another MRC added": lambda table, mrc, carrier, user: {
        "mrcs": [str(table.mrcs.get().pk), str(mrc.pk)]
    },
    "MRC replaced": lambda table, mrc, carrier, user: {"mrcs": [str(mrc.pk)]},
    "every MRC removed": lambda table, mrc, carrier, user: {"mrcs": [""]},
    "carrier replaced": lambda table, mrc, carrier, user: {"carrier": str(carrier.pk)},
    "coordinator added": lambda table, mrc, carrier, user: {
        "coordinators": [str(pk) for pk in table.coordinators.values_list("pk", flat=True)]
        + [str(user.pk)]
    },
}


@pytest.mark.parametrize("change", SCOPE_CHANGES.values(), ids=SCOPE_CHANGES.keys())
def test_a_coordinator_cannot_change_the_tables_scope(client, world, other_mrc_and_carrier, change):
    table = world["table"]
    mrc, carrier = other_mrc_and_carrier
    before = (set(table.mrcs.all()), table.carrier_id, set(table.coordinators.all()))
    client.force_login(world["coordinator"])
    response = table_post(
        client,
        table,
        description="Nouvelle description",
        **change(table, mrc, carrier, world["partner"]),
    )
    assert response.status_code == 200
    assert "Seul un administrateur peut changer le territoire (MRC)" in response.content.decode()
    table.refresh_from_db()
    assert (set(table.mrcs.all()), table.carrier_id, set(table.coordinators.all())) == before
    assert table.description == ""


def test_a_coordinator_sees_the_scope_read_only_and_still_edits_the_rest(client, world):
    table = world["table"]
    client.force_login(world["coordinator"])
    page = client.get(reverse("admin:partners_table_change", args=[table.pk])).content.decode()
    assert 'name="mrcs"' not in page and 'name="carrier"' not in page
    assert 'name="coordinators"' not in page and 'name="description"' in page
    response = table_post(client, table, description="Nouvelle description")
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.description == "Nouvelle description"


def test_a_superuser_changes_the_tables_scope(client, world, other_mrc_and_carrier):
    table = world["table"]
    mrc, carrier = other_mrc_and_carrier
    client.force_login(world["superuser"])
    response = table_post(
        client,
        table,
        mrcs=[str(mrc.pk)],
        carrier=str(carrier.pk),
        coordinators=[str(world["coordinator"].pk)],
    )
    assert response.status_code == 302
    table.refresh_from_db()
    assert list(table.mrcs.all()) == [mrc] and table.carrier == carrier


# --- Content-Security-Policy ---------------------------------------------------------------------


@pytest.fixture
def pages(world):
    plan = PlanFactory(table=world["table"], slug="plan-a-csp")
    measure = measure_in(plan, "1.1.1")
    TOTP.activate(world["superuser"], generate_totp_secret())
    return {"plan": plan, "measure": measure, "table": world["table"]}


CSP_PAGES = {
    "home": (None, "/fr/"),
    "home in English": (None, "/en/"),
    "table": (None, "/fr/tables/{table.slug}/"),
    "plan": (None, "/fr/plans/{plan.slug}/"),
    "measure": (None, "/fr/plans/{plan.slug}/mesures/1.1.1/"),
    "calendar": (None, "/fr/evenements/"),
    "directory": (None, "/fr/repertoire/"),
    "kits": (None, "/fr/trousses/"),
    "login": (None, "/fr/comptes/login/"),
    "not found": (None, "/fr/nulle-part/"),
    "invitation link": (None, "/fr/invitation/MQ/bad-token/"),
    "dashboard (partner)": ("partner", "/fr/mon-espace/"),
    "activities (partner)": ("partner", "/fr/activites/"),
    "dashboard (coordinator)": ("coordinator", "/fr/mon-espace/"),
    "invite (coordinator)": ("coordinator", "/fr/mon-espace/inviter/"),
    "reports (coordinator)": ("coordinator", "/fr/rapports/"),
    "two-factor set-up (QR code)": ("partner, logging in", "/fr/comptes/2fa/totp/activate/"),
    "admin index": ("superuser", "/fr/admin/"),
    "admin list": ("superuser", "/fr/admin/partners/table/"),
    "admin change form": ("superuser", "/fr/admin/partners/table/{table.pk}/change/"),
    "admin history": ("superuser", "/fr/admin/actionplans/plan/{plan.pk}/history/"),
    "admin plan import": ("superuser", "/fr/admin/actionplans/plan/importer/{table.pk}/"),
}
REQUIRED_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]


# allauth's own templates (the two-factor set-up) read variables the strict mode rejects.
@pytest.mark.ignore_template_errors
@pytest.mark.parametrize(("who", "url"), CSP_PAGES.values(), ids=CSP_PAGES.keys())
def test_every_kind_of_page_carries_a_strict_csp(client, world, pages, who, url):
    if who == "partner, logging in":  # allauth's set-up pages ask for the password again
        client.post(LOGIN_URL, {"login": world["partner"].email, "password": "secret-password"})
        client.post(reverse("account_reauthenticate"), {"password": "secret-password"})
    elif who:
        client.force_login(world[who])
    response = client.get(url.format(**pages))
    assert response.status_code in (200, 400, 404)
    policy = response["Content-Security-Policy"]
    directives = [part.strip() for part in policy.split(";")]
    for required in REQUIRED_DIRECTIVES:
        assert any(d == required or d.startswith(required + " ") for d in directives), required
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "*" not in policy.replace("*.", "")


def test_the_report_preview_styles_itself_with_this_responses_nonce(client, world, pages):
    client.force_login(world["coordinator"])
    query = {
        "periode": "all",
        "type": "etape",
        "langue": "fr",
        "version": "full",
        "format": "html",
    }
    responses = [
        client.get(reverse("accountability:plan", args=[pages["plan"].slug]), query)
        for _ in range(2)
    ]
    nonces = []
    for response in responses:
        nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_page_without_inline_code_sends_no_nonce(client):
    assert "nonce-" not in client.get("/fr/")["Content-Security-Policy"]


@pytest.mark.ignore_template_errors
def test_the_two_factor_set_up_shows_its_qr_code_as_an_image_the_csp_allows(client, world):
    client.post(LOGIN_URL, {"login": world["partner"].email, "password": "secret-password"})
    client.post(reverse("account_reauthenticate"), {"password": "secret-password"})
    response = client.get(reverse("mfa_activate_totp"))
    assert re.search(r'<img[^>]+src="data:image/svg\+xml;base64,', response.content.decode())
    assert "img-src 'self' data:" in response["Content-Security-Policy"]
