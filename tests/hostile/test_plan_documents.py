"""Hostile plan documents in the admin's "Importer un plan": each one gets a message on the page
(naming its line and, for a value too large or too long, the measure and the field), and no row
is written, neither at the preview nor at the confirmation. Run on PostgreSQL too, where a value
that does not fit its column is a server error rather than a silent overflow."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.exports.plan import plan_export
from actionplans.imports.documents import import_document, preview_document
from actionplans.models import Plan
from tests.hostile.bad_input import page_text, row_counts

pytestmark = pytest.mark.django_db

PERIOD = "Plan d'action (du 1er avril 2022 au 31 mars 2025)"
TREE = ["AXE 1 : Accueillir", "Objectif spécifique 1.1 : Accueillir les familles"]
MEASURE = "1.1.1 Organiser une fête\tMRC\tAns 1 et 2\t11 340 $\t90 h\t6 000 $\tNb d'activités\t3"
LONG = "x" * 501


def document(*lines, period=PERIOD, tree=TREE):
    return "\n".join([period, *tree, *lines])


def measure(number="1.1.1", title="Organiser une fête", responsibility="MRC", schedule="An 1",
            budget=("11 340 $", "90 h", "6 000 $"), indicator="Nb d'activités", target="3"):  # fmt: skip
    return "\t".join([f"{number} {title}", responsibility, schedule, *budget, indicator, target])


def import_url(table):
    return reverse("admin:actionplans_plan_import", args=[table.pk])


# (case, document text, what the coordinator reads)
BAD_DOCUMENTS = [
    (
        "31-fevrier",
        document(MEASURE, period="Plan d'action (du 1er avril 2022 au 31 février 2025)"),
        "Ligne 1 : « 31 février 2025 » n'est pas une date du calendrier.",
    ),
    (
        "30-fevrier-debut",
        document(MEASURE, period="Du 30 février 2022 au 31 mars 2025"),
        "Ligne 1 : « 30 février 2022 » n'est pas une date du calendrier.",
    ),
    (
        "29-fevrier-annee-commune",
        document(MEASURE, period="Du 29 février 2023 au 31 mars 2026"),
        "« 29 février 2023 » n'est pas une date du calendrier.",
    ),
    (
        "jour-zero",
        document(MEASURE, period="Du 0 avril 2022 au 31 mars 2025"),
        "« 0 avril 2022 » n'est pas une date du calendrier.",
    ),
    (
        "31-avril",
        document(MEASURE, period="Du 1 avril 2022 au 31 avril 2025"),
        "« 31 avril 2025 » n'est pas une date du calendrier.",
    ),
    (
        "annee-zero",
        document(MEASURE, period="Du 1 avril 0000 au 31 mars 2025"),
        "« 1 avril 0000 » n'est pas une date du calendrier.",
    ),
    (
        "fin-avant-debut",
        document(MEASURE, period="Du 1er avril 2025 au 31 mars 2022"),
        "Ligne 1 : La fin du plan (31 mars 2022) doit suivre son début (1er avril 2025).",
    ),
    (
        "fin-le-jour-du-debut",
        document(MEASURE, period="Du 1er avril 2025 au 1er avril 2025"),
        "La fin du plan (1er avril 2025) doit suivre son début (1er avril 2025).",
    ),
    (
        "annee-9999",
        document(MEASURE, period="Du 1er avril 2022 au 31 mars 9999"),
        "31 mars 9999 : l'année d'un plan doit être entre 1900 et 2100.",
    ),
    (
        "annee-1066",
        document(MEASURE, period="Du 14 octobre 1066 au 31 mars 2025"),
        "14 octobre 1066 : l'année d'un plan doit être entre 1900 et 2100.",
    ),
    (
        "objectif-en-double",
        document(MEASURE, "Objectif spécifique 1.1 : Encore", measure("1.1.2")),
        "Ligne 5 : l'objectif 1.1 apparaît deux fois dans l'axe 1 (déjà à la ligne 3).",
    ),
    (
        "axe-en-double",
        document(MEASURE, "AXE 1 : Encore", "Objectif 1.2 : B", measure("1.2.1")),
        "Ligne 5 : l'axe 1 apparaît deux fois.",
    ),
    (
        "moyen-en-double",
        document(MEASURE, measure("1.1.1", title="Deuxième")),
        "Ligne 5 : le numéro 1.1.1 est déjà utilisé à la ligne 4.",
    ),
    (
        "rh-trop-grand",
        document(measure(budget=("99 999 999 999 $", "90 h", "6 000 $"))),
        "Ligne 4, moyen d'action 1.1.1, « ressources humaines ($) » : "
        "Assurez-vous qu'il n'y a pas plus de 10 chiffres avant la virgule.",
    ),
    (
        "autres-trop-grand",
        document(measure(budget=("11 340 $", "90 h", "123456789012345 $"))),
        "Ligne 4, moyen d'action 1.1.1, « autres dépenses ($) » : "
        "Assurez-vous qu'il n'y a pas plus de 12 chiffres au total.",
    ),
    (
        "heures-trop-grandes",
        document(measure(budget=("11 340 $", "123456789 h", "6 000 $"))),
        "Ligne 4, moyen d'action 1.1.1, « heures » : "
        "Assurez-vous qu'il n'y a pas plus de 8 chiffres au total.",
    ),
    (
        "heures-trop-precises",
        document(measure(budget=("11 340 $", "12,345 h", "6 000 $"))),
        "« heures » : Assurez-vous qu'il n'y a pas plus de 1 chiffre après la virgule.",
    ),
    (
        "axe-numero-enorme",
        document(MEASURE, tree=["AXE 99999 : Accueillir", "Objectif 1.1 : B"]),
        "Ligne 2, axe 99999, « numéro » : "
        "Assurez-vous que cette valeur est inférieure ou égale à 32767.",
    ),
    (
        "axe-zero",
        document(MEASURE, tree=["AXE 0 : Accueillir", "Objectif 1.1 : B"]),
        "Ligne 2, axe 0, « numéro » : Assurez-vous que cette valeur est supérieure ou égale à 1.",
    ),
    (
        "axe-titre-trop-long",
        document(MEASURE, tree=[f"AXE 1 : {LONG}", "Objectif 1.1 : B"]),
        "Ligne 2, axe 1, « titre » : "
        "Assurez-vous que cette valeur comporte au plus 500 caractères (actuellement 501).",
    ),
    (
        "objectif-titre-trop-long",
        document(MEASURE, tree=["AXE 1 : A", f"Objectif 1.1 : {LONG}"]),
        "Ligne 3, objectif 1.1, « titre » : "
        "Assurez-vous que cette valeur comporte au plus 500 caractères (actuellement 501).",
    ),
    (
        "objectif-numero-trop-long",
        document(MEASURE, tree=["AXE 1 : A", f"Objectif {'1.' * 15}1 : B"]),
        "Ligne 3, objectif 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1, « numéro » : "
        "Assurez-vous que cette valeur comporte au plus 20 caractères (actuellement 31).",
    ),
    (
        "moyen-numero-trop-long",
        document(measure(number="1234567890123456789.1")),
        "Ligne 4, moyen d'action 1234567890123456789.1, « numéro » : "
        "Assurez-vous que cette valeur comporte au plus 20 caractères (actuellement 21).",
    ),
    (
        "echeance-trop-longue",
        document(measure(schedule="Ans 1, 2 et 3 " + "puis selon les besoins " * 5)),
        "Ligne 4, moyen d'action 1.1.1, « échéance (texte du plan) » : "
        "Assurez-vous que cette valeur comporte au plus 100 caractères",
    ),
    (
        "description-budget-trop-longue",
        document(measure(budget=("11 340 $", "90 h", "6 000 $ " + "firme " * 60))),
        "Ligne 4, moyen d'action 1.1.1, « description » : "
        "Assurez-vous que cette valeur comporte au plus 300 caractères",
    ),
    (
        "source-trop-longue",
        document(measure(budget=("11 340 $", "90 h", "6 000 $", "PAC " * 30))),
        "Ligne 4, moyen d'action 1.1.1, « source de financement (texte du plan) » : "
        "Assurez-vous que cette valeur comporte au plus 100 caractères",
    ),
    (
        "indicateur-trop-long",
        document(measure(indicator="Nombre " * 50)),
        "Ligne 4, moyen d'action 1.1.1, « indicateur » : "
        "Assurez-vous que cette valeur comporte au plus 300 caractères",
    ),
    (
        "cible-trop-longue",
        document(measure(target="An 1 : " + "activités " * 60)),
        "Ligne 4, moyen d'action 1.1.1, « cible (texte du plan) » : "
        "Assurez-vous que cette valeur comporte au plus 500 caractères",
    ),
    (
        "cible-nombre-trop-grand",
        document(measure(target="An 1 : 1234567890123 activités")),
        "Ligne 4, moyen d'action 1.1.1, « valeur » : "
        "Assurez-vous qu'il n'y a pas plus de 12 chiffres au total.",
    ),
    (
        "frais-trop-grands",
        document(MEASURE, "Frais de gestion\t99 999 999 999 $"),
        "Ligne 5, « Frais de gestion », « montant ($) » : "
        "Assurez-vous qu'il n'y a pas plus de 10 chiffres avant la virgule.",
    ),
    (
        "frais-libelle-trop-long",
        document(MEASURE, f"Frais de gestion {'et de suivi ' * 20}\t13 000 $"),
        "« libellé » : Assurez-vous que cette valeur comporte au plus 200 caractères",
    ),
    (
        "deux-erreurs-a-la-fois",
        document(measure(budget=("99 999 999 999 $", "90 h", "6 000 $"), indicator="N " * 200)),
        "« indicateur » : Assurez-vous que cette valeur comporte au plus 300 caractères",
    ),
]


def normalised(text):
    """Django's French messages use typographic apostrophes; the cases are written plainly."""
    return text.replace("\u2019", "'").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("text", "message"),
    [pytest.param(text, message, id=case) for case, text, message in BAD_DOCUMENTS],
)
def test_a_bad_document_is_explained_at_the_preview(client, coordinator_a, table_a, text, message):
    client.force_login(coordinator_a)
    before = row_counts()
    upload = SimpleUploadedFile("plan.txt", text.encode())
    response = client.post(
        import_url(table_a), {"document": upload, "title": "Plan", "preview": "1"}
    )
    assert response.status_code == 200
    page = normalised(page_text(response))
    assert "Le document n'a pas pu être importé" in page
    assert normalised(message) in page
    assert "Aperçu du plan" not in page
    assert row_counts() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [pytest.param(text, message, id=case) for case, text, message in BAD_DOCUMENTS[:13:3]],
)
def test_a_bad_text_sent_to_the_confirmation_writes_nothing(
    client, coordinator_a, table_a, text, message
):
    """The confirmation reads the text again: a doctored hidden field is refused the same way."""
    client.force_login(coordinator_a)
    before = row_counts()
    response = client.post(import_url(table_a), {"text": text, "title": "Plan", "confirm": "1"})
    assert normalised(message) in normalised(page_text(response))
    assert row_counts() == before


