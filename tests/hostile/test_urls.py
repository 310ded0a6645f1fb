"""Hostile addresses: NUL bytes, overlong or junk measure numbers, unknown slugs, path traversal,
junk in every query parameter a view reads, and tampered, expired or foreign signed links. Each
one gets a page that says so (a 404 page, a message, the invitation's own page), never a server
error, and changes no row. Run on PostgreSQL too: it refuses a NUL byte in a query
("PostgreSQL text fields cannot contain NUL (0x00) bytes"), which used to be a 500."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from actionplans.models import Plan
from kits.models import Kit, KitAsset
from partners.models import Invitation
from partners.services import ANSWER_SALT, invitation_answer_token, invitation_create
from tests.factories import (
    ActivityFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    coordinator_of,
    measure_in,
    partner_of,
)
from tests.hostile.bad_input import page_text, row_counts

pytestmark = pytest.mark.django_db

NOT_FOUND = "Page introuvable"
OUTSIDE = (
    "Cette municipalité n'est pas dans le territoire de la trousse : choisissez la vôtre dans "
    "la liste."
)


@pytest.fixture
def site(table_a, table_b):
    """A published plan with a measure, a draft plan, a kit with a file, and two towns: one in
    table A's territory, one in table B's."""
    plan = PlanFactory(table=table_a, slug="plan-public")
    measure = measure_in(plan, "1.1.1", title="Fête interculturelle")
    draft = PlanFactory(table=table_a, slug="plan-brouillon", status=Plan.Status.DRAFT)
    measure_in(draft, "1.1.1", title="Mesure du brouillon")
    kit = Kit.objects.create(
        table=table_a,
        number=1,
        title="Semaine des rencontres",
        slug="rencontres",
        is_published=True,
    )
    asset = KitAsset.objects.create(
        kit=kit, kind="image", title="Affiche", file="trousses/affiche.png", size=10
    )
    return {
        "plan": plan,
        "measure": measure,
        "kit": kit,
        "asset": asset,
        "town": MunicipalityFactory(mrc=table_a.mrcs.first(), name="Lavaltrie", slug="lavaltrie"),
        "elsewhere": MunicipalityFactory(mrc=table_b.mrcs.first(), slug="ailleurs"),
    }


def anonymous():
    return Client(raise_request_exception=False)


MEASURE_URLS = [
    ("nul", "/fr/plans/plan-public/mesures/1.1.1%00/"),
    ("nul-seul", "/fr/plans/plan-public/mesures/%00/"),
    ("nul-au-milieu", "/fr/plans/plan-public/mesures/1.1%001/"),
    ("trop-long", "/fr/plans/plan-public/mesures/" + "1." * 10 + "1/"),
    ("tres-long", "/fr/plans/plan-public/mesures/" + "1" * 10_000 + "/"),
    ("lettres", "/fr/plans/plan-public/mesures/abc/"),
    ("point-final", "/fr/plans/plan-public/mesures/1.1.1./"),
    ("double-point", "/fr/plans/plan-public/mesures/1..1/"),
    ("negatif", "/fr/plans/plan-public/mesures/-1/"),
    ("remontee", "/fr/plans/plan-public/mesures/..%2F..%2Fsettings/"),
    ("remontee-encodee", "/fr/plans/plan-public/mesures/%2E%2E/"),
    ("html", "/fr/plans/plan-public/mesures/%3Cscript%3E/"),
    ("inconnue", "/fr/plans/plan-public/mesures/9.9.9/"),
    ("plan-inconnu", "/fr/plans/plan-inconnu/mesures/1.1.1/"),
    ("plan-brouillon", "/fr/plans/plan-brouillon/mesures/1.1.1/"),
    ("plan-nul", "/fr/plans/plan%00/mesures/1.1.1/"),
]


@pytest.mark.parametrize("url", [pytest.param(url, id=case) for case, url in MEASURE_URLS])
def test_a_bad_measure_address_is_a_plain_404(site, url):
    before = row_counts()
    response = anonymous().get(url)
    assert response.status_code == 404
    assert NOT_FOUND in page_text(response)
    assert row_counts() == before


def test_a_good_measure_address_still_answers(site):
    response = anonymous().get("/fr/plans/plan-public/mesures/1.1.1/")
    assert "Fête interculturelle" in page_text(response)
    assert site["measure"].get_absolute_url() == "/fr/plans/plan-public/mesures/1.1.1/"


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("1.1.a", id="lettre"),
        pytest.param("1.1.1.", id="point-final"),
        pytest.param("1/2", id="barre"),
        pytest.param("1.1 1", id="espace"),
        pytest.param("١.١", id="chiffres-arabes"),
    ],
)
def test_a_measure_number_that_no_address_could_carry_is_refused_in_the_admin(
    client, coordinator_a, site, number
):
    """Its page's address is made of the number: the admin refuses one the address refuses."""
    measure = site["measure"]
    client.force_login(coordinator_a)
    form = client.get(reverse("admin:actionplans_measure_change", args=[measure.pk]))
    data = {
        key: value
        for key, value in form.context["adminform"].form.initial.items()
        if key not in {"leads", "partners", "years"} and value is not None
    }
    data.update(
        {
            "objective": measure.objective_id,
            "number": number,
            **{
                f"{prefix}-{name}": value
                for prefix in ("indicators", "budget_lines")
                for name, value in {
                    "TOTAL_FORMS": "0",
                    "INITIAL_FORMS": "0",
                    "MIN_NUM_FORMS": "0",
                    "MAX_NUM_FORMS": "1000",
                }.items()
            },
        }
    )
    before = row_counts()
    response = client.post(reverse("admin:actionplans_measure_change", args=[measure.pk]), data)
    assert "Un numéro s'écrit en chiffres séparés par des points (p. ex. 1.3.2)." in page_text(
        response
    )
    measure.refresh_from_db()
    assert measure.number == "1.1.1"
    assert row_counts() == before


