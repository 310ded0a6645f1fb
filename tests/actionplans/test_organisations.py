"""Lead and partner organisations named in the responsibility text: split, matched to the
importing table's organisations only, and the names that match none mapped or created by the
coordinator in the import preview."""

import html
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.imports.documents import import_document, preview_document
from actionplans.imports.organisations import (
    LEAD,
    PARTNER,
    OrganisationChoice,
    OrganisationChoiceError,
    OrganisationMatcher,
    names_in,
)
from actionplans.models import Measure, Plan
from partners.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory

BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"

# Every responsibility cell of seed 001, as the Beauce plan's text holds it (the line breaks of
# the Word cells lost), and the names read in it.
SEED_001_NAMES = {
    "1.1.1": ["Table stratégique", "CSSBE", "Cégep", "Accompagnement Québec", "Entreprises", "CJE"],
    "1.2.1": ["SAIM"],
    "1.3.1": ["Les 19 SAIM", "Organismes communautaires"],
    "1.3.2": ["Les 19 SAIM", "Municipalités"],
    "1.3.3": ["CJE", "SAIM", "Services de loisirs"],
    "1.3.4": ["CJE", "SAIM", "Services de loisirs"],
    "1.4.1": ["SAIM", "Organismes et entreprises du milieu (OC)"],
    "1.4.2": ["CJE"],
    "2.1.1": ["SAIM", "Comité de travail supralocale"],
    "2.1.2": ["Comité de pilotage", "Table stratégique", "Comité de travail supralocal OC"],
    "2.1.3": [
        "BCÉ",
        "CEB",
        "DENB",
        "CJE",
        "entreprise",
        "Agences privées de recrutement international",
        "SAIM",
    ],
    "2.1.4": ["MRCs"],
    "2.1.5": ["Comités supralocaux", "CJE"],
    "2.1.6": ["Comité supralocal Beauce-Sartigan"],
    "2.2.1": ["Comité supralocal", "Tables ou comités responsables des enjeux transport"],
    "2.2.2": ["Comité supralocal", "Municipalités"],
    "2.2.3": ["Comité de travail supralocal"],
    "2.2.4": [
        "Table stratégique",
        "Table en logement social BS",
        "Table en développement social NB et RC",
    ],
    "2.2.5": [
        "Table en logement social",
        "Table en développement social",
        "GRT Nouvel Habitat",
        "municipalités",
    ],
    "2.2.6": ["Table stratégique"],
    "2.2.7": ["MFBE", "MRC de Beauce-Sartigan", "Comité supralocal Beauce-Sartigan"],
    "3.1.1": [
        "DENB",
        "BCÉ",
        "CEB",
        "Table stratégique",
        "CSSBE",
        "Chambres de commerce",
        "Cégep",
        "Agences de recrutement",
    ],
    "3.2.1": ["CEB", "BCÉ", "DÉNB", "Chambres de commerce"],
    "3.2.2": [
        "Comité de pilotage",
        "GRAP B-S",
        "Table des partenaires N-B",
        "Table développement social R-C",
    ],
    "4.1.1": ["MRCs"],
    "4.1.2": ["MRCs"],
    "4.1.3": ["MRCs"],
}


def seed_001_responsibilities():
    parsed = preview_document(data=BEAUCE.read_bytes()).parsed
    return {measure.number: measure.responsibility for measure in parsed.measures}


def test_the_table_covers_every_responsibility_cell_of_seed_001():
    assert sorted(SEED_001_NAMES) == sorted(seed_001_responsibilities())


