"""Hostile input in the forms people fill: activities (and their review), invitations, kit
adoptions, and the admin's events, kits and partners. Each case asserts the message the person
reads and that no row changed. Run on PostgreSQL too, where text longer than its column or a
NUL byte used to be a server error."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, IndicatorValue
from kits.forms import KitAssetForm
from kits.models import Kit, KitAdoption
from tests.factories import (
    ActivityFactory,
    EventFactory,
    IndicatorFactory,
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

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"
NUL = "Le caractère nul n'est pas autorisé."
REQUIRED = "Ce champ est obligatoire."
INVALID_CHOICE = "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
INVALID_DATE = "Saisissez une date valide."
FUTURE = "Une activité future est un événement : déclarez-la ici une fois réalisée"


def too_long(limit, length):
    return (
        f"Assurez-vous que cette valeur comporte au plus {limit} caractères "
        f"(actuellement {length})."
    )


def readable(response):
    """The page's text with Django's typographic apostrophes and spaces made plain."""
    return page_text(response).replace("\u2019", "'").replace("\u00a0", " ")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(table_a, today):
    """A plan that runs now, so that only the rule under test refuses a date."""
    return PlanFactory(
        table=table_a,
        slug="plan-en-cours",
        start_date=today - timedelta(days=400),
        end_date=today + timedelta(days=700),
    )


@pytest.fixture
def cje():
    return OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")


@pytest.fixture
def measure(plan, cje):
    measure = measure_in(plan, "1.1.1", title="Activités interculturelles")
    measure.leads.add(cje)
    return measure


@pytest.fixture
def indicator(measure):
    return IndicatorFactory(measure=measure, label="Nb d'activités")


@pytest.fixture
def partner(cje):
    return partner_of(cje, username="partenaire@example.org")


@pytest.fixture
def coordinator(table_a):
    return coordinator_of(table_a, username="coordination@example.org")


@pytest.fixture
def town(table_a):
    return MunicipalityFactory(mrc=table_a.mrcs.first(), name="Lavaltrie", slug="lavaltrie")


def activity_data(measure, indicator, today, /, **overrides):
    data = {
        "measure": measure.pk,
        "date": (today - timedelta(days=1)).isoformat(),
        "title": "Fête interculturelle",
        "description": "Une belle soirée.",
        "participants": "40",
        "participants_immigrant": "15",
        "participants_host": "25",
        "amount_spent": "350.50",
        f"indicator_{indicator.pk}": "2",
        "submit": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


TOMORROW, IN_A_YEAR = "demain", "dans un an"

BAD_ACTIVITIES = [
    ("date-demain", {"date": TOMORROW}, FUTURE),
    ("date-dans-un-an", {"date": IN_A_YEAR}, FUTURE),
    ("date-an-2999", {"date": "2999-01-01"}, FUTURE),
    ("date-31-fevrier", {"date": "2025-02-31"}, INVALID_DATE),
    ("date-an-zero", {"date": "0000-01-01"}, INVALID_DATE),
    ("date-nul", {"date": "2024-01-01\x00"}, INVALID_DATE),
    ("date-vide", {"date": ""}, REQUIRED),
    ("titre-vide", {"title": "   "}, REQUIRED),
    ("titre-trop-long", {"title": "T" * 201}, too_long(200, 201)),
    ("titre-nul", {"title": "Fête\x00"}, NUL),
    ("description-5001", {"description": "d" * 5001}, too_long(5000, 5001)),
    ("description-1-mo", {"description": "d" * 2**20}, too_long(5000, 2**20)),
    ("description-nul", {"description": "Soirée\x00"}, NUL),
    (
        "participants-negatifs",
        {"participants": "-1"},
        "Assurez-vous que cette valeur est supérieure ou égale à 0.",
    ),
    (
        "participants-trop-nombreux",
        {"participants": "100001"},
        "Assurez-vous que cette valeur est inférieure ou égale à 100000.",
    ),
    (
        "participants-enormes",
        {"participants": "9" * 30},
        "Assurez-vous que cette valeur est inférieure ou égale à 100000.",
    ),
    ("participants-texte", {"participants": "beaucoup"}, "Saisissez un nombre entier."),
    (
        "repartition-plus-grande",
        {"participants": "10", "participants_immigrant": "8", "participants_host": "8"},
        "La répartition (16) dépasse le nombre de participants (10).",
    ),
    (
        "montant-negatif",
        {"amount_spent": "-5"},
        "Assurez-vous que cette valeur est supérieure ou égale à 0.",
    ),
    (
        "montant-enorme",
        {"amount_spent": "1" + "0" * 20},
        "Assurez-vous qu'il n'y a pas plus de 12 chiffres au total.",
    ),
    (
        "montant-trop-precis",
        {"amount_spent": "0.001"},
        "Assurez-vous qu'il n'y a pas plus de 2 chiffres après la virgule.",
    ),
    ("montant-nan", {"amount_spent": "NaN"}, "Saisissez un nombre."),
    ("montant-infini", {"amount_spent": "Infinity"}, "Saisissez un nombre."),
    (
        "montant-exposant",
        {"amount_spent": "1e400"},
        "Assurez-vous qu'il n'y a pas plus de 12 chiffres au total.",
    ),
    ("mesure-texte", {"measure": "abc"}, INVALID_CHOICE),
    ("mesure-nul", {"measure": "1\x00"}, NUL),
]


def _dated(overrides, today):
    shift = {TOMORROW: 1, IN_A_YEAR: 365}
    if overrides.get("date") in shift:
        return {**overrides, "date": (today + timedelta(days=shift[overrides["date"]])).isoformat()}
    return overrides


@pytest.mark.parametrize(
    ("overrides", "message"),
    [pytest.param(overrides, message, id=case) for case, overrides, message in BAD_ACTIVITIES],
)
def test_a_bad_activity_is_explained_and_not_saved(
    client, partner, measure, indicator, today, overrides, message
):
    client.force_login(partner)
    before = row_counts()
    data = activity_data(measure, indicator, today, **_dated(overrides, today))
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 200
    assert message in readable(response)
    assert row_counts() == before


def test_the_future_date_message_says_what_to_do(client, partner, measure, indicator, today):
    client.force_login(partner)
    data = activity_data(measure, indicator, today, date=(today + timedelta(1)).isoformat())
    page = readable(client.post(reverse("activities:create"), data))
    assert "Une activité future est un événement : déclarez-la ici une fois réalisée" in page
    assert "la coordination de la table peut l'annoncer au calendrier des événements" in page


def test_today_is_not_the_future(client, partner, measure, indicator, today):
    client.force_login(partner)
    data = activity_data(measure, indicator, today, date=today.isoformat())
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 302
    assert Activity.objects.get().date == today


BAD_INDICATOR_VALUES = [
    ("negative", "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
    ("enorme", "1" + "0" * 15, "Assurez-vous qu'il n'y a pas plus de 12 chiffres au total."),
    (
        "plus-d-un-million",
        "1000001",
        "Assurez-vous que cette valeur est inférieure ou égale à 1000000.",
    ),
    ("nan", "NaN", "Saisissez un nombre."),
    ("texte", "deux", "Saisissez un nombre."),
    ("nul", "2\x00", "Saisissez un nombre."),
]


@pytest.mark.parametrize(
    ("value", "message"),
    [pytest.param(value, message, id=case) for case, value, message in BAD_INDICATOR_VALUES],
)
def test_a_bad_indicator_value_is_explained(
    client, partner, measure, indicator, today, value, message
):
    client.force_login(partner)
    before = row_counts()
    data = activity_data(measure, indicator, today, **{f"indicator_{indicator.pk}": value})
    response = client.post(reverse("activities:create"), data)
    assert message in readable(response)
    assert row_counts() == before


@pytest.fixture
def foreign(table_b):
    """Another table's plan, measure, indicator, municipality and event."""
    plan = PlanFactory(table=table_b, slug="plan-b")
    measure = measure_in(plan, "1.1.1", title="Mesure de B")
    return {
        "measure": measure,
        "indicator": IndicatorFactory(measure=measure),
        "town": MunicipalityFactory(mrc=table_b.mrcs.first()),
        "event": EventFactory(table=table_b),
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [
        pytest.param("measure", INVALID_CHOICE, id="mesure-d-une-autre-table"),
        pytest.param(
            "indicator",
            "Une valeur vise un indicateur qui n'appartient pas à ce moyen d'action.",
            id="indicateur-d-une-autre-table",
        ),
        pytest.param("municipalities", "Sélectionnez un choix valide.", id="municipalite-autre"),
        pytest.param("event", INVALID_CHOICE, id="evenement-d-une-autre-table"),
    ],
)
def test_another_tables_objects_are_refused(
    client, partner, measure, indicator, today, foreign, field, message
):
    client.force_login(partner)
    before = row_counts()
    overrides = {
        "measure": {"measure": foreign["measure"].pk},
        "indicator": {f"indicator_{foreign['indicator'].pk}": "5"},
        "municipalities": {"municipalities": [foreign["town"].pk]},
        "event": {"event": foreign["event"].pk},
    }[field]
    response = client.post(
        reverse("activities:create"), activity_data(measure, indicator, today, **overrides)
    )
    assert message in readable(response)
    assert row_counts() == before