KIT_CHOICES = [
    ("nul", "%00"),
    ("nul-dans-le-nom", "lava%00ltrie"),
    ("remontee", "..%2F..%2Fetc%2Fpasswd"),
    ("espace", "lavaltrie%20"),
    ("html", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    ("tres-long", "a" * 5_000),
    ("inconnue", "atlantide"),
    ("autre-territoire", "ailleurs"),
]


@pytest.mark.parametrize("value", [pytest.param(value, id=case) for case, value in KIT_CHOICES])
def test_a_kit_personalised_for_a_bad_municipality_says_so(site, value):
    before = row_counts()
    response = anonymous().get(f"/fr/trousses/rencontres/?municipalite={value}")
    assert response.status_code == 404
    page = page_text(response)
    assert OUTSIDE in page
    assert "Semaine des rencontres" in page  # the kit's page, to choose again
    assert row_counts() == before


def test_a_kit_personalised_for_its_own_municipality_still_works(site):
    response = anonymous().get("/fr/trousses/rencontres/?municipalite=lavaltrie")
    assert response["Location"] == "/fr/trousses/rencontres/lavaltrie/"


KIT_URLS = [
    ("municipalite-inconnue", "/fr/trousses/rencontres/atlantide/"),
    ("municipalite-d-ailleurs", "/fr/trousses/rencontres/ailleurs/"),
    ("municipalite-nul", "/fr/trousses/rencontres/lava%00ltrie/"),
    ("trousse-inconnue", "/fr/trousses/inconnue/lavaltrie/"),
    ("trousse-nul", "/fr/trousses/renc%00ontres/"),
    ("zip-inconnu", "/fr/trousses/inconnue.zip"),
    ("fichier-inconnu", "/fr/trousses/rencontres/fichiers/999999/"),
    ("fichier-enorme", "/fr/trousses/rencontres/fichiers/99999999999999999999999/"),
    ("fichier-remontee", "/fr/trousses/rencontres/fichiers/..%2F..%2Fsettings.py/"),
    ("suivi-nul", "/fr/trousses/suivi/table%00/"),
]


@pytest.mark.parametrize("url", [pytest.param(url, id=case) for case, url in KIT_URLS])
def test_a_bad_kit_link_is_a_plain_404(site, url):
    before = row_counts()
    response = anonymous().get(url)
    assert response.status_code == 404
    assert NOT_FOUND in page_text(response)
    assert row_counts() == before


PUBLIC_PARAMETERS = [
    ("/fr/evenements/", "municipalite"),
    ("/fr/evenements/", "table"),
    ("/fr/evenements/", "type"),
    ("/fr/evenements/", "public"),
    ("/fr/evenements/", "format"),
    ("/fr/evenements/", "quand"),
    ("/fr/evenements/", "page"),
    ("/fr/evenements/mois/2030/2/", "municipalite"),
    ("/fr/tables/table-a/evenements/", "table"),
    ("/fr/repertoire/", "q"),
    ("/fr/repertoire/", "municipalite"),
    ("/fr/repertoire/", "mrc"),
    ("/fr/repertoire/", "service"),
    ("/fr/repertoire/", "page"),
    ("/fr/plans/plan-public/", "q"),
    ("/fr/plans/plan-public/", "axe"),
    ("/fr/plans/plan-public/", "organisation"),
    ("/fr/plans/plan-public/", "municipalite"),
    ("/fr/plans/plan-public/", "annee"),
    ("/fr/plans/plan-public/", "statut"),
]
JUNK = [
    ("nul", "%00"),
    ("nul-apres", "a%00"),
    ("entier-enorme", "9" * 30),
    ("tres-long", "x" * 5_000),
]


@pytest.mark.parametrize(
    ("url", "parameter", "value"),
    [
        pytest.param(
            url, parameter, value, id=f"{url.strip('/').replace('/', '-')}-{parameter}-{j}"
        )
        for url, parameter in PUBLIC_PARAMETERS
        for j, value in JUNK
    ],
)
def test_junk_in_a_public_query_parameter_shows_the_page(site, url, parameter, value):
    before = row_counts()
    response = anonymous().get(f"{url}?{parameter}={value}")
    assert response.status_code == 200
    assert "<h1" in page_text(response)
    assert row_counts() == before


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/fr/evenements/mois/2030/13/", id="mois-13"),
        pytest.param("/fr/evenements/mois/2030/0/", id="mois-0"),
        pytest.param("/fr/evenements/mois/99999999999999999999/1/", id="annee-enorme"),
        pytest.param("/fr/evenements/evenement%00/", id="evenement-nul"),
        pytest.param("/fr/evenements/inconnu.ics", id="ics-inconnu"),
        pytest.param("/fr/tables/table%00/evenements/", id="table-nul"),
        pytest.param("/fr/municipalites/lava%00ltrie/", id="municipalite-nul"),
        pytest.param("/fr/plans/plan-public/rapport.pdf?periode=%00", id="rapport-periode-nul"),
        pytest.param(
            "/fr/plans/plan-public/rapport.pdf?periode=0001-01-01:9999-12-31",
            id="rapport-periode-libre",
        ),
        pytest.param("/fr/plans/plan-public.json%00", id="json-nul"),
    ],
)
def test_a_bad_public_address_is_a_plain_404(site, url):
    before = row_counts()
    response = anonymous().get(url)
    assert response.status_code == 404
    assert NOT_FOUND in page_text(response)
    assert row_counts() == before