@pytest.mark.parametrize(("number", "expected"), SEED_001_NAMES.items())
def test_names_in_each_responsibility_cell_of_seed_001(number, expected):
    names = names_in(seed_001_responsibilities()[number])
    assert [name.text for name in names] == expected
    assert [name.role for name in names] == [LEAD] + [PARTNER] * (len(expected) - 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRC", [("MRC", LEAD)]),
        ("CJE – SAIM", [("CJE", LEAD), ("SAIM", PARTNER)]),
        ("Table RH", [("Table RH", LEAD)]),
        # a Word cell: a name per line
        (
            "MRC de Beauce-Sartigan\nCJE\nTable RH",
            [("MRC de Beauce-Sartigan", LEAD), ("CJE", PARTNER), ("Table RH", PARTNER)],
        ),
        ("CJE et SAIM ; MRC", [("CJE", LEAD), ("SAIM", PARTNER), ("MRC", PARTNER)]),
        ("Comité de pilotage du PAC-MRC", [("Comité de pilotage du PAC-MRC", LEAD)]),
        ("CJE (à confirmer), SAIM, etc.", [("CJE", LEAD), ("SAIM", PARTNER)]),
        ("À déterminer", []),
        ("SO", []),
        ("", []),
        # the roles as the text states them
        (
            "Responsable : MRC / Partenaires : CJE, SAIM",
            [("MRC", LEAD), ("CJE", PARTNER), ("SAIM", PARTNER)],
        ),
        (
            "Partenaires : CJE\nResponsables : MRC, SAIM",
            [("CJE", PARTNER), ("MRC", LEAD), ("SAIM", LEAD)],
        ),
        ("CJE, CJE et cje", [("CJE", LEAD)]),
    ],
)
def test_names_in_a_responsibility_text(text, expected):
    assert [(name.text, name.role) for name in names_in(text)] == expected


def organisation(pk, name, acronym=""):
    return SimpleNamespace(pk=pk, name=name, acronym=acronym)


CJE = organisation(1, "Carrefour jeunesse-emploi Beauce-Sud", "CJE")
CEGEP = organisation(2, "Cégep Beauce-Appalaches")
DENB = organisation(3, "Développement économique Nouvelle-Beauce", "DENB")
BCE = organisation(4, "BCÉ (développement économique Robert-Cliche)", "BCÉ")
SAIM = organisation(5, "Structures d'accueil et d'intégration municipales", "SAIM")
MRCS = [
    organisation(10 + n, name)
    for n, name in enumerate(
        ["MRC de Beauce-Sartigan", "MRC Robert-Cliche", "MRC de La Nouvelle-Beauce"]
    )
]
MATCHER = OrganisationMatcher([CJE, CEGEP, DENB, BCE, SAIM, *MRCS])


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("CJE", CJE),  # acronym
        ("cje", CJE),  # case
        ("DÉNB", DENB),  # accents
        ("Developpement economique nouvelle-beauce", DENB),  # name, accents and case
        ("Carrefour jeunesse-emploi Beauce-Sud (CJE)", CJE),
        ("BCÉ", BCE),
        ("bce", BCE),
        ("Les 19 SAIM", SAIM),
        ("Cégep", CEGEP),  # the beginning of one organisation's name
        ("cegep", CEGEP),
        ("MRC de Beauce-Sartigan", MRCS[0]),
        ("MRC", None),  # three MRC: ambiguous, never guessed
        ("MRCs", None),
        ("Carrefour", CJE),
        ("Car", None),  # a word cut short is no name
        ("Table stratégique", None),
        ("Comité de pilotage", None),
    ],
)
def test_matching_a_name_to_the_tables_organisations(written, expected):
    assert MATCHER.match(written) is expected


def test_a_name_two_organisations_answer_to_is_unmatched():
    other_cje = organisation(99, "Carrefour jeunesse-emploi Beauce-Nord", "CJE")
    matcher = OrganisationMatcher([CJE, other_cje])
    assert matcher.match("CJE") is None
    assert {candidate.pk for candidate in matcher.candidates("CJE")} == {1, 99}
    # the full name still tells them apart
    assert matcher.match("Carrefour jeunesse-emploi Beauce-Nord") is other_cje


# --- the import: only the table's organisations, and the coordinator's choices ---------------

MAP, CREATE = OrganisationChoice.MAP, OrganisationChoice.CREATE


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def member_of(table, name, acronym=""):
    return MembershipFactory(
        table=table, organisation=OrganisationFactory(name=name, acronym=acronym)
    ).organisation


def import_url(table):
    return reverse("admin:actionplans_plan_import", args=[table.pk])


def text_of(response):
    return html.unescape(response.content.decode())


def leads_and_partners(plan, number):
    measure = Measure.objects.of_plan(plan).get(number=number)
    return (
        sorted(str(organisation) for organisation in measure.leads.all()),
        sorted(str(organisation) for organisation in measure.partners.all()),
    )


