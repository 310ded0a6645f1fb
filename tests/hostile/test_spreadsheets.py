"""Hostile spreadsheets on both ways in: the plan document import ("Importer un plan", an .xlsx
read as a plan) and the spreadsheet round trip (the admin's "Importer" on measures, through
django-import-export). Each file is refused with a message saying what was wrong and the
limit, or read within bounds; none changes a row."""

import html
import io
import os
import tempfile
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import Measure
from portal.bench import (
    HOSTILE_WORKBOOKS,
    MAIN_NS,
    PLAN_ROWS,
    hostile_workbook,
    xlsx_bytes,
    xlsx_sheet,
    xlsx_sheet_bytes,
)
from tests.actionplans.test_import import row_counts

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"

# What the user reads for each workbook of portal.bench.HOSTILE_WORKBOOKS, on either page.
REFUSALS = {
    "300 Mo une fois décompressé": (
        "Une fois décompressé, le classeur ferait 299,8 Mo (limite : 50 Mo) : il ressemble à "
        "une bombe de décompression."
    ),
    "compressé plusieurs centaines de fois": (
        "La partie xl/worksheets/sheet1.xml du classeur est compressée 393 fois (limite : 100 "
        "fois) : il ressemble à une bombe de décompression."
    ),
    "une cellule en XFD1048576": (
        f"Feuille Plan : la ligne 1{NBSP}048{NBSP}576 dépasse la limite de 5{NBSP}000 lignes."
    ),
    "6 000 lignes": f"Feuille Plan : la ligne 5{NBSP}001 dépasse la limite de 5{NBSP}000 lignes.",
    "150 colonnes": "Feuille Plan, cellule CW1 : la colonne dépasse la limite de 100 colonnes.",
    "300 000 éléments hors des lignes": (
        f"Feuille Plan : plus de 200{NBSP}000 éléments XML (limite : 200{NBSP}000)."
    ),
    "une cellule de 5 000 fragments": (
        f"Feuille Plan : plus de 1{NBSP}000 éléments XML (limite : 1{NBSP}000)."
    ),
    "600 000 textes partagés": (
        f"Partie xl/sharedStrings.xml : plus de 500{NBSP}000 textes (limite : 500{NBSP}000)."
    ),
    "styles de 6 Mo": "Partie xl/styles.xml : 6,0 Mo (limite : 5 Mo).",
    "entités XML en cascade": (
        "Feuille Plan : déclaration DOCTYPE refusée (un classeur Excel n'en contient jamais)."
    ),
    "2 000 parties": f"Le classeur contient 2{NBSP}005 parties (limite : 1{NBSP}000).",
}
REFUSED = [name for name, (_build, refused) in HOSTILE_WORKBOOKS.items() if refused]
NOT_A_ZIP = "Ce fichier n'est pas un classeur .xlsx (ce n'est pas une archive zip valide)."
UNREADABLE = "Ce classeur .xlsx est illisible."
# A plan document is named by its content: a broken zip may have been a .docx as well.
DAMAGED_ZIP = (
    "Ce fichier est endommagé : ce n'est pas une archive zip valide, comme le sont les "
    "documents .docx et .odt et les classeurs .xlsx."
)


def _sheet(body):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        f"{body}</sheetData></worksheet>"
    ).encode()


def _plan_with_target(target_cell):
    """PLAN_ROWS with ``target_cell`` (raw XML) as the target of measure 1.1.1 in H3."""
    rows = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{row[0]}</t></is></c></row>'
        for number, row in enumerate(PLAN_ROWS[:2], start=1)
    )
    measure = "".join(
        f'<c r="{column}3" t="inlineStr"><is><t>{value}</t></is></c>'
        for column, value in zip("ABCDEFG", PLAN_ROWS[2], strict=False)
        if value
    )
    return xlsx_bytes(_sheet(f'{rows}<row r="3">{measure}{target_cell}</row>'))