BAD_UPLOADS = [
    ("texte.pdf", b"Ceci n'est pas un PDF", "« texte.pdf » n'est ni une image ni un PDF"),
    ("page.png", b"<html><script>alert(1)</script></html>", "« page.png » n'est ni une image"),
    ("dessin.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "« dessin.svg » n'est ni une"),
    ("programme.jpg", b"MZ\x90\x00" + b"\x00" * 60, "« programme.jpg » n'est ni une image"),
    ("archive.pdf", b"PK\x03\x04" + b"\x00" * 60, "« archive.pdf » n'est ni une image ni un PDF"),
    ("vide.pdf", b"", "Le fichier soumis est vide."),
    ("gros.pdf", PDF + b"\x00" * (10 * 2**20), "« gros.pdf » dépasse 10 Mo."),
]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [pytest.param(name, content, message, id=name) for name, content, message in BAD_UPLOADS],
)
def test_a_bad_attachment_is_refused_by_its_content(
    client, partner, measure, indicator, today, name, content, message
):
    client.force_login(partner)
    before = row_counts()
    data = activity_data(measure, indicator, today)
    data["attachments"] = [SimpleUploadedFile("photo.png", PNG), SimpleUploadedFile(name, content)]
    response = client.post(reverse("activities:create"), data)
    assert message in readable(response)
    assert row_counts() == before


