"""The report as a document the ministry files: who it is from on its cover, a PDF a screen
reader can walk (headings in order, tables, charts said in words), and an XLSX whose cells
are numbers, money and dates that a French spreadsheet program shows as Quebec writes them."""

import csv
import datetime
import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from accountability import reports
from accountability.data import PUBLIC, plan_for_report
from actionplans.models import Measure, Plan
from actionplans.periods import parse_period
from common.spreadsheets import COUNT_FORMAT, DATE_FORMAT, MONEY_FORMAT
from tests.builders import imported_beauce
from tests.factories import (
    ActivityFactory,
    MrcFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
)
from tests.pdf import NBSP

pytestmark = pytest.mark.django_db
CARRIER_EMAIL = "immigration@beauce-sartigan.example"
PRIVATE_EMAIL = "julie.tremblay@courriel-perso.example"


@pytest.fixture
def beauce(table_a):
    region = RegionFactory(code="12", name="Chaudière-Appalaches")
    table_a.mrcs.set(
        [
            MrcFactory(name="Robert-Cliche", region=region),
            MrcFactory(name="Beauce-Sartigan", region=region),
        ]
    )
    carrier = table_a.carrier
    carrier.name, carrier.acronym = "MRC de Beauce-Sartigan", ""
    carrier.email, carrier.phone = CARRIER_EMAIL, "418 228-8418"
    carrier.save()
    PersonFactory(organisation=carrier, title="Coordonnatrice", email=PRIVATE_EMAIL)
    plan = imported_beauce(table_a)
    measure = Measure.objects.of_plan(plan).get(number="1.3.1")
    indicator = measure.indicators.get()
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi")
    for title, day, participants, spent in [
        ("Fête des voisins interculturelle", datetime.date(2023, 6, 15), 1250, "1250.50"),
        ("Souper aux saveurs du monde", datetime.date(2023, 9, 20), 40, None),
    ]:
        activity = ActivityFactory(
            measure=measure,
            organisation=cje,
            date=day,
            title=title,
            status="approved",
            participants=participants,
            amount_spent=spent,
        )
        activity.values.create(indicator=indicator, value=5)
    return plan_for_report(Plan.objects.all()).get(pk=plan.pk)


def request_for(plan, period="2023-2024", **options):
    return reports.ReportRequest(plan=plan, period=parse_period(plan, period), **options)


def pdf_of(plan, **options):
    return reports.render_pdf(request_for(plan, **options))[2]


def page_texts(content):
    return [
        " ".join(page.extract_text().replace(NBSP, " ").split())
        for page in PdfReader(io.BytesIO(content)).pages
    ]


# The cover ---------------------------------------------------------------------------------


def test_the_cover_says_who_reports_on_what_and_for_when(beauce):
    cover, second, *_rest = page_texts(pdf_of(beauce))
    for fact in (
        "RAPPORT D'ÉTAPE",  # in capitals, as printed
        "Table A",
        "Plan Beauce",
        "Du 1er avril 2023 au 31 mars 2024",  # the period
        "MRC : Beauce-Sartigan, Robert-Cliche",
        "Région administrative Chaudière-Appalaches (12)",
        "Organisme porteur de la coordination MRC de Beauce-Sartigan",
        f"Joindre la coordination {CARRIER_EMAIL} · 418 228-8418",
        "Programme de financement Programme d'appui aux collectivités (PAC)",
        "Du 1er avril 2022 au 31 mars 2025",  # the plan
    ):
        assert fact in cover, fact
    assert PRIVATE_EMAIL not in cover and "Coordonnatrice" not in cover
    assert "Sommaire" not in cover  # the cover fits its own page
    assert second.startswith("Sommaire ") and "Table A Rapport d'étape Page 2 de" in second