@pytest.fixture
def cje():
    return OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")


@pytest.fixture
def partner(cje, site):
    site["measure"].leads.add(cje)
    return partner_of(cje, username="partenaire@example.org")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("/fr/activites/?page=%00", 200, id="liste-page-nul"),
        pytest.param("/fr/activites/?page=" + "9" * 30, 200, id="liste-page-enorme"),
        pytest.param("/fr/activites/nouvelle/?mesure=%00", 200, id="nouvelle-mesure-nul"),
        pytest.param("/fr/activites/nouvelle/?mesure=" + "9" * 30, 200, id="mesure-enorme"),
        pytest.param("/fr/activites/nouvelle/?mesure=abc", 200, id="nouvelle-mesure-texte"),
        pytest.param("/fr/activites/nouvelle/?measure=-1", 200, id="nouvelle-mesure-negative"),
        pytest.param("/fr/activites/" + "9" * 30 + "/", 404, id="activite-enorme"),
        pytest.param("/fr/activites/1/pieces/..%2F..%2Fsettings.py/", 404, id="piece-remontee"),
        pytest.param("/fr/activites/1/pieces/" + "9" * 30 + "/", 404, id="piece-enorme"),
        pytest.param("/fr/activites/export/plan%00.csv", 404, id="export-nul"),
    ],
)
def test_junk_in_a_partners_address_changes_nothing(client, partner, cje, site, url, expected):
    ActivityFactory(measure=site["measure"], organisation=cje, author=partner, status="draft")
    client.force_login(partner)
    before = row_counts()
    response = client.get(url)
    assert response.status_code == expected
    page = page_text(response)
    assert (NOT_FOUND in page) if expected == 404 else ("Activités" in page or "activité" in page)
    assert row_counts() == before