def test_a_file_name_cannot_climb_out_of_the_activitys_folder(
    client, partner, measure, indicator, today, settings
):
    client.force_login(partner)
    data = activity_data(measure, indicator, today)
    data["attachments"] = [SimpleUploadedFile("../../../../etc/cron.d/rapport.pdf", PDF)]
    client.post(reverse("activities:create"), data)
    attachment = Activity.objects.get().attachments.get()
    assert attachment.original_name == "rapport.pdf"
    assert attachment.file.name == f"activites/{attachment.activity_id}/rapport.pdf"
    media = settings.MEDIA_ROOT
    assert [path.name for path in media.rglob("*") if path.is_file()] == ["rapport.pdf"]


# --- Moving an activity to another measure ------------------------------------------------


@pytest.fixture
def moved(partner, cje, measure, indicator, today):
    """An activity of ``measure`` with a value for its indicator, and a second measure of the
    organisation, with its own indicator, to move it to."""
    activity = ActivityFactory(
        measure=measure, organisation=cje, author=partner, status="draft", date=today
    )
    activity.values.create(indicator=indicator, value=7)
    other = measure_in(measure.objective.axis.plan, "1.1.2", title="Jumelages")
    other.leads.add(cje)
    return activity, other, IndicatorFactory(measure=other, label="Nb de jumelages")