def _truncated():
    whole = xlsx_sheet_bytes(PLAN_ROWS)
    return whole[: len(whole) // 2]


def _corrupted_deflate():
    """A valid archive whose sheet's compressed bytes were overwritten in the middle."""
    data = bytearray(xlsx_sheet_bytes([[f"Ligne {n} " * 20] for n in range(200)]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = b"\xff" * 64
    return bytes(data)


def _not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# Damaged or disguised files: (bytes builder, what the plan import says, what the spreadsheet
# import says).
DAMAGED = {
    "XML de la feuille tronqué": (
        lambda: xlsx_bytes(_sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>AXE')[:-30]),
        "Feuille Plan : XML mal formé (ligne 1, colonne",
        "Feuille Plan : XML mal formé (ligne 1, colonne",
    ),
    "balise fermée deux fois": (
        lambda: xlsx_bytes(_sheet('<row r="1"></row></row>')),
        "Feuille Plan : XML mal formé (ligne 1, colonne",
        "Feuille Plan : XML mal formé (ligne 1, colonne",
    ),
    "styles corrompus": (
        lambda: xlsx_bytes(xlsx_sheet(PLAN_ROWS), parts={"xl/styles.xml": b"<styleSheet><a>"}),
        "Partie xl/styles.xml : XML mal formé",
        "Partie xl/styles.xml : XML mal formé",
    ),
    "archive tronquée": (_truncated, DAMAGED_ZIP, NOT_A_ZIP),
    "en-tête zip suivi de déchets": (
        lambda: b"PK\x03\x04" + b"\x00\x17garbage" * 200,
        DAMAGED_ZIP,
        NOT_A_ZIP,
    ),
    "données compressées abîmées": (_corrupted_deflate, UNREADABLE, UNREADABLE),
    "archive zip qui n'est pas un classeur": (
        _not_a_workbook,
        "Ce document Word (.docx) est illisible.",  # it holds word/document.xml
        "Ce fichier n'est pas un classeur .xlsx.",
    ),
    "PDF renommé en .xlsx": (
        lambda: b"%PDF-1.7\n\x00\x01\x02\xff binary " * 50,
        "Ce PDF est endommagé ou incomplet : il n'a pas pu être lu.",
        NOT_A_ZIP,
    ),
}


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def coordinator_client(client, coordinator_a, measure_a):
    client.force_login(coordinator_a)
    return client


def post_plan_document(client, table, data, name="plan.xlsx"):
    return client.post(
        reverse("admin:actionplans_plan_import", args=[table.pk]),
        {
            "document": SimpleUploadedFile(name, data),
            "title": "Plan hostile",
            "start_date": "2024-04-01",
            "preview": "1",
        },
    )


def format_index(client, label):
    choices = client.get(reverse("admin:actionplans_measure_import")).context["form"]
    return next(value for value, text in choices.fields["format"].choices if text == label)


def post_spreadsheet(client, plan, data, file_format="xlsx", name=None):
    return client.post(
        reverse("admin:actionplans_measure_import"),
        {
            "import_file": SimpleUploadedFile(name or f"plan.{file_format}", data),
            "format": format_index(client, file_format),
            "plan": plan.pk,
        },
    )


def assert_refused_by_plan_import(response, message):
    page = page_text(response)
    assert "Le document n'a pas pu être importé" in page
    assert message in page
    assert "Aperçu du plan" not in page


def assert_refused_by_spreadsheet_import(response, message):
    assert response.context.get("confirm_form") is None
    assert message in page_text(response)


@pytest.mark.parametrize("name", REFUSED)
def test_plan_import_refuses_a_hostile_workbook(coordinator_client, table_a, name):
    before = row_counts()
    response = post_plan_document(coordinator_client, table_a, hostile_workbook(name))
    assert_refused_by_plan_import(response, REFUSALS[name])
    assert row_counts() == before


@pytest.mark.parametrize("name", REFUSED)
def test_spreadsheet_import_refuses_a_hostile_workbook(coordinator_client, plan_a, name):
    before = row_counts()
    response = post_spreadsheet(coordinator_client, plan_a, hostile_workbook(name))
    assert_refused_by_spreadsheet_import(response, REFUSALS[name])
    assert row_counts() == before


def test_a_lying_dimension_is_read_within_bounds_by_the_plan_import(coordinator_client, table_a):
    """The sheet says A1:XFD1048576 (a million rows of 16 384 cells); its three rows are read."""
    before = row_counts()
    response = post_plan_document(
        coordinator_client, table_a, hostile_workbook("un million de lignes annoncées")
    )
    page = page_text(response)
    assert "Aperçu du plan" in page
    assert "1 moyen d'action" in page and "Organiser une fête" in page
    assert row_counts() == before


def test_a_lying_dimension_is_read_within_bounds_by_the_spreadsheet_import(
    coordinator_client, plan_a
):
    before = row_counts()
    response = post_spreadsheet(
        coordinator_client, plan_a, hostile_workbook("un million de lignes annoncées")
    )
    assert "colonne(s) manquante(s) : Numéro, Moyen d'action" in page_text(response)
    assert row_counts() == before


@pytest.mark.parametrize("name", list(DAMAGED))
def test_plan_import_explains_a_damaged_file(coordinator_client, table_a, name):
    build, message, _sheet_message = DAMAGED[name]
    before = row_counts()
    response = post_plan_document(coordinator_client, table_a, build())
    assert_refused_by_plan_import(response, message)
    assert row_counts() == before


@pytest.mark.parametrize("name", list(DAMAGED))
def test_spreadsheet_import_explains_a_damaged_file(coordinator_client, plan_a, name):
    build, _plan_message, message = DAMAGED[name]
    before = row_counts()
    response = post_spreadsheet(coordinator_client, plan_a, build())
    assert_refused_by_spreadsheet_import(response, message)
    assert row_counts() == before


def test_a_formula_without_value_is_a_warning_naming_its_cell(coordinator_client, table_a):
    before = row_counts()
    data = _plan_with_target('<c r="H3"><f>B3&amp;" activités"</f></c>')
    response = post_plan_document(coordinator_client, table_a, data)
    page = page_text(response)
    assert "Feuille Plan, cellule H3 : formule sans valeur calculée, ignorée." in page
    assert "1 moyen d'action" in page and "Organiser une fête" in page  # the measure is kept
    assert row_counts() == before


def test_a_formula_with_its_computed_value_is_read(coordinator_client, table_a):
    data = _plan_with_target('<c r="H3" t="str"><f>B3&amp;" activités"</f><v>19 activités</v></c>')
    page = page_text(post_plan_document(coordinator_client, table_a, data))
    assert "19 activités" in page
    assert "formule sans valeur calculée" not in page


def test_a_formula_computing_empty_text_is_not_a_warning(coordinator_client, table_a):
    data = _plan_with_target('<c r="H3" t="str"><f>IF(B3="","","x")</f><v></v></c>')
    page = page_text(post_plan_document(coordinator_client, table_a, data))
    assert "Aperçu du plan" in page
    assert "formule sans valeur calculée" not in page


def test_a_formula_in_place_of_the_measure_number_is_named_with_the_error(
    coordinator_client, table_a
):
    """Without its number the row is no measure: the refusal says which formula is why."""
    rows = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{text}</t></is></c></row>'
        for number, text in enumerate(["AXE 1 : Accueil", "Objectif spécifique 1.1 : Ici"], 1)
    )
    data = xlsx_bytes(
        _sheet(
            f'{rows}<row r="3"><c r="A3"><f>"1.1.1 Fête"</f></c>'
            '<c r="B3" t="inlineStr"><is><t>MRC</t></is></c></row>'
        )
    )
    before = row_counts()
    response = post_plan_document(coordinator_client, table_a, data)
    assert_refused_by_plan_import(
        response, "Feuille Plan, cellule A3 : formule sans valeur calculée, ignorée."
    )
    assert "aucun moyen d'action numéroté" in page_text(response)
    assert row_counts() == before


def test_spreadsheet_import_refuses_a_formula_without_value(coordinator_client, plan_a):
    """An empty cell would erase what the plan holds: the file is refused, naming the cells."""
    data = xlsx_bytes(
        _sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Numéro</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>1.1.1</t></is></c>'
            '<c r="B2"><f>1+1</f></c><c r="C2"><f>2+2</f></c></row>'
        )
    )
    before = row_counts()
    response = post_spreadsheet(coordinator_client, plan_a, data)
    assert_refused_by_spreadsheet_import(
        response, "Feuille Plan, cellule(s) B2, C2 : formule sans valeur calculée."
    )
    assert row_counts() == before


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_spreadsheet_import_has_a_size_limit(coordinator_client, plan_a, file_format):
    before = row_counts()
    data = b"Num\xc3\xa9ro,Moyen d'action\n" + b"1.1.1,x\n" * (6 * 2**20 // 8)
    response = post_spreadsheet(coordinator_client, plan_a, data, file_format)
    assert_refused_by_spreadsheet_import(response, "Le fichier dépasse la taille maximale de 5 Mo.")
    assert row_counts() == before


CSV_CASES = {
    "6 000 lignes": (
        "Numéro\n" + "1.1.1\n" * 6000,
        f"Ligne 5{NBSP}001 : le fichier dépasse la limite de 5{NBSP}000 lignes.",
    ),
    "150 colonnes": (
        ",".join(f"c{n}" for n in range(150)) + "\n",
        "Ligne 1 : 150 colonnes (limite : 100 colonnes).",
    ),
    "octet nul": ("Numéro\n1.1.1\x00\n", "Ligne 2 : caractère nul (0x00) refusé."),
    "guillemet jamais fermé": (
        'Numéro\n"' + "a" * 200_000 + "\n",
        "Ligne 2 : le fichier CSV est mal formé.",
    ),
}


@pytest.mark.parametrize("name", list(CSV_CASES))
def test_spreadsheet_import_bounds_a_csv(coordinator_client, plan_a, name):
    text, message = CSV_CASES[name]
    before = row_counts()
    response = post_spreadsheet(coordinator_client, plan_a, text.encode(), "csv")
    assert_refused_by_spreadsheet_import(response, message)
    assert row_counts() == before


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("Numéro,Titre\n1.1.1,Été\n".encode("latin-1"), id="CSV en Latin-1"),
        pytest.param(xlsx_sheet_bytes([["Numéro"]]), id="classeur déclaré CSV"),
    ],
)
def test_spreadsheet_import_explains_a_file_that_is_not_utf8_text(coordinator_client, plan_a, data):
    before = row_counts()
    response = post_spreadsheet(coordinator_client, plan_a, data, "csv")
    assert_refused_by_spreadsheet_import(
        response,
        "Ce fichier n'est pas du texte UTF-8 : enregistrez-le en CSV UTF-8 ou en .xlsx.",
    )
    assert row_counts() == before


def test_a_file_swapped_before_confirmation_is_refused_with_a_message(coordinator_client, plan_a):
    """The confirmation step reads the stored file again in the format it is told: a bomb put
    in its place (or a format changed in the form) is refused there too."""
    handle, path = tempfile.mkstemp()
    with os.fdopen(handle, "wb") as stored:
        stored.write(hostile_workbook("une cellule en XFD1048576"))
    before = row_counts()
    response = coordinator_client.post(
        reverse("admin:actionplans_measure_process_import"),
        {
            "import_file_name": os.path.basename(path),
            "original_file_name": "plan.xlsx",
            "format": format_index(coordinator_client, "xlsx"),
            "resource": "0",
            "plan": plan_a.pk,
        },
        follow=True,
    )
    os.remove(path)
    assert response.redirect_chain[-1][0] == reverse("admin:actionplans_measure_import")
    assert REFUSALS["une cellule en XFD1048576"] in page_text(response)
    assert row_counts() == before
    assert Measure.objects.of_plan(plan_a).count() == 1