# --- Signed links: answering an invitation, choosing a password -----------------------------


@pytest.fixture
def invited(table_a, coordinator_a):
    """An existing account, invited to join another organisation: the invitation waits for
    its answer on a signed link."""
    organisation = OrganisationFactory(name="Accueil Lavaltrie")
    table_a.memberships.create(organisation=organisation)
    person = partner_of(OrganisationFactory(name="Ancien employeur"), username="lea@example.org")
    invitation, _link = invitation_create(
        email="lea@example.org",
        organisation=organisation,
        role=Invitation.Role.PARTNER,
        table=table_a,
        invited_by=coordinator_a,
    )
    return person, invitation


def answer_url(token):
    return reverse("answer_invitation", kwargs={"token": token})


def tampered(token):
    value, signature = token.rsplit(":", 1)
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def expired(invitation, monkeypatch):
    """A token made long ago (past PASSWORD_RESET_TIMEOUT)."""
    with monkeypatch.context() as patch:
        patch.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(time.time()) - 30 * 24 * 3600),
        )
        return invitation_answer_token(invitation)


NO_INVITATION = "Ce lien ne correspond à aucune invitation."
EXPIRED = "Ce lien d'invitation a expiré. Demandez une nouvelle invitation"

SIGNED_LINKS = [
    ("signature-modifiee", lambda inv, mp: tampered(invitation_answer_token(inv)), NO_INVITATION),
    (
        "autre-invitation",
        lambda inv, mp: f"{inv.pk + 1}:" + invitation_answer_token(inv).split(":", 1)[1],
        NO_INVITATION,
    ),
    (
        "autre-sel",
        lambda inv, mp: signing.TimestampSigner(salt="kits.link").sign(str(inv.pk)),
        NO_INVITATION,
    ),
    ("sans-sel", lambda inv, mp: signing.TimestampSigner().sign(str(inv.pk)), NO_INVITATION),
    (
        "invitation-supprimee",
        lambda inv, mp: signing.TimestampSigner(salt=ANSWER_SALT).sign("999999"),
        NO_INVITATION,
    ),
    ("expire", expired, EXPIRED),
    ("nul", lambda inv, mp: invitation_answer_token(inv) + "\x00", NO_INVITATION),
    ("vide", lambda inv, mp: ":", NO_INVITATION),
    ("tres-long", lambda inv, mp: "a" * 5_000, NO_INVITATION),
    ("sans-signature", lambda inv, mp: str(inv.pk), NO_INVITATION),
]


@pytest.mark.parametrize(
    ("make_token", "message"),
    [pytest.param(make, message, id=case) for case, make, message in SIGNED_LINKS],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_answer_link_is_explained_and_joins_nothing(
    client, invited, monkeypatch, make_token, message, method
):
    person, invitation = invited
    token = make_token(invitation, monkeypatch)
    client.force_login(person)
    before = row_counts()
    response = getattr(client, method)(
        answer_url(token), {"answer": "accept"} if method == "post" else None
    )
    assert response.status_code in {400, 404}
    assert message in page_text(response)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.declined_at is None
    assert person.person.organisation.name == "Ancien employeur"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        pytest.param("hack", "Réponse inconnue.", id="reponse-inconnue"),
        pytest.param("accept\x00", "Réponse inconnue.", id="reponse-nul"),
        pytest.param("", "Réponse inconnue.", id="reponse-vide"),
    ],
)
def test_a_junk_answer_changes_nothing(client, invited, answer, message):
    person, invitation = invited
    client.force_login(person)
    before = row_counts()
    response = client.post(answer_url(invitation_answer_token(invitation)), {"answer": answer})
    assert message in page_text(response)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.declined_at is None
    assert row_counts() == before