@pytest.fixture
def beauce_table_a(table_a):
    """Table A with organisations of the Beauce plan, and table B with the same acronyms."""
    return {
        "cje": member_of(table_a, "Carrefour jeunesse-emploi Beauce-Sud", "CJE"),
        "saim": member_of(table_a, "Structures d'accueil et d'intégration municipales", "SAIM"),
        "cegep": member_of(table_a, "Cégep Beauce-Appalaches"),
        "mrc": member_of(table_a, "MRC de Beauce-Sartigan"),
    }


@pytest.mark.django_db
def test_only_the_importing_tables_organisations_are_linked(table_a, table_b):
    elsewhere = member_of(table_b, "Carrefour jeunesse-emploi Ailleurs", "CJE")
    OrganisationFactory(name="Cégep hors table")  # in no table at all
    plan = import_document(
        table=table_a, preview=preview_document(data=BEAUCE.read_bytes()), title="Plan"
    )
    measures = Measure.objects.of_plan(plan)
    assert not measures.filter(leads=elsewhere).exists()
    assert not measures.filter(partners=elsewhere).exists()
    assert Measure.leads.through.objects.filter(measure__in=measures).count() == 0
    assert Measure.partners.through.objects.filter(measure__in=measures).count() == 0
    # the text itself stays as written
    assert measures.get(number="1.4.2").responsibility == "CJE"


@pytest.mark.django_db
def test_the_tables_own_organisation_is_linked_not_anothers_with_the_same_acronym(
    table_a, table_b, beauce_table_a
):
    member_of(table_b, "Carrefour jeunesse-emploi Ailleurs", "CJE")
    plan = import_document(
        table=table_a, preview=preview_document(data=BEAUCE.read_bytes()), title="Plan"
    )
    cje, saim = str(beauce_table_a["cje"]), str(beauce_table_a["saim"])
    assert leads_and_partners(plan, "1.4.2") == ([cje], [])
    assert leads_and_partners(plan, "1.3.3") == ([cje], [saim])
    # « Table stratégique » is named first and matches nothing: no lead, the rest partners
    assert leads_and_partners(plan, "1.1.1") == (
        [],
        sorted([cje, str(beauce_table_a["cegep"])]),
    )
    assert leads_and_partners(plan, "1.3.1") == ([saim], [])  # « Les 19 SAIM »
    measures = Measure.objects.of_plan(plan)
    assert Measure.leads.through.objects.filter(measure__in=measures).count() == 8
    assert Measure.partners.through.objects.filter(measure__in=measures).count() == 9


def preview_page(client, table):
    upload = SimpleUploadedFile("plan.txt", BEAUCE.read_bytes(), content_type="text/plain")
    return client.post(import_url(table), {"document": upload, "title": "Plan", "preview": "1"})


def confirmation(preview, choices):
    """What the browser sends from the preview's confirmation form, with ``choices``:
    ``{name as written: {"action": …, "organisation": …, "name": …, "acronym": …}}``."""
    page = preview.content.decode()
    form = page.split('class="import-form"', 1)[1].split("</form>", 1)[0]
    data = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }
    data |= {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="text" name="(org_\w+)" value="([^"]*)"', form)
    }
    data |= dict.fromkeys(re.findall(r'name="(org_\d+_action)" value="text"', form), "text")
    index = {name.text: n for n, name in enumerate(preview.context["org_form"].names)}
    for written, fields in choices.items():
        data |= {f"org_{index[written]}_{field}": value for field, value in fields.items()}
    return {**data, "confirm": "1"}


