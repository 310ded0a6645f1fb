"""Plan documents as coordinators hold them (fixtures/plans/, written by
scripts/make-plan-documents): the rows each reader finds, the same plan from every format, and
the files refused with a message that says what they are."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from actionplans.imports.errors import PlanParseError
from actionplans.imports.parsing import parse_rows
from actionplans.imports.rows import rows_from_document
from actionplans.models import Plan
from tests.hostile.bad_input import page_text, row_counts

PLANS = Path(__file__).resolve().parents[2] / "fixtures" / "plans"
BEAUCE = "beauce-2022-2025"
PARI = "pari-capitale-nationale-2007-2010"

HEADER = (
    ("Moyens d'action", "Responsables partenaires", "Échéance", "Budget", "", "", "Résultats attendus", ""),
    ("", "", "", "RH", "HR", "Autres", "Indicateurs", "Cibles"),
)  # fmt: skip
MEASURE_111 = (
    "1.1.1 Soutenir les partenaires qui accueilleront de nouveaux arrivants en développant "
    "pour eux des capsules d'informations.",
    "Table stratégique : CSSBE, Cégep, Accompagnement Québec, Entreprises (valider thématiques "
    "abordées), CJE, etc.",
    "Ans 1- 2",
    "11 340$",
    "90",
    "6 000$ firme externe",
    "Nombre de capsules",
    "3 capsules",
)
TITLE_133 = (
    "1.3.3 Accompagner les personnes immigrantes et leurs familles en fonction de leurs besoins "
    "(famille/école/ camp de jour, garderie, accès aux documents officiels selon leurs statuts "
    "(NAS, carte assurance maladie, permis conduire, etc.), recherche de logements et "
    "branchements hydro, internet, logements, achats essentiels, visite hôtel de ville, RAC, "
    "autres)"
)


def rows_of(name):
    rows, warnings = rows_from_document((PLANS / name).read_bytes())
    assert warnings == []
    return rows


def row_starting(rows, text):
    return next(row for row in rows if row.cells[0].startswith(text))


def single(text):
    return " ".join(text.split())


@pytest.mark.parametrize("extension", ["docx", "odt"])
def test_the_word_and_odt_tables_keep_their_columns(extension):
    rows = rows_of(f"{BEAUCE}.{extension}")
    headings = [row.cells[0] for row in rows if len(row.cells) == 1]
    assert headings[:3] == [
        "ID TERRITOIRES",
        "RURALITÉ - DÉVELOPPEMENT - VITALITÉ",
        "PLAN D'ACTION",
    ]
    assert "Les moyens d'action sur fond gris ne font pas partie de la demande PAC." in headings
    assert [
        heading[:25] for heading in headings if heading.startswith(("AXE", "Objectif spécifique"))
    ][:4] == [
        "AXE 1 : Accompagner les p",
        "Objectif spécifique 1.1 :",
        "Objectif spécifique 1.2 :",
        "Objectif spécifique 1.3 :",
    ]
    # Objective 1.1's table: the merged header (Budget over three columns, the first three
    # cells merged down), then measure 1.1.1 and its « Total : » line under « RH ».
    first_table = rows.index(row_starting(rows, "Objectif spécifique 1.1")) + 1
    assert [row.cells for row in rows[first_table : first_table + 4]] == [
        *HEADER,
        MEASURE_111,
        ("", "", "", "Total : 17 340$", "", "", "", ""),
    ]
    measure = row_starting(rows, "2.1.1")
    assert measure.cells[1] == "SAIM\nComité de travail supralocale"
    assert measure.cells[6:] == (
        "Nb de guides\nPlan de diffusion",
        "1 par SAIM\n1 plan de diffusion",
    )
    bullets = row_starting(rows, "2.1.4").cells[7].split("\n")
    assert bullets[:4] == [
        "An 1:",
        "- Coordonner 19 SAIM",
        "- Animation 2 rencontres TSC",
        "- 1 rencontre table stratégique",
    ]
    assert [row.cells[0][:5] for row in rows if row.shaded] == ["1.3.3", "1.3.4"]


def test_the_odt_reads_as_the_word_document_it_was_saved_from():
    assert rows_of(f"{BEAUCE}.odt") == rows_of(f"{BEAUCE}.docx")


def test_the_pdf_characters_read_the_quick_way_are_pdfplumbers():
    """The PDF reader builds its characters itself (pdf._plain_chars): they are pdfplumber's,
    bar the colours and marked-content tags, and every other object is left to pdfplumber."""
    import pdfplumber

    from actionplans.imports.pdf import _plain_chars

    data = (PLANS / f"{BEAUCE}.pdf").read_bytes()
    omitted = {"ncs", "stroking_color", "non_stroking_color", "mcid", "tag"}
    with pdfplumber.open(io.BytesIO(data)) as theirs, pdfplumber.open(io.BytesIO(data)) as ours:
        for their_page, our_page in zip(theirs.pages, ours.pages, strict=True):
            _plain_chars(our_page)
            assert our_page.chars
            assert our_page.chars == [
                {key: value for key, value in char.items() if key not in omitted}
                for char in their_page.chars
            ]
            for kind in ("rects", "lines", "curves"):
                assert getattr(our_page, kind) == getattr(their_page, kind)


def test_the_pdf_tables_keep_their_columns_and_rows_cut_by_a_page():
    rows = rows_of(f"{BEAUCE}.pdf")
    # A line wraps where the page made it; « Accompagnement Québec » is taken for two
    # organisations, one per line, as a capitalised line usually is one.
    assert tuple(map(single, row_starting(rows, "1.1.1").cells)) == MEASURE_111
    assert rows[rows.index(row_starting(rows, "Objectif spécifique 1.1")) + 1].cells == HEADER[0]
    # 1.3.3 is cut by the page break after « selon »: one row again, still shaded, the
    # repeated header of the next page left in place for the parser.
    cut = row_starting(rows, "1.3.3")
    assert single(cut.cells[0]) == TITLE_133
    assert cut.cells[1:] == (
        "CJE – SAIM\nServices de loisirs",
        "En continu",
        "PASI",
        "",
        "",
        "SO",
        "SO",
    )
    assert [row.cells[0][:5] for row in rows if row.shaded] == ["1.3.3", "1.3.4"]
    after = rows[rows.index(cut) + 1 :]
    assert [row.cells for row in after[:2]] == list(HEADER)
    assert after[2].cells[0].startswith("1.3.4")
    last = row_starting(rows, "3.1.1")
    assert single(last.cells[0]).endswith(
        "pour la réalisation d'activités communes de recrutement international"
    )
    assert last.cells[6] == (
        "Nb de rencontre de travail\nDéveloppement de mécanismes régionaux cohérents\nPlan d'action"
    )
    # Lines ended by their author stay lines; lines wrapped by the page width do not.
    assert row_starting(rows, "2.1.1").cells[6:] == (
        "Nb de guides\nPlan de diffusion",
        "1 par SAIM\n1 plan de diffusion",
    )
    assert row_starting(rows, "2.1.4").cells[7].split("\n")[:3] == [
        "An 1:",
        "- Coordonner 19 SAIM",
        "- Animation 2 rencontres TSC",
    ]
    # Headings wrapped over two lines are one row.
    assert (
        "Objectif spécifique 1.2 : Organiser un accueil et une installation optimale (premières "
        "semaines d'arrivée)"
    ) in [row.cells[0] for row in rows]


def measures(plan):
    return [
        (m.number, single(m.title), m.budget.total, m.document_total, m.schedule_text)
        for m in plan.measures
    ]


@pytest.mark.parametrize("extension", ["docx", "pdf", "odt"])
def test_every_format_of_the_beauce_plan_gives_the_plan_of_its_text(extension):
    text = parse_rows(rows_of(f"{BEAUCE}.txt"))
    plan = parse_rows(rows_of(f"{BEAUCE}.{extension}"))
    assert len(plan.measures) == len(text.measures) == 27
    assert [axis.number for axis in plan.axes] == [1, 2, 3, 4]
    assert [objective.number for objective in plan.objectives] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1",
    ]  # fmt: skip
    assert measures(plan) == measures(text)
    first = plan.measures[0]
    assert (first.budget.staff_amount, first.budget.staff_hours, first.budget.other_amount) == (
        Decimal(11340),
        Decimal(90),
        Decimal(6000),
    )
    assert first.document_total == Decimal(17340)
    assert plan.budget_total == text.budget_total
    assert [expense.amount for expense in plan.expenses] == [Decimal(14000), Decimal(13000)]
    assert (plan.start_date.isoformat(), plan.end_date.isoformat()) == ("2022-04-01", "2025-03-31")


def test_the_pari_plan_in_word():
    rows = rows_of(f"{PARI}.docx")
    assert rows[0].cells == ("PROGRAMME D' ACTIONS RÉGIONALES EN IMMIGRATION (PARI)",)
    headings = [row.cells[0] for row in rows if row.cells[0].startswith("OBJECTIF")]
    assert len(headings) == 8
    assert headings[4] == (
        "OBJECTIF 5 : FAVORISER L'ADÉQUATION ENTRE LES PROFILS DES CANDIDATS À L'IMMIGRATION ET "
        "LES BESOINS EN MAIN-D'ŒUVRE DES EMPLOYEURS"
    )
    first = rows.index(row_starting(rows, "OBJECTIF 1"))
    assert rows[first + 1].cells == ("", "2007-2008", "2008-2009", "2009-2010")
    action = rows[first + 2]
    assert action.cells[1:] == ("X", "", "")
    assert action.cells[0].split("\n") == [
        "Action 1 Créer des Tables de concertation locales dont les mandats seront, entre autres "
        "et selon les besoins :",
        "- Concerter et mobiliser les acteurs locaux;",
        "- Se doter d'une structure et d'un programme d'accueil des immigrants et de leur famille;",
        "- Coordonner les activités et services aux immigrants;",
        "- Réaliser une «Guide du nouvel arrivant»;",
        "- Offrir à court et moyen termes, un service d'accompagnement des personnes immigrantes "
        "nouvellement installées.",
    ]
    assert rows[first + 3].cells[1:] == ("", "", "X")
    seventh = rows.index(row_starting(rows, "OBJECTIF 7"))
    assert rows[seventh + 2].cells[0].split("\n")[1:] == [
        "Sous action 1.1 : Organiser différents événements visant à promouvoir les goûts et les "
        "saveurs d'ailleurs.",
        "Sous action 1.2 : Réaliser et diffuser un bottin des épiceries multiculturelles de la "
        "région.",
    ]
    actions = [row for row in rows if row.cells[0].startswith("Action ")]
    assert len(actions) == 40
    assert not any(row.shaded for row in rows)


# --- Files that are not a plan, uploaded on the admin's « Importer un plan » ----------------


def zip_bytes(members):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return stream.getvalue()


def image_only_pdf():
    stream = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(stream, "PDF")
    return stream.getvalue()


ACCEPTED = (
    "le plan doit être un document Word (.docx), OpenDocument (.odt), PDF, un classeur .xlsx ou "
    "du texte."
)
REFUSED = [
    pytest.param(
        "plan.pptx",
        lambda: zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}),
        f"Ce fichier est une présentation PowerPoint (.pptx) ; {ACCEPTED}",
        id="pptx",
    ),
    pytest.param(
        "plan.doc",
        lambda: (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "WordDocument".encode("utf-16-le")
        ),
        "Ce fichier est un document Word d'ancien format (.doc) : ouvrez-le dans Word et "
        "enregistrez-le en .docx (Fichier › Enregistrer sous), puis déposez le fichier .docx.",
        id="doc",
    ),
    pytest.param(
        "plan.docx",
        lambda: zip_bytes({"word/document.xml": b"<w:document/>" + b" " * 60 * 2**20}),
        "Une fois décompressé, le document ferait 60,0 Mo (limite : 50 Mo) : il ressemble à "
        "une bombe de décompression.",
        id="bombe-docx",
    ),
    pytest.param(
        "plan.pdf",
        lambda: (PLANS / f"{BEAUCE}.pdf").read_bytes()[:30_000],
        "Ce PDF est endommagé ou incomplet : il n'a pas pu être lu.",
        id="pdf-tronque",
    ),
    pytest.param(
        "plan.pdf",
        image_only_pdf,
        "Ce PDF ne contient aucun texte : c'est sans doute un document numérisé (des images de "
        "pages). Déposez le document Word d'origine ou un PDF enregistré depuis le traitement de "
        "texte.",
        id="pdf-image",
    ),
    pytest.param(
        "plan.docx",
        lambda: zip_bytes({"word/document.xml": b"<w:document><w:body>"}),
        "Ce document Word (.docx) est illisible.",
        id="docx-endommage",
    ),
    pytest.param(
        "plan.ods",
        lambda: zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
        f"Ce fichier est un classeur OpenDocument (.ods) : enregistrez-le en .xlsx ; {ACCEPTED}",
        id="ods",
    ),
    pytest.param(
        "plan.docx",
        lambda: zip_bytes(
            {"word/document.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "a">]><d/>'}
        ),
        "La partie word/document.xml du document déclare un DOCTYPE : refusé.",
        id="docx-doctype",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build", "message"), REFUSED)
def test_files_that_are_not_a_plan_are_named_and_change_nothing(
    client, coordinator_a, table_a, name, build, message
):
    client.force_login(coordinator_a)
    before = row_counts()
    response = client.post(
        reverse("admin:actionplans_plan_import", args=[table_a.pk]),
        {"document": SimpleUploadedFile(name, build()), "title": "Plan", "preview": "1"},
    )
    assert message in " ".join(page_text(response).split())
    assert response.context["preview"] is None
    assert not Plan.objects.exists()
    assert row_counts() == before


@pytest.mark.django_db
def test_a_word_plan_is_previewed_and_created_from_the_admin(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    url = reverse("admin:actionplans_plan_import", args=[table_a.pk])
    upload = SimpleUploadedFile(f"{BEAUCE}.docx", (PLANS / f"{BEAUCE}.docx").read_bytes())
    preview = client.post(url, {"document": upload, "title": "Plan Beauce", "preview": "1"})
    parsed = preview.context["preview"].parsed
    assert len(parsed.measures) == 27
    response = client.post(
        url,
        {
            "title": "Plan Beauce",
            "source": preview.context["preview"].source,
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(table=table_a)
    assert plan.title == "Plan Beauce"
    assert plan.start_date.isoformat() == "2022-04-01"


def test_a_reader_error_is_a_plan_parse_error():
    with pytest.raises(PlanParseError) as error:
        rows_from_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert error.value.messages == [f"Ce fichier est une image ; {ACCEPTED}"]