def test_another_accounts_answer_link_is_refused(client, invited, cje):
    _person, invitation = invited
    client.force_login(partner_of(cje, username="intruse@example.org"))
    before = row_counts()
    response = client.post(answer_url(invitation_answer_token(invitation)), {"answer": "accept"})
    assert response.status_code == 403
    assert "Cette invitation a été envoyée à un autre compte." in page_text(response)
    assert row_counts() == before


def test_an_answered_invitation_cannot_be_answered_again(client, invited):
    person, invitation = invited
    client.force_login(person)
    url = answer_url(invitation_answer_token(invitation))
    client.post(url, {"answer": "decline"})
    before = row_counts()
    response = client.post(url, {"answer": "accept"})
    assert "Cette invitation a déjà reçu une réponse." in page_text(response)
    assert person.person.organisation.name == "Ancien employeur"
    assert row_counts() == before


@pytest.fixture
def newcomer(table_a):
    """A new address invited: an account without a password, and its link."""
    organisation = OrganisationFactory(name="Accueil Lavaltrie")
    table_a.memberships.create(organisation=organisation)
    invitation_create(
        email="nouvelle@example.org", organisation=organisation, role=Invitation.Role.PARTNER
    )
    return Invitation.objects.get(email="nouvelle@example.org").user


def password_link(uid, token):
    return reverse("accept_invitation", kwargs={"uidb64": uid, "token": token})


def old_token(user, monkeypatch):
    token = default_token_generator.make_token(user)
    later = default_token_generator._now() + timedelta(days=30)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    return token


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(
            lambda user, mp: (
                urlsafe_base64_encode(force_bytes(user.pk)),
                tampered(default_token_generator.make_token(user).replace("-", ":", 1)).replace(
                    ":", "-", 1
                ),
            ),
            id="jeton-modifie",
        ),
        pytest.param(
            lambda user, mp: (urlsafe_base64_encode(force_bytes(user.pk)), old_token(user, mp)),
            id="jeton-expire",
        ),
        pytest.param(
            lambda user, mp: (
                urlsafe_base64_encode(force_bytes(UserFactory().pk)),
                default_token_generator.make_token(user),
            ),
            id="jeton-d-un-autre-compte",
        ),
        pytest.param(
            lambda user, mp: ("%00", default_token_generator.make_token(user)), id="uid-nul"
        ),
        pytest.param(
            lambda user, mp: ("Zm9vYmFy", default_token_generator.make_token(user)),
            id="uid-texte",
        ),
        pytest.param(
            lambda user, mp: (
                urlsafe_base64_encode(force_bytes("9" * 30)),
                default_token_generator.make_token(user),
            ),
            id="uid-enorme",
        ),
        pytest.param(
            lambda user, mp: (urlsafe_base64_encode(force_bytes(user.pk)), "set-password"),
            id="jeton-d-allauth",
        ),
    ],
)
def test_a_bad_password_link_is_explained_and_sets_nothing(client, newcomer, monkeypatch, build):
    uid, token = build(newcomer, monkeypatch)
    before = row_counts()
    response = client.post(
        password_link(uid, token),
        {"new_password1": "Tr3s-secret!", "new_password2": "Tr3s-secret!"},
    )
    assert response.status_code == 400
    assert "Lien d'invitation invalide" in page_text(response)
    assert row_counts() == before
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    assert "_auth_user_id" not in client.session  # (reading it makes an empty session)


def test_coordinator_pages_refuse_junk_too(client, table_a, site):
    """The adoption follow-up of a table: a junk slug is a 404, not a 500."""
    client.force_login(coordinator_of(table_a, username="suivi@example.org"))
    before = row_counts()
    for url in ("/fr/trousses/suivi/table%00/", "/fr/trousses/suivi/table-a%00.xlsx"):
        response = client.get(url)
        assert response.status_code == 404
        assert NOT_FOUND in page_text(response)
    assert row_counts() == before