def test_the_english_cover(beauce):
    cover = page_texts(pdf_of(beauce, lang="en", annual=True))[0]
    for fact in (
        "ANNUAL REVIEW",
        "From April 1, 2023 to March 31, 2024",
        "RCMs: Beauce-Sartigan, Robert-Cliche",
        "Administrative region Chaudière-Appalaches (12)",
        "Organisation carrying the coordination MRC de Beauce-Sartigan",
        "Funding programme",
    ):
        assert fact in cover, fact


def test_the_public_cover_keeps_an_unlisted_carriers_contact_out(beauce):
    carrier = beauce.table.carrier
    assert CARRIER_EMAIL in page_texts(pdf_of(beauce, variant=PUBLIC))[0]
    carrier.is_listed = False
    carrier.save()
    cover = page_texts(pdf_of(beauce, variant=PUBLIC))[0]
    assert "MRC de Beauce-Sartigan" in cover
    assert CARRIER_EMAIL not in cover and "Joindre la coordination" not in cover
    assert CARRIER_EMAIL in page_texts(pdf_of(beauce))[0]  # the full version keeps it


# The tagged PDF ----------------------------------------------------------------------------


def structure(content):
    """The PDF's structure tree in reading order: ``[(role, alternate text)]``."""
    reader = PdfReader(io.BytesIO(content))
    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return  # a marked-content id
        if "/S" in node:
            found.append((str(node["/S"])[1:], str(node.get("/Alt", ""))))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_the_pdf_is_tagged_with_headings_in_order_tables_and_charts_in_words(beauce):
    content = pdf_of(beauce)
    tree = structure(content)
    roles = [role for role, _alt in tree]
    levels = [int(role[1]) for role in roles if role in {"H1", "H2", "H3", "H4", "H5", "H6"}]
    assert levels[:2] == [1, 2] and {3, 4, 5} <= set(levels)
    skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skipped == []
    assert {"Table", "TR", "TH", "TD"} <= set(roles)
    charts = [alt for role, alt in tree if role == "Figure"]
    assert charts and all(charts), "every chart has its alternate text"
    # Measure 1.3.1: 10 activities of the 19 planned in year 2 (two of 5 each).
    assert any(alt.startswith("Période : 10 sur 19 (53 %) ; cumulatif : ") for alt in charts)
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        source = io.BytesIO(content)
        shown = subprocess.run(
            [pdfinfo, "-"], input=source.read(), capture_output=True, check=True, timeout=60
        ).stdout.decode()
        assert "Tagged:          yes" in shown


# The XLSX ----------------------------------------------------------------------------------


def workbook_of(plan, **options):
    return load_workbook(io.BytesIO(reports.report_xlsx(request_for(plan, **options))[2]))


def rows_by_header(sheet):
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_the_xlsx_cells_are_numbers_money_and_dates(beauce):
    workbook = workbook_of(beauce)
    summary = {
        row["Indicateur"].value: row["Valeur"] for row in rows_by_header(workbook["Sommaire"])
    }
    assert (summary["Participants"].value, summary["Participants"].number_format) == (
        1290,
        COUNT_FORMAT,
    )
    assert type(summary["Activités réalisées"].value) is int
    spent = summary["Déclaré sur les activités ($)"]
    assert (spent.value, spent.number_format) == (1250.5, MONEY_FORMAT)
    assert summary["Territoire (MRC)"].value == "Beauce-Sartigan, Robert-Cliche"
    assert summary["Région"].value == "Chaudière-Appalaches (12)"
    start = summary["Début de la période"]
    assert (start.value, start.number_format) == (datetime.datetime(2023, 4, 1), DATE_FORMAT)

    measures = {row["Numéro"].value: row for row in rows_by_header(workbook["Moyens d'action"])}
    planned = measures["1.1.1"]["Budget prévu ($)"]
    # « Ans 1-2 »: the report of 2023-2024 plans half of its 17 340 $.
    assert (planned.value, planned.data_type, planned.number_format) == (8670, "n", MONEY_FORMAT)
    assert measures["1.3.1"]["Activités"].value == 2

    activities = rows_by_header(workbook["Activités"])
    party = next(row for row in activities if row["Activité"].value.startswith("Fête"))
    assert (party["Date"].value, party["Date"].number_format) == (
        datetime.datetime(2023, 6, 15),
        DATE_FORMAT,
    )
    assert party["Montant dépensé ($)"].number_format == MONEY_FORMAT
    assert (party["Participants"].value, party["Participants"].number_format) == (
        1250,
        COUNT_FORMAT,
    )
    assert type(rows_by_header(workbook["Indicateurs"])[0]["Réalisé"].value) is int