@pytest.mark.parametrize(
    "source",
    ["", "pas-signé", "W1sxLCBbIkFYRSAxIDogQSJdLCBmYWxzZV1d:forged:signature"],
    ids=["empty", "garbage", "forged"],
)
def test_an_altered_preview_is_refused_at_the_confirmation(client, coordinator_a, table_a, source):
    """The preview signs the rows it showed: a confirmation carrying other rows creates nothing."""
    client.force_login(coordinator_a)
    before = row_counts()
    response = client.post(import_url(table_a), {"source": source, "title": "Plan", "confirm": "1"})
    page = normalised(page_text(response))
    expected = (
        "Le document est vide."
        if not source
        else "L'aperçu envoyé a été modifié ou est illisible : déposez le document de nouveau."
    )
    assert expected in page
    assert row_counts() == before


def test_a_target_that_grows_past_its_field_once_the_plan_years_are_known(
    client, coordinator_a, table_a
):
    """A target for year 4 of a 3-year plan joins the whole-plan target: only the
    confirmation, which knows the plan's years, can see that it no longer fits."""
    target = "Pour le plan : " + "x" * 300 + " An 4 : " + "y" * 190
    text = document(measure(target=target))
    client.force_login(coordinator_a)
    preview = client.post(import_url(table_a), {"text": text, "title": "Plan", "preview": "1"})
    assert "Aperçu du plan" in page_text(preview)
    before = row_counts()
    response = client.post(import_url(table_a), {"text": text, "title": "Plan", "confirm": "1"})
    page = normalised(page_text(response))
    assert "Ligne 4, moyen d'action 1.1.1, « cible (texte du plan) » : " in page
    assert "au plus 500 caractères" in page
    assert row_counts() == before