def test_moving_from_the_page_shows_the_new_measures_indicators_first(
    client, partner, indicator, today, moved
):
    activity, other, new_indicator = moved
    client.force_login(partner)
    before = row_counts()
    data = activity_data(  # the old field, as shown
        other, indicator, today, date=today.isoformat(), version=str(activity.version)
    )
    response = client.post(reverse("activities:update", args=[activity.pk]), data)
    page = readable(response)
    assert "Vous avez changé de moyen d'action : ses indicateurs sont maintenant affichés." in page
    assert f'name="indicator_{new_indicator.pk}"' in page
    assert f'name="indicator_{indicator.pk}"' not in page
    assert row_counts() == before
    activity.refresh_from_db()
    assert activity.measure_id != other.pk

    data = activity_data(
        other, new_indicator, today, date=today.isoformat(), version=str(activity.version)
    )
    assert client.post(reverse("activities:update", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert activity.measure_id == other.pk
    assert {(v.indicator_id, v.value) for v in activity.values.all()} == {(new_indicator.pk, 2)}


def test_a_moved_activity_keeps_no_value_of_its_old_measure(
    client, partner, indicator, today, moved
):
    """A hand-made request without the old fields: the old measure's value would still count
    toward its progress; it is deleted, with its history."""
    activity, other, new_indicator = moved
    client.force_login(partner)
    data = activity_data(
        other, new_indicator, today, date=today.isoformat(), version=str(activity.version)
    )
    client.post(reverse("activities:update", args=[activity.pk]), data)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()
    assert IndicatorValue.history.filter(indicator_id=indicator.pk, history_type="-").exists()
    assert list(activity.values.values_list("indicator_id", flat=True)) == [new_indicator.pk]


# --- The coordinator's "send back" comment ---------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        pytest.param("", "Expliquez ce qu'il faut corriger.", id="vide"),
        pytest.param("   ", "Expliquez ce qu'il faut corriger.", id="blanc"),
        pytest.param("c" * 2001, too_long(2000, 2001), id="2001-caracteres"),
        pytest.param("c" * 2**20, too_long(2000, 2**20), id="1-mo"),
        pytest.param("Corrigez\x00", NUL, id="nul"),
    ],
)
def test_a_bad_return_comment_is_explained(
    client, coordinator, partner, cje, measure, comment, message
):
    activity = ActivityFactory(
        measure=measure, organisation=cje, author=partner, status="submitted"
    )
    client.force_login(coordinator)
    before = row_counts()
    response = client.post(
        reverse("activities:return", args=[activity.pk]), {"comment": comment}, follow=True
    )
    assert message in readable(response)
    activity.refresh_from_db()
    assert activity.status == "submitted" and activity.review_comment == ""
    assert row_counts() == before


# --- Invitations -------------------------------------------------------------------------


@pytest.fixture
def member(table_a):
    organisation = OrganisationFactory(name="Accueil Lavaltrie")
    table_a.memberships.create(organisation=organisation)
    return organisation


def invitation_data(table, organisation, /, **overrides):
    data = {
        "email": "nouvelle@example.org",
        "organisation": organisation.pk,
        "role": "partner",
        "title": "Intervenante",
        "table": table.pk,
    }
    data.update(overrides)
    return data


LONG_ADDRESS = "a" * 140 + "@example.org"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"email": "pas-un-courriel"}, "Saisissez une adresse de courriel valide.", id="x"
        ),
        pytest.param({"email": ""}, REQUIRED, id="courriel-vide"),
        pytest.param({"email": LONG_ADDRESS}, too_long(150, 152), id="courriel-trop-long"),
        pytest.param({"email": "a\x00@example.org"}, NUL, id="courriel-nul"),
        pytest.param({"title": "F" * 201}, too_long(200, 201), id="fonction-trop-longue"),
        pytest.param({"title": "Agente\x00"}, NUL, id="fonction-nul"),
        pytest.param({"role": "coordinator"}, "Sélectionnez un choix valide. coordinator", id="r"),
        pytest.param(
            {"role": "superuser\x00"}, "Sélectionnez un choix valide. superuser", id="nul"
        ),
        pytest.param({"organisation": "abc"}, INVALID_CHOICE, id="organisation-texte"),
        pytest.param(
            {"role": "municipality"},
            "Pour le rôle municipalité, choisissez l'organisation d'une municipalité.",
            id="municipalite-sans-municipalite",
        ),
    ],
)
def test_a_bad_invitation_is_explained_and_sends_nothing(
    client, coordinator, table_a, member, mailoutbox, overrides, message
):
    client.force_login(coordinator)
    before = row_counts()
    response = client.post(reverse("invite"), invitation_data(table_a, member, **overrides))
    assert message in readable(response)
    assert row_counts() == before
    assert mailoutbox == []