def test_every_sheet_has_a_bold_frozen_filtered_header_and_fitted_widths(beauce):
    workbook = workbook_of(beauce)
    assert workbook.sheetnames == [
        "Sommaire",
        "Finances",
        "Axes",
        "Objectifs",
        "Moyens d'action",
        "Indicateurs",
        "Activités",
        "Textes",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        widths = [
            sheet.column_dimensions[get_column_letter(column)].width
            for column in range(1, sheet.max_column + 1)
        ]
        assert all(8 <= width <= 62 for width in widths), (sheet.title, widths)
    measures = workbook["Moyens d'action"]
    header = [cell.value for cell in measures[1]]
    width = {
        name: measures.column_dimensions[get_column_letter(header.index(name) + 1)].width
        for name in ("Numéro", "Moyen d'action")
    }
    assert width["Numéro"] < 15 and width["Moyen d'action"] == 62
    # A title wrapped on two lines gets a row tall enough for both, not the default 15 points.
    title = next(row for row in measures.iter_rows(min_row=2) if row[0].value == "1.1.1")[1]
    assert len(title.value) > 62 and title.alignment.wrap_text
    assert measures.row_dimensions[title.row].height == 30


def test_the_english_xlsx_names_its_sheets_in_english(beauce):
    workbook = workbook_of(beauce, lang="en")
    assert workbook.sheetnames[0] == "Summary" and "Activities" in workbook.sheetnames
    summary = {row["Indicator"].value: row["Value"] for row in rows_by_header(workbook["Summary"])}
    assert summary["Planned budget ($)"].number_format == MONEY_FORMAT


FRENCH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>fr-CA</value></prop></item>
</oor:items>
"""


def test_a_french_spreadsheet_program_shows_quebec_amounts_and_dates(beauce, tmp_path):
    """The sheet as LibreOffice set to French (Canada) shows it, saved as CSV "as shown"."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) est requis : scripts/system-packages l'installe."
    source = tmp_path / "rapport.xlsx"
    source.write_bytes(reports.report_xlsx(request_for(beauce))[2])
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(FRENCH_PROFILE)
    sheets = {}
    names = load_workbook(source).sheetnames
    for name in ("Sommaire", "Activités"):
        number = names.index(name) + 1
        out = tmp_path / f"out{number}"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                # comma, quote, UTF-8, from row 1, …, save cell contents as shown, sheet n
                f"csv:Text - txt - csv (StarCalc):44,34,76,1,,3084,false,true,true,false,false,{number}",
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        [written] = out.iterdir()
        sheets[name] = list(csv.reader(written.read_text(encoding="utf-8").splitlines()))
    summary = {
        row[0]: row[1].replace(NBSP, " ").replace("\u202f", " ") for row in sheets["Sommaire"]
    }
    assert summary["Déclaré sur les activités ($)"] == "1 250,50 $"
    assert re.fullmatch(r"\d{1,3}( \d{3})*,\d\d \$", summary["Budget prévu ($)"])
    assert summary["Participants"] == "1 290"
    assert summary["Début de la période"] == "1 avril 2023"
    header, *rows = sheets["Activités"]
    party = dict(zip(header, next(row for row in rows if row[2].startswith("Fête")), strict=True))
    assert party["Date"] == "15 juin 2023"