NO_DATES = document(MEASURE, period="Plan d'action")


@pytest.mark.parametrize(
    ("start_date", "text", "message"),
    [
        pytest.param(
            "2026-04-01",
            document(MEASURE),
            "La fin du plan (31 mars 2025) doit suivre son début (1er avril 2026).",
            id="debut-apres-la-fin-du-document",
        ),
        pytest.param(
            "2025-03-31",
            document(MEASURE),
            "La fin du plan (31 mars 2025) doit suivre son début (31 mars 2025).",
            id="debut-le-jour-de-la-fin",
        ),
        pytest.param(
            "0001-01-01",
            NO_DATES,
            "1er janvier 0001 : l'année d'un plan doit être entre 1900 et 2100.",
            id="debut-an-1",
        ),
        pytest.param(
            "9999-12-31",
            NO_DATES,
            "31 décembre 9999 : l'année d'un plan doit être entre 1900 et 2100.",
            id="debut-an-9999",
        ),
        pytest.param("2025-02-31", NO_DATES, "Saisissez une date valide.", id="debut-31-fevrier"),
        pytest.param("demain", NO_DATES, "Saisissez une date valide.", id="debut-pas-une-date"),
    ],
)
def test_a_start_date_that_cannot_start_the_plan(
    client, coordinator_a, table_a, start_date, text, message
):
    client.force_login(coordinator_a)
    before = row_counts()
    for step in ("preview", "confirm"):
        response = client.post(
            import_url(table_a),
            {"text": text, "title": "Plan", "start_date": start_date, step: "1"},
        )
        assert message in normalised(page_text(response))
        assert row_counts() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"title": "T" * 301},
            "Assurez-vous que cette valeur comporte au plus 300 caractères (actuellement 301).",
            id="titre-trop-long",
        ),
        pytest.param({"title": "   "}, "Ce champ est obligatoire.", id="titre-blanc"),
        pytest.param(
            {"title": "Plan", "slug": "../../etc/passwd"},
            "Ce champ ne doit contenir que des lettres, des nombres, des tirets bas",
            id="identifiant-chemin",
        ),
        pytest.param(
            {"title": "Plan", "slug": "plan\x00"},
            "Le caractère nul n'est pas autorisé.",
            id="identifiant-nul",
        ),
        pytest.param({"title": "Plan\x00"}, "Le caractère nul n'est pas autorisé.", id="titre-nul"),
        pytest.param(
            {"title": "Plan", "text": document(MEASURE) + "\x00"},
            "Le caractère nul n'est pas autorisé.",
            id="texte-nul",
        ),
        pytest.param(
            {"title": "Plan", "slug": "s" * 201},
            "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 201).",
            id="identifiant-trop-long",
        ),
    ],
)
def test_bad_form_fields_are_refused(client, coordinator_a, table_a, fields, message):
    client.force_login(coordinator_a)
    before = row_counts()
    data = {"text": document(MEASURE), "confirm": "1", **fields}
    response = client.post(import_url(table_a), data)
    assert message in normalised(page_text(response))
    assert not Plan.objects.exists()
    assert row_counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "nul.txt", document(MEASURE).encode() + b"\x00", "ni du texte ni un classeur", id="nul"
        ),
        pytest.param(
            "bom.txt", b"\xef\xbb\xbf", "ne ressemble pas à un plan d'action", id="seulement-un-bom"
        ),
        pytest.param(
            "utf16.txt",
            b"\xff\xfe" + "AXE 1 : A\n".encode("utf-16-le"),
            "aucun moyen d'action numéroté",
            id="utf16-sans-moyen",
        ),
        pytest.param(
            "faux.xlsx",
            b"PK\x03\x04" + b"\x00" * 100,
            "Ce fichier est endommagé : ce n'est pas une archive zip valide, comme le sont les "
            "documents .docx et .odt et les classeurs .xlsx.",
            id="zip",
        ),
    ],
)
def test_bad_files_are_refused(client, coordinator_a, table_a, name, content, message):
    client.force_login(coordinator_a)
    before = row_counts()
    response = client.post(
        import_url(table_a),
        {"document": SimpleUploadedFile(name, content), "title": "Plan", "preview": "1"},
    )
    assert message in normalised(page_text(response))
    assert row_counts() == before


