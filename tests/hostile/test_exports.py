"""Formulas in exports: text a partner or coordinator typed lands in CSV and XLSX files that
others open in a spreadsheet program, where ``=HYPERLINK(…)`` or ``+cmd|…`` would run. Every
export neutralises such cells with a leading single quote (OWASP) and keeps numbers numbers."""

import csv
import io
from decimal import Decimal

import pytest
import tablib
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from actionplans.exports.plan import plan_export
from actionplans.models import Measure
from actionplans.resources import MeasureResource, SheetCSV, SheetXLSX
from common.spreadsheets import (
    csv_delimiter,
    csv_writer,
    neutralise,
    spreadsheet_export,
    unneutralise,
)
from kits.models import Kit
from tests.factories import ActivityFactory, MunicipalityFactory, OrganisationFactory, measure_in

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _ids(values):
    return [repr(value) for value in values]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the report XLSX is cached under the digest of its rows


@pytest.fixture
def typed(request):
    return request.param


@pytest.fixture
def hostile_plan(table_a, plan_a, typed):
    """A plan whose measure, activity, organisation and municipality all carry ``typed``."""
    measure = measure_in(plan_a, "1.1.1", title=typed, responsibility=typed)
    ActivityFactory(
        measure=measure,
        organisation=OrganisationFactory(name=typed),
        title=typed,
        participants=12,
        amount_spent=Decimal("150.50"),
    )
    town = MunicipalityFactory(name=typed)
    table_a.mrcs.add(town.mrc)
    Kit.objects.create(table=table_a, number=1, title="Trousse", slug="trousse")
    return plan_a


def export(client, name, plan):
    """``(kind, bytes)`` of one export, downloaded as its users download it."""
    urls = {
        "activités CSV": ("csv", reverse("activities:export", args=[plan.slug])),
        "plan XLSX": ("xlsx", reverse("admin:actionplans_plan_export", args=[plan.pk, "xlsx"])),
        "plan CSV": ("csv", reverse("admin:actionplans_plan_export", args=[plan.pk, "csv"])),
        "rapport XLSX": (
            "xlsx",
            reverse("accountability:plan", args=[plan.slug])
            + "?periode=all&type=etape&langue=fr&version=full&format=xlsx",
        ),
        "trousses XLSX": ("xlsx", reverse("kits:matrix_xlsx", args=[plan.table.slug])),
    }
    kind, url = urls[name]
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return kind, response.content


EXPORTS = ["activités CSV", "plan XLSX", "plan CSV", "rapport XLSX", "trousses XLSX"]


def text_cells(kind, content):
    """Every text cell of the file; for XLSX, also fails on any formula cell."""
    if kind == "csv":
        text = content.decode("utf-8-sig")
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
        return [field for row in rows for field in row]
    cells = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def numeric_cells(content):
    return [
        cell.value
        for sheet in load_workbook(io.BytesIO(content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "n" and cell.value is not None
    ]


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("typed", HOSTILE, ids=_ids(HOSTILE), indirect=True)
def test_typed_formulas_land_escaped_in_every_export(
    client, coordinator_a, hostile_plan, typed, name
):
    client.force_login(coordinator_a)
    kind, content = export(client, name, hostile_plan)
    cells = text_cells(kind, content)
    # XML turns a lone carriage return into a line feed; the quote is what matters.
    landed = [cell for cell in cells if cell[1:].replace("\n", "\r") == typed]
    assert landed, f"{typed!r} is not in the {name}"
    assert all(cell.startswith("'") for cell in landed)
    assert not [cell for cell in cells if cell.startswith(TRIGGERS) and neutralise(cell) != cell]


@pytest.mark.parametrize("typed", ["-2+3"], indirect=True)
def test_the_activities_csv_keeps_numbers_plain(client, coordinator_a, hostile_plan, typed):
    client.force_login(coordinator_a)
    _kind, content = export(client, "activités CSV", hostile_plan)
    header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert (row[header.index("Participants")], row[header.index("Montant dépensé")]) == (
        "12",
        "150.50",
    )
    assert row[header.index("Titre")] == "'-2+3"


@pytest.mark.parametrize("typed", ["@SUM(A1)"], indirect=True)
def test_the_report_xlsx_keeps_numbers_numeric(client, coordinator_a, hostile_plan, typed):
    client.force_login(coordinator_a)
    _kind, content = export(client, "rapport XLSX", hostile_plan)
    activities = load_workbook(io.BytesIO(content))["Activités"]
    header, row = list(activities.iter_rows(min_row=1, max_row=2))
    values = {title.value: cell for title, cell in zip(header, row, strict=True)}
    assert values["Activité"].value == "'@SUM(A1)"
    assert (values["Participants"].value, values["Participants"].data_type) == (12, "n")
    assert (values["Montant dépensé ($)"].value, values["Montant dépensé ($)"].data_type) == (
        150.5,
        "n",
    )
    assert 150.5 in numeric_cells(content)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("typed", HOSTILE, ids=_ids(HOSTILE), indirect=True)
def test_an_exported_plan_imports_back_unchanged(hostile_plan, typed, file_format):
    """The quote added on the way out is taken off on the way back in: re-importing the file
    a coordinator downloaded changes nothing."""
    content = plan_export(hostile_plan, file_format)[2]
    sheet_format = SheetXLSX() if file_format == "xlsx" else SheetCSV()
    dataset = sheet_format.create_dataset(content)
    assert dataset["Moyen d'action"][0].startswith("'")
    result = MeasureResource(plan=hostile_plan).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 1 and result.totals["update"] == 0
    assert Measure.objects.of_plan(hostile_plan).get().title == typed


NEUTRALISED = [
    ("=1+1", "'=1+1"),
    ("+33 6 12", "'+33 6 12"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rCR", "'\rCR"),
    ("'=already", "'=already"),
    ("-", "'-"),
]
UNCHANGED = [
    "Fête des voisins",
    "",
    "-12",
    "-3,5",
    "+4.25",
    -5,
    Decimal("-150.50"),
    12.5,
    None,
    True,
]


@pytest.mark.parametrize(("value", "expected"), NEUTRALISED, ids=_ids(dict(NEUTRALISED)))
def test_neutralise_quotes_what_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected
    assert neutralise(expected) == expected  # twice changes nothing more
    assert unneutralise(expected) == (value if value != "'=already" else "=already")


@pytest.mark.parametrize("value", UNCHANGED, ids=_ids(UNCHANGED))
def test_neutralise_leaves_numbers_and_plain_text_alone(value):
    assert neutralise(value) == value
    assert unneutralise(value) == value


def test_csv_writer_and_spreadsheet_export_use_the_same_rule():
    stream = io.StringIO()
    csv_writer(stream).writerows([["=1+1", -4, Decimal("2.5"), "-7"]])
    assert next(csv.reader(io.StringIO(stream.getvalue()))) == ["'=1+1", "-4", "2.5", "-7"]
    dataset = tablib.Dataset(["=1+1", -4, "@x"], headers=["=en-tête", "b", "c"])
    sheet = load_workbook(io.BytesIO(spreadsheet_export(dataset, "xlsx"))).active
    assert [cell.value for cell in sheet[1]] == ["'=en-tête", "b", "c"]
    assert [(cell.value, cell.data_type) for cell in sheet[2]] == [
        ("'=1+1", "s"),
        (-4, "n"),
        ("'@x", "s"),
    ]