def test_an_invitation_to_another_tables_organisation_is_refused(
    client, coordinator, table_a, table_b, member, mailoutbox
):
    elsewhere = OrganisationFactory(name="Ailleurs")
    table_b.memberships.create(organisation=elsewhere)
    client.force_login(coordinator)
    before = row_counts()
    for data in (
        invitation_data(table_a, elsewhere),
        invitation_data(table_b, member),
    ):
        response = client.post(reverse("invite"), data)
        assert INVALID_CHOICE in readable(response)
    assert row_counts() == before
    assert mailoutbox == []


# --- A kit's adoption, by the municipality or the coordination ------------------------------


@pytest.fixture
def kit(table_a):
    return Kit.objects.create(
        table=table_a,
        number=1,
        title="Semaine des rencontres",
        slug="rencontres",
        is_published=True,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            {"published_url": "https://example.org/" + "a" * 200},
            too_long(200, 220),
            id="adresse-trop-longue",
        ),
        pytest.param(
            {"published_url": "javascript:alert(1)"}, "Saisissez une URL valide.", id="javascript"
        ),
        pytest.param({"published_url": "https://\x00"}, NUL, id="adresse-nul"),
        pytest.param({"status": "piratee"}, "Sélectionnez un choix valide. piratee", id="statut"),
        pytest.param({"done_on": "2025-02-30"}, INVALID_DATE, id="date-30-fevrier"),
        pytest.param({"done_on": ""}, "Indiquez la date de publication.", id="date-absente"),
    ],
)
def test_a_bad_adoption_is_explained(client, coordinator, kit, town, data, message):
    client.force_login(coordinator)
    before = row_counts()
    url = reverse("kits:adoption", args=[kit.slug, town.slug])
    response = client.post(url, {"status": "done", "done_on": "2025-02-06", **data}, follow=True)
    assert message in readable(response)
    assert not KitAdoption.objects.exists()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("affiche.pdf", b"<html></html>", "Seuls les images", id="html-en-pdf"),
        pytest.param("affiche.png", b"GIF8", "Seuls les images", id="entete-tronquee"),
        pytest.param("vide.png", b"", "Le fichier soumis est vide.", id="vide"),
        pytest.param(
            "geante.png", PNG + b"\x00" * (15 * 2**20), "Le fichier dépasse 15 Mo.", id="16-mo"
        ),
    ],
)
def test_a_bad_kit_file_is_refused_by_its_content(kit, name, content, message):
    before = row_counts()
    form = KitAssetForm(
        {"kind": "image", "title": "Affiche", "alt_text": "", "position": "0"},
        {"file": SimpleUploadedFile(name, content)},
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"]).replace("\u2019", "'")
    assert row_counts() == before


# --- Free text in the admin: events, kits, partners -------------------------------------------


def management(*prefixes):
    return {
        f"{prefix}-{name}": value
        for prefix in prefixes
        for name, value in {
            "TOTAL_FORMS": "0",
            "INITIAL_FORMS": "0",
            "MIN_NUM_FORMS": "0",
            "MAX_NUM_FORMS": "1000",
        }.items()
    }


def event_data(table, **overrides):
    return {
        "table": table.pk,
        "title": "Jeudi Immigration",
        "slug": "jeudi-immigration",
        "kind": "intercultural",
        "audience": "everyone",
        "is_public": "on",
        "start_0": "2030-02-06",
        "start_1": "10:00",
        "end_0": "2030-02-06",
        "end_1": "12:00",
        "description": "Bienvenue !",
        **overrides,
    }


def kit_data(table, **overrides):
    return {
        "table": table.pk,
        "number": "1",
        "title": "Semaine des rencontres",
        "slug": "rencontres",
        "what": "Une semaine.",
        **management("blocks", "assets"),
        **overrides,
    }


def organisation_data(**overrides):
    return {
        "name": "Accueil Lavaltrie",
        "slug": "accueil-lavaltrie",
        "kind": "community",
        "description": "Accueil des familles.",
        "is_listed": "on",
        **management("people"),
        **overrides,
    }


ADMIN_CASES = [
    (
        "evenement-description",
        "events",
        "event",
        event_data,
        {"description": "d" * 5001},
        too_long(5000, 5001),
    ),
    ("evenement-titre", "events", "event", event_data, {"title": "T" * 201}, too_long(200, 201)),
    ("evenement-lieu", "events", "event", event_data, {"location": "L" * 301}, too_long(300, 301)),
    (
        "evenement-lien-javascript",
        "events",
        "event",
        event_data,
        {"online_url": "javascript:alert(1)"},
        "URL valide",
    ),
    (
        "evenement-identifiant-chemin",
        "events",
        "event",
        event_data,
        {"slug": "../../etc"},
        "Ce champ ne doit contenir que des",
    ),
    (
        "evenement-fin-avant-debut",
        "events",
        "event",
        event_data,
        {"end_0": "2030-02-05"},
        "La fin de l'événement doit suivre son début.",
    ),
    (
        "evenement-31-fevrier",
        "events",
        "event",
        event_data,
        {"start_0": "2030-02-31"},
        INVALID_DATE,
    ),
    (
        "evenement-description-nul",
        "events",
        "event",
        event_data,
        {"description": "Bienvenue\x00"},
        NUL,
    ),
    ("trousse-quoi", "kits", "kit", kit_data, {"what": "w" * 5001}, too_long(5000, 5001)),
    ("trousse-comment-1-mo", "kits", "kit", kit_data, {"how": "h" * 2**20}, too_long(5000, 2**20)),
    (
        "trousse-champ-inconnu",
        "kits",
        "kit",
        kit_data,
        {"what": "Bonjour {pirate} !"},
        "Champ(s) inconnu(s) : {pirate}",
    ),
    (
        "trousse-texte-a-copier",
        "kits",
        "kit",
        kit_data,
        {
            **management("blocks"),
            "blocks-TOTAL_FORMS": "1",
            "blocks-0-kind": "website",
            "blocks-0-body": "b" * 10_001,
            "blocks-0-position": "0",
        },
        too_long(10000, 10001),
    ),
    (
        "organisme-description",
        "partners",
        "organisation",
        organisation_data,
        {"description": "d" * 2001},
        too_long(2000, 2001),
    ),
    (
        "organisme-sigle",
        "partners",
        "organisation",
        organisation_data,
        {"acronym": "A" * 31},
        too_long(30, 31),
    ),
    (
        "organisme-telephone",
        "partners",
        "organisation",
        organisation_data,
        {"phone": "5" * 31},
        too_long(30, 31),
    ),
]


@pytest.mark.parametrize(
    ("app", "model", "build", "overrides", "message"),
    [pytest.param(*case, id=case_id) for case_id, *case in ADMIN_CASES],
)
def test_bad_text_in_the_admin_is_explained(client, table_a, app, model, build, overrides, message):
    superuser = UserFactory(is_staff=True, is_superuser=True, username="racine@example.org")
    client.force_login(superuser)
    data = build(table_a) if build is not organisation_data else build()
    before = row_counts()
    response = client.post(reverse(f"admin:{app}_{model}_add"), {**data, **overrides})
    assert response.status_code == 200
    assert message in readable(response)
    assert row_counts() == before


def test_the_admin_caps_long_texts_in_the_browser_too(client, table_a):
    """The limit is on the text area itself: a browser stops typing there."""
    superuser = UserFactory(is_staff=True, is_superuser=True, username="racine@example.org")
    client.force_login(superuser)
    page = page_text(client.get(reverse("admin:meetings_meeting_add")))
    assert 'maxlength="10000"' in page  # the agenda (the minutes are edited elsewhere)