@pytest.mark.django_db
def test_the_preview_lists_each_unmatched_name_once_with_its_measures(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    preview = preview_page(client, table_a)
    page = text_of(preview)
    assert "« MRCs », nommé aux moyens d'action 2.1.4, 4.1.1, 4.1.2, 4.1.3" in page
    assert page.count("« MRCs », nommé") == 1
    assert "« Municipalités », nommé aux moyens d'action 1.3.2, 2.2.2, 2.2.5" in page
    # the matched ones, for the coordinator to check
    assert (
        "« CJE » → Carrefour jeunesse-emploi Beauce-Sud (CJE) (moyens d'action 1.1.1, 1.3.3, "
        "1.3.4, 1.4.2, 2.1.3, 2.1.5)" in page
    )
    assert "« Cégep » → Cégep Beauce-Appalaches (moyens d'action 1.1.1, 3.1.1)" in page
    assert "« CJE », nommé" not in page
    # each name: three labelled choices, a select of the table's organisations only
    names = [name.text for name in preview.context["org_form"].names]
    n = names.index("MRCs")
    assert re.search(rf'<label for="id_org_{n}_action_0"><input[^>]*checked[^>]*>', page)
    assert f'<label for="id_org_{n}_organisation">Organisation de la table' in page
    assert f'<label for="id_org_{n}_name">Nom de la nouvelle organisation' in page
    assert "Carrefour jeunesse-emploi Beauce-Sud (CJE)</option>" in page
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_mapping_and_creating_names_link_the_measures(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    preview = preview_page(client, table_a)
    mrc = beauce_table_a["mrc"]
    data = confirmation(
        preview,
        {
            "MRCs": {"action": MAP, "organisation": str(mrc.pk)},
            "Comité de pilotage": {
                "action": CREATE,
                "name": "Comité de pilotage du PAC-MRC",
                "acronym": "",
            },
            "Table stratégique": {"action": CREATE},  # the name as written, prefilled
        },
    )
    response = client.post(import_url(table_a), data)
    plan = Plan.objects.get()
    assert response["Location"] == reverse("admin:actionplans_plan_change", args=[plan.pk])
    pilotage = Organisation.objects.get(name="Comité de pilotage du PAC-MRC")
    strategic = Organisation.objects.get(name="Table stratégique")
    assert set(Organisation.objects.of_tables([table_a.pk])) >= {pilotage, strategic}
    assert Membership.objects.filter(table=table_a, organisation=pilotage).count() == 1
    assert not pilotage.is_listed  # out of the public directory until someone lists it
    assert leads_and_partners(plan, "2.1.4") == ([str(mrc)], [])
    assert leads_and_partners(plan, "4.1.3") == ([str(mrc)], [])
    assert leads_and_partners(plan, "2.1.2") == ([str(pilotage)], [str(strategic)])
    assert leads_and_partners(plan, "3.2.2") == ([str(pilotage)], [])
    cje, cegep = str(beauce_table_a["cje"]), str(beauce_table_a["cegep"])
    assert leads_and_partners(plan, "1.1.1") == ([str(strategic)], sorted([cje, cegep]))
    measures = Measure.objects.of_plan(plan)
    assert Measure.leads.through.objects.filter(measure__in=measures).count() == 8 + 4 + 5
    assert Measure.partners.through.objects.filter(measure__in=measures).count() == 9 + 2
    # the text stays as written
    assert measures.get(number="2.1.4").responsibility == "MRCs"


@pytest.mark.django_db
def test_a_confirmation_sent_twice_creates_the_organisation_once(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    data = confirmation(preview_page(client, table_a), {"Comité de pilotage": {"action": CREATE}})
    client.post(import_url(table_a), data)
    second = client.post(import_url(table_a), data, follow=True)
    assert "a déjà été importé" in text_of(second)
    assert Organisation.objects.filter(name="Comité de pilotage").count() == 1
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_a_name_created_by_an_earlier_import_is_linked_not_created_again(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    for title in ("Plan", "Plan révisé"):
        preview = preview_page(client, table_a)
        choice = {"action": CREATE, "name": "MRC partenaires", "acronym": ""}
        data = confirmation(preview, {"MRCs": choice})
        client.post(import_url(table_a), {**data, "title": title, "slug": ""})
    assert Organisation.objects.filter(name="MRC partenaires").count() == 1
    assert Plan.objects.count() == 2
    for plan in Plan.objects.all():
        assert leads_and_partners(plan, "4.1.1") == (["MRC partenaires"], [])


@pytest.mark.django_db
def test_an_organisation_created_with_its_acronym_is_recognised_next_time(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    preview = preview_page(client, table_a)
    assert (
        'name="org_{}_acronym" value="MRCs"'.format(
            [name.text for name in preview.context["org_form"].names].index("MRCs")
        )
        in preview.content.decode()
    )  # an acronym as written is offered as the sigle
    data = confirmation(preview, {"MRCs": {"action": CREATE, "name": "MRC partenaires"}})
    client.post(import_url(table_a), data)
    page = text_of(preview_page(client, table_a))
    assert "« MRCs » → MRC partenaires (MRCs) (moyens d'action 2.1.4, 4.1.1, 4.1.2, 4.1.3)" in page
    assert "« MRCs », nommé" not in page


@pytest.mark.django_db
def test_a_choice_naming_another_tables_organisation_is_refused(
    client, coordinator_a, table_a, table_b, beauce_table_a
):
    elsewhere = member_of(table_b, "MRC d'une autre table")
    client.force_login(coordinator_a)
    preview = preview_page(client, table_a)
    data = confirmation(
        preview,
        {
            "MRCs": {"action": MAP, "organisation": str(elsewhere.pk)},
            "Comité de pilotage": {"action": CREATE},
        },
    )
    before = row_counts()
    response = client.post(import_url(table_a), data)
    assert (
        "Cette organisation n'est pas une organisation de la table : choisissez-en une dans la "
        "liste." in text_of(response)
    )
    assert "Aperçu du plan" in text_of(response)  # the preview stays, to correct the choice
    # Said at the top of the page, with a link to the choices far below.
    page = text_of(response)
    summary = page.index("des choix d'organisations sont à corriger")
    assert summary < page.index("Aperçu du plan")
    assert 'href="#organisations"' in page and 'id="organisations"' in page
    assert row_counts() == before


@pytest.mark.django_db
def test_the_import_refuses_a_choice_of_another_tables_organisation(table_a, table_b):
    elsewhere = member_of(table_b, "MRC d'une autre table")
    before = row_counts()
    with pytest.raises(OrganisationChoiceError) as refused:
        import_document(
            table=table_a,
            preview=preview_document(data=BEAUCE.read_bytes()),
            title="Plan",
            organisation_choices=[
                OrganisationChoice("Comité de pilotage", CREATE, name="Comité de pilotage"),
                OrganisationChoice("MRCs", MAP, organisation_id=elsewhere.pk),
            ],
        )
    assert refused.value.messages == [
        "« MRCs » : l'organisation choisie n'est pas une organisation de Table A."
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_creating_a_name_another_tables_organisation_holds_is_refused(
    client, coordinator_a, table_a, table_b
):
    member_of(table_b, "Comité de pilotage")
    client.force_login(coordinator_a)
    data = confirmation(preview_page(client, table_a), {"Comité de pilotage": {"action": CREATE}})
    before = row_counts()
    page = text_of(client.post(import_url(table_a), data))
    assert (
        "« Comité de pilotage » : une organisation d'une autre table porte déjà ce nom ; donnez "
        "un autre nom à la nouvelle organisation." in page
    )
    assert row_counts() == before


@pytest.mark.django_db
def test_a_choice_needs_its_organisation_or_its_name(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    data = confirmation(
        preview_page(client, table_a),
        {
            "MRCs": {"action": MAP, "organisation": ""},
            "Comité de pilotage": {"action": CREATE, "name": " "},
        },
    )
    page = text_of(client.post(import_url(table_a), data))
    assert "Choisissez l'organisation de la table." in page
    assert "Donnez le nom de la nouvelle organisation." in page
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_choices_made_on_a_list_that_changed_since_the_preview_are_not_applied(
    client, coordinator_a, table_a, beauce_table_a
):
    client.force_login(coordinator_a)
    preview = preview_page(client, table_a)
    data = confirmation(preview, {"Comité de pilotage": {"action": CREATE}})
    member_of(table_a, "Accompagnement Québec")  # one name fewer to choose for
    page = text_of(client.post(import_url(table_a), data))
    assert "Les noms à associer ont changé depuis l'aperçu" in page
    assert not Plan.objects.exists()
    assert not Organisation.objects.filter(name="Comité de pilotage").exists()


@pytest.mark.django_db
def test_names_left_as_text_create_nothing(client, coordinator_a, table_a, beauce_table_a):
    client.force_login(coordinator_a)
    organisations = Organisation.objects.count()
    client.post(import_url(table_a), confirmation(preview_page(client, table_a), {}))
    plan = Plan.objects.get()
    assert Organisation.objects.count() == organisations
    assert leads_and_partners(plan, "2.1.4") == ([], [])
    assert Measure.objects.of_plan(plan).get(number="2.1.4").responsibility == "MRCs"