# --- The plan's spreadsheet, taken back in the admin ("Importer" on the measures) ----------


@pytest.fixture
def sheet_plan(table_a):
    text = document(
        measure("1.1.1", title="Fête"), measure("1.1.2", title="Jumelage", target="An 2 : 5")
    )
    return import_document(
        table=table_a, preview=preview_document(text=text), title="Plan", slug="plan-tableur"
    )


def sheet_rows(plan):
    content = plan_export(plan, "xlsx")[2]
    return tablib.Dataset().load(io.BytesIO(content), format="xlsx")


def post_sheet(client, plan, dataset):
    url = reverse("admin:actionplans_measure_import")
    formats = client.get(url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if label.lower() == "xlsx")
    upload = SimpleUploadedFile("plan.xlsx", dataset.export("xlsx"))
    return client.post(url, {"import_file": upload, "format": xlsx, "plan": plan.pk})


def changed(dataset, row, **cells):
    values = list(dataset[row])
    for column, value in cells.items():
        values[dataset.headers.index(column)] = value
    dataset[row] = values
    return dataset


@pytest.mark.parametrize(
    ("edit", "messages"),
    [
        pytest.param(
            lambda rows: changed(rows, 1, **{"Numéro": "1.1.1", "Moyen d'action": "Écrasé"}),
            [
                "Le moyen d'action 1.1.1 figure sur plusieurs lignes (1, 2) : gardez-en une "
                "seule, rien n'a été importé."
            ],
            id="deux-lignes-meme-numero",
        ),
        pytest.param(
            lambda rows: changed(rows, 1, **{"Numéro": " 1.1.1 "}),
            ["Le moyen d'action 1.1.1 figure sur plusieurs lignes (1, 2)"],
            id="meme-numero-avec-espaces",
        ),
        pytest.param(
            lambda rows: rows.append(list(rows[0])) or rows.append(list(rows[0])) or rows,
            ["Le moyen d'action 1.1.1 figure sur plusieurs lignes (1, 3, 4)"],
            id="trois-fois",
        ),
        pytest.param(
            lambda rows: changed(rows, 0, **{"RH ($)": "99999999999999"}),
            ["Colonne « RH ($) » : Assurez-vous qu'il n'y a pas plus de 12 chiffres au total."],
            id="rh-trop-grand",
        ),
        pytest.param(
            lambda rows: changed(rows, 0, **{"Heures": "123456789"}),
            ["Colonne « Heures » : Assurez-vous qu'il n'y a pas plus de 8 chiffres au total."],
            id="heures-trop-grandes",
        ),
        pytest.param(
            lambda rows: changed(rows, 0, **{"Source de financement": "PAC " * 30}),
            ["Colonne « Source de financement » : Assurez-vous que cette valeur comporte au "],
            id="source-trop-longue",
        ),
        pytest.param(
            lambda rows: changed(rows, 0, **{"Échéance": "Ans " + "1, " * 40}),
            ["Colonne « Échéance » : Assurez-vous que cette valeur comporte au plus 100 "],
            id="echeance-trop-longue",
        ),
        pytest.param(
            lambda rows: changed(rows, 0, **{"Indicateurs": "Nombre " * 50}),
            ["Colonne « Indicateurs » : Assurez-vous que cette valeur comporte au plus 300 "],
            id="indicateur-trop-long",
        ),
        pytest.param(
            lambda rows: changed(rows, 1, **{"Cible an 2": "5" * 14 + " activités"}),
            ["Colonne « Cible an 2 » : Assurez-vous qu'il n'y a pas plus de 12 chiffres"],
            id="cible-trop-grande",
        ),
        pytest.param(
            lambda rows: changed(rows, 1, **{"Cible pour le plan": "c" * 501}),
            ["Colonne « Cible pour le plan » : Assurez-vous que cette valeur comporte au plus"],
            id="cible-trop-longue",
        ),
    ],
)
def test_a_bad_spreadsheet_is_explained_and_imports_nothing(
    client, coordinator_a, sheet_plan, edit, messages
):
    client.force_login(coordinator_a)
    dataset = edit(sheet_rows(sheet_plan))
    before = row_counts()
    snapshot = list(sheet_rows(sheet_plan))
    response = post_sheet(client, sheet_plan, dataset)
    page = normalised(page_text(response))
    for message in messages:
        assert normalised(message) in page
    assert response.context.get("confirm_form") is None  # nothing to confirm
    assert row_counts() == before
    assert list(sheet_rows(sheet_plan)) == snapshot
