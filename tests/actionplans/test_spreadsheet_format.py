"""Plan spreadsheets as coordinators open them: typed cells and formats in the .xlsx (checked
with openpyxl, then computed by LibreOffice as a user's spreadsheet program would), CSV for
French Excel, and rows that create measures, objectives and axes."""

import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from actionplans.exports.plan import plan_data, plan_export
from actionplans.imports.documents import import_document, preview_document
from actionplans.models import Axis, BudgetLine, Measure, Objective, Plan
from actionplans.resources import MeasureResource, SheetCSV
from common.spreadsheets import DATE_FORMAT, HOURS_FORMAT, MONEY_FORMAT

pytestmark = pytest.mark.django_db
BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"
BEAUCE_MEASURES_TOTAL = 232_955  # the 27 measures' budgets, contingencies and fees left out


@pytest.fixture
def beauce(table_a):
    preview = preview_document(data=BEAUCE.read_bytes())
    plan = import_document(table=table_a, preview=preview, title="Plan Beauce", slug="beauce")
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    return plan


def snapshot(plan):
    return plan_export(plan, "json")[2]


def workbook_of(plan):
    return load_workbook(io.BytesIO(plan_export(plan, "xlsx")[2]))


def columns(sheet):
    return {cell.value: cell.column for cell in sheet[1]}


def row_of(sheet, number):
    column = columns(sheet)["Numéro"]
    return next(row for row in sheet.iter_rows(min_row=2) if row[column - 1].value == number)


# The .xlsx -------------------------------------------------------------------------------


def test_the_xlsx_has_named_sheets_with_a_frozen_header(beauce):
    workbook = workbook_of(beauce)
    assert workbook.sheetnames == ["Moyens d'action", "Années du plan"]
    assert [sheet.freeze_panes for sheet in workbook.worksheets] == ["A2", "A2"]
    assert all(cell.font.bold for cell in workbook["Moyens d'action"][1])


def test_amounts_and_hours_are_numbers_with_their_formats(beauce):
    sheet = workbook_of(beauce)["Moyens d'action"]
    header = columns(sheet)
    row = row_of(sheet, "1.1.1")
    cells = {
        name: row[header[name] - 1] for name in ("RH ($)", "Heures", "Autres ($)", "Total ($)")
    }
    assert {name: cell.value for name, cell in cells.items()} == {
        "RH ($)": 11340,
        "Heures": 90,
        "Autres ($)": 6000,
        "Total ($)": 17340,
    }
    assert {cell.data_type for cell in cells.values()} == {"n"}
    assert {name: cell.number_format for name, cell in cells.items()} == {
        "RH ($)": MONEY_FORMAT,
        "Heures": HOURS_FORMAT,
        "Autres ($)": MONEY_FORMAT,
        "Total ($)": MONEY_FORMAT,
    }
    assert MONEY_FORMAT == '#,##0.00\\ "$"'  # "17 340,00 $" in a French spreadsheet program


def test_cents_stay_cents(beauce):
    measure = Measure.objects.of_plan(beauce).get(number="1.1.1")
    BudgetLine.objects.filter(measure=measure).update(other_amount=Decimal("1250.50"))
    sheet = workbook_of(beauce)["Moyens d'action"]
    cell = row_of(sheet, "1.1.1")[columns(sheet)["Autres ($)"] - 1]
    assert (cell.value, cell.data_type) == (1250.5, "n")


def test_plan_years_are_dates(beauce):
    sheet = workbook_of(beauce)["Années du plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Année du plan", "Début", "Fin")
    assert [
        (number, start.date().isoformat(), end.date().isoformat())
        for number, start, end in rows[1:]
    ] == [
        (1, "2022-04-01", "2023-03-31"),
        (2, "2023-04-01", "2024-03-31"),
        (3, "2024-04-01", "2025-03-31"),
    ]
    assert {cell.number_format for cell in sheet["B"][1:] + sheet["C"][1:]} == {DATE_FORMAT}
    assert {cell.data_type for cell in sheet["B"][1:]} == {"d"}


def test_columns_fit_their_content_and_long_text_wraps(beauce):
    sheet = workbook_of(beauce)["Moyens d'action"]
    header = columns(sheet)
    width = {
        name: sheet.column_dimensions[get_column_letter(header[name])].width
        for name in ("Numéro", "Moyen d'action", "RH ($)", "Indicateurs")
    }
    assert 8 <= width["Numéro"] < 15
    assert 8 <= width["RH ($)"] < 20
    assert width["Moyen d'action"] == 62  # the widest allowed; longer titles wrap
    assert all(value <= 62 for value in width.values())
    title = row_of(sheet, "1.1.1")[header["Moyen d'action"] - 1]
    assert len(title.value) > 60 and title.alignment.wrap_text
    number = row_of(sheet, "1.1.1")[header["Numéro"] - 1]
    assert not number.alignment.wrap_text


def test_libreoffice_sums_the_budget_column_to_the_plan_total(beauce, tmp_path):
    """Opened as a coordinator would: a SUM under the "Total ($)" column, computed by
    LibreOffice (scripts/system-packages installs it), equals the plan's total."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) est requis : scripts/system-packages l'installe."
    workbook = workbook_of(beauce)
    sheet = workbook["Moyens d'action"]
    letter = get_column_letter(columns(sheet)["Total ($)"])
    last = sheet.max_row
    sheet[f"{letter}{last + 2}"] = f"=SUM({letter}2:{letter}{last})"
    source = tmp_path / "beauce.xlsx"
    workbook.save(source)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = list(csv.reader((tmp_path / "out" / "beauce.csv").read_text().splitlines()))
    computed = rows[last + 1][columns(sheet)["Total ($)"] - 1]
    assert Decimal(computed) == BEAUCE_MEASURES_TOTAL
    assert plan_data(beauce)["budget"]["measures_total"] == BEAUCE_MEASURES_TOTAL


# CSV for French Excel ---------------------------------------------------------------------


def test_the_csv_is_for_french_excel(beauce):
    measure = Measure.objects.of_plan(beauce).get(number="1.1.1")
    BudgetLine.objects.filter(measure=measure).update(other_amount=Decimal("1250.50"))
    content = plan_export(beauce, "csv")[2]
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    text = content.decode("utf-8-sig")
    header, first = text.split("\r\n")[:2]
    assert header.startswith("Numéro d'axe;Axe;Numéro d'objectif;Objectif spécifique;Numéro;")
    row = dict(zip(header.split(";"), next(csv.reader([first], delimiter=";")), strict=True))
    assert (row["Numéro"], row["RH ($)"], row["Autres ($)"], row["Total ($)"]) == (
        "1.1.1",
        "11340",
        "1250,5",
        "12590,5",
    )
    assert row["Années du plan"] == "1, 2"


def test_a_french_csv_round_trip_changes_nothing(beauce):
    BudgetLine.objects.filter(measure__number="1.1.1").update(other_amount=Decimal("1250.50"))
    before = snapshot(beauce)
    dataset = SheetCSV().create_dataset(plan_export(beauce, "csv")[2])
    assert dataset.headers[:2] == ["Numéro d'axe", "Axe"]
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["skip"], result.totals["update"], result.totals["new"]) == (27, 0, 0)
    assert snapshot(beauce) == before


def test_a_plain_comma_csv_is_still_read(beauce):
    before = snapshot(beauce)
    french = SheetCSV().create_dataset(plan_export(beauce, "csv")[2])
    plain = french.export("csv")  # tablib: "," and a decimal point
    assert plain.startswith("Numéro d'axe,Axe,")
    result = MeasureResource(plan=beauce).import_data(
        SheetCSV().create_dataset(plain.encode()), dry_run=False
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 27
    assert snapshot(beauce) == before


def as_shown(text, unit):
    """A number cell as French Excel saves it when the file is saved as CSV: "11 340,00 $"."""
    if not text:
        return text
    whole, _, cents = f"{Decimal(text.replace(',', '.')):,.2f}".partition(".")
    return f"{whole.replace(',', chr(0xA0))},{cents} {unit}"


def test_a_csv_with_amounts_as_shown_changes_nothing(beauce):
    before = snapshot(beauce)
    text = plan_export(beauce, "csv")[2].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    units = {"RH ($)": "$", "Autres ($)": "$", "Heures": "h", "Total ($)": "$"}
    for row in rows[1:]:
        for name, unit in units.items():
            row[rows[0].index(name)] = as_shown(row[rows[0].index(name)], unit)
    assert rows[1][rows[0].index("RH ($)")] == "11\u00a0340,00 $"
    stream = io.StringIO(newline="")
    csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(rows)
    dataset = SheetCSV().create_dataset(stream.getvalue().encode("utf-8-sig"))
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["skip"], result.totals["update"]) == (27, 0)
    assert snapshot(beauce) == before


def import_page(client, plan, content, file_format, name):
    url = reverse("admin:actionplans_measure_import")
    choices = client.get(url).context["form"].fields["format"].choices
    value = next(value for value, label in choices if label.lower() == file_format)
    upload = SimpleUploadedFile(name, content)
    return client.post(url, {"import_file": upload, "format": value, "plan": plan.pk})


def confirm(client, plan, preview):
    form = preview.context["confirm_form"]
    assert form is not None, preview.content.decode()[:3000]
    return client.post(
        reverse("admin:actionplans_measure_process_import"), {**form.initial, "plan": plan.pk}
    )


def shown(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_csv_saved_by_french_excel_updates_the_plan(client, coordinator_a, beauce):
    """French Excel saves a formatted cell as shown ("7 000,00 $", no-break spaces)."""
    client.force_login(coordinator_a)
    text = plan_export(beauce, "csv")[2].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    rows[1][rows[0].index("Autres ($)")] = "7\u00a0000,00 $"
    stream = io.StringIO(newline="")
    csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(rows)
    preview = import_page(client, beauce, stream.getvalue().encode("utf-8-sig"), "csv", "plan.csv")
    kinds = [row.import_type for row in preview.context["result"].valid_rows()]
    assert (kinds.count("update"), kinds.count("skip")) == (1, 26)
    assert Measure.objects.of_plan(beauce).get(number="1.1.1").budget_total == 17340
    confirm(client, beauce, preview)
    assert Measure.objects.of_plan(beauce).get(number="1.1.1").budget_total == 18340


# Rows that create -------------------------------------------------------------------------


def sheet_with(plan, *rows):
    """The plan's exported sheet (as tablib reads an .xlsx) with ``rows`` appended, each a
    ``{column: value}`` (columns not named are left empty)."""
    dataset = tablib.Dataset().load(io.BytesIO(plan_export(plan, "xlsx")[2]), format="xlsx")
    for values in rows:
        dataset.append([values.get(header, "") for header in dataset.headers])
    return dataset


NEW_IN_EXISTING = {
    "Numéro d'axe": 1,
    "Numéro d'objectif": "1.1",
    "Numéro": "1.1.9",
    "Moyen d'action": "Traduire les capsules en espagnol",
    "Années du plan": "2, 3",
    "RH ($)": 1500,
    "Indicateurs": "Nombre de capsules traduites",
    "Cible an 2": "2 capsules",
}
NEW_AXIS = {
    "Numéro d'axe": 5,
    "Axe": "Rayonnement régional",
    "Numéro d'objectif": "5.1",
    "Objectif spécifique": "Faire connaître la table",
    "Numéro": "5.1.1",
    "Moyen d'action": "Publier une infolettre",
    "Autres ($)": "1 250,50 $",
}
SAME_NEW_OBJECTIVE = {
    "Numéro d'axe": 5,
    "Numéro d'objectif": "5.1",
    "Numéro": "5.1.2",
    "Moyen d'action": "Tenir un kiosque au salon régional",
}


def test_rows_create_a_measure_an_objective_and_an_axis(client, coordinator_a, beauce):
    client.force_login(coordinator_a)
    dataset = sheet_with(beauce, NEW_IN_EXISTING, NEW_AXIS, SAME_NEW_OBJECTIVE)
    preview = import_page(client, beauce, dataset.export("xlsx"), "xlsx", "plan.xlsx")
    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()].count("new") == 3
    assert shown(preview).count(" Nouveau ") == 3
    assert "Publier une infolettre" in shown(preview)
    assert Measure.objects.of_plan(beauce).count() == 27  # the preview writes nothing
    assert not Axis.objects.filter(plan=beauce, number=5).exists()

    confirm(client, beauce, preview)
    assert Measure.objects.of_plan(beauce).count() == 30
    added = Measure.objects.of_plan(beauce).get(number="1.1.9")
    assert added.objective == Objective.objects.get(axis__plan=beauce, number="1.1")
    assert added.title == "Traduire les capsules en espagnol"
    assert [year.number for year in added.years.all()] == [2, 3]
    assert added.budget_total == 1500
    indicator = added.indicators.get()
    assert indicator.label == "Nombre de capsules traduites"
    assert [(t.year.number, t.text, t.value) for t in indicator.targets.all() if t.year] == [
        (2, "2 capsules", 2)
    ]
    axis = Axis.objects.get(plan=beauce, number=5)
    assert axis.title == "Rayonnement régional"
    objective = axis.objectives.get()
    assert (objective.number, objective.title) == ("5.1", "Faire connaître la table")
    assert [(m.number, m.budget_total) for m in objective.measures.order_by("position")] == [
        ("5.1.1", Decimal("1250.50")),
        ("5.1.2", 0),
    ]
    numbers = list(Measure.objects.of_plan(beauce).in_plan_order().values_list("number", flat=True))
    assert numbers[-2:] == ["5.1.1", "5.1.2"]
    assert numbers.index("1.1.9") == numbers.index("1.1.1") + 1  # last of its objective


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            {**NEW_IN_EXISTING, "Moyen d'action": ""},
            "Le moyen d'action 1.1.9 est nouveau : son titre (colonne « Moyen d'action ») "
            "est requis.",
            id="nouveau moyen sans titre",
        ),
        pytest.param(
            {**NEW_IN_EXISTING, "Numéro d'objectif": ""},
            "Le moyen d'action 1.1.9 est nouveau : le numéro de son objectif (colonne "
            "« Numéro d'objectif ») est requis.",
            id="sans objectif",
        ),
        pytest.param(
            {**NEW_IN_EXISTING, "Numéro d'axe": 2},
            "L'objectif 1.1 est sous l'axe 1, pas sous l'axe 2 : corrigez le numéro d'axe ou "
            "d'objectif.",
            id="objectif sous un autre axe",
        ),
        pytest.param(
            {**NEW_AXIS, "Objectif spécifique": ""},
            "L'objectif 5.1 du moyen d'action 5.1.1 est nouveau : colonne(s) requise(s) pour "
            "le créer : « Objectif spécifique ».",
            id="nouvel objectif sans titre",
        ),
        pytest.param(
            {**NEW_AXIS, "Axe": ""},
            "L'objectif 5.1 du moyen d'action 5.1.1 est nouveau : colonne(s) requise(s) pour "
            "le créer : « Axe ».",
            id="nouvel axe sans titre",
        ),
        pytest.param(
            {**NEW_AXIS, "Numéro": "5.1.a"},
            "Numéro de moyen d'action « 5.1.a » : un numéro s'écrit en chiffres séparés par "
            "des points (p. ex. 1.3.2).",
            id="numéro illisible",
        ),
        pytest.param(
            {**NEW_AXIS, "Numéro d'axe": "cinq"},
            "Numéro d'axe illisible : « cinq » (p. ex. 2).",
            id="axe illisible",
        ),
    ],
)
def test_a_row_that_cannot_create_is_refused_with_its_line(
    client, coordinator_a, beauce, row, message
):
    client.force_login(coordinator_a)
    before = snapshot(beauce)
    dataset = sheet_with(beauce, row)
    values = list(dataset[0])
    values[dataset.headers.index("Autres ($)")] = 9999  # a valid change elsewhere in the file
    dataset[0] = values
    preview = import_page(client, beauce, dataset.export("xlsx"), "xlsx", "plan.xlsx")
    assert preview.context.get("confirm_form") is None
    invalid = preview.context["result"].invalid_rows
    assert [(row.number, row.error.messages) for row in invalid] == [(28, [message])]
    page = shown(preview)
    assert message.replace("'", "&#x27;") in page
    assert snapshot(beauce) == before
    assert Axis.objects.filter(plan=beauce).count() == 4


def test_a_row_cannot_move_an_existing_measure(beauce):
    before = snapshot(beauce)
    dataset = tablib.Dataset().load(io.BytesIO(plan_export(beauce, "xlsx")[2]), format="xlsx")
    values = list(dataset[0])
    values[dataset.headers.index("Numéro d'objectif")] = "1.2"
    dataset[0] = values
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert [(row.number, row.error.messages) for row in result.invalid_rows] == [
        (
            1,
            [
                "Le moyen d'action 1.1.1 est sous l'objectif 1.1 de l'axe 1 : le tableur ne "
                "déplace pas un moyen d'action (faites-le dans l'administration)."
            ],
        )
    ]
    assert snapshot(beauce) == before


def test_a_file_exported_before_the_tree_columns_still_updates(beauce):
    """Files exported before the axis and objective numbers had their own columns still
    update the measures they list."""
    dataset = tablib.Dataset().load(io.BytesIO(plan_export(beauce, "xlsx")[2]), format="xlsx")
    del dataset["Numéro d'axe"]
    del dataset["Numéro d'objectif"]
    values = list(dataset[0])
    values[dataset.headers.index("Autres ($)")] = 7000
    dataset[0] = values
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["update"], result.totals["skip"]) == (1, 26)
    assert Measure.objects.of_plan(beauce).get(number="1.1.1").budget_total == 18340


def test_a_measure_budgeted_by_source_shows_its_sum_and_refuses_a_changed_budget(
    client, coordinator_a, table_a
):
    """A plan budgeted « PAC (MIFI) | MRC »: the sheet shows each measure's whole budget (a SUM
    adds up), an unchanged row changes nothing, and a changed amount is refused with the
    reason, since the sheet cannot say which line it belongs to."""
    from actionplans.imports.documents import import_document, preview_document
    from actionplans.models import BudgetLine, Measure
    from actionplans.resources import MeasureResource

    text = "\n".join(
        [
            "Plan d'action du 1er avril 2023 au 31 mars 2026",
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            "1.1.1 Capsules\tMRC\tAn 1",
        ]
    )
    plan = import_document(
        table=table_a, preview=preview_document(text=text), title="Par source", slug="par-source"
    )
    measure = Measure.objects.of_plan(plan).get()
    for source, amount in (("PAC (MIFI)", "10000"), ("MRC", "2500.50")):
        BudgetLine.objects.create(measure=measure, funding_source=source, other_amount=amount)
    assert measure.budget_lines.count() == 2
    resource = MeasureResource(plan=plan)
    dataset = resource.export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["RH ($)"], row["Autres ($)"], row["Total ($)"]) == ("0", "12500.5", "12500.5")
    assert row["Source de financement"] == "PAC (MIFI) ; MRC"

    unchanged = resource.import_data(dataset, dry_run=False, raise_errors=False)
    assert not unchanged.has_validation_errors() and not unchanged.has_errors()
    changed_row = list(dataset[0])
    changed_row[dataset.headers.index("Autres ($)")] = 13000
    dataset[0] = changed_row
    before = list(BudgetLine.objects.filter(measure=measure).values_list("other_amount", flat=True))
    result = MeasureResource(plan=plan).import_data(dataset, dry_run=False, raise_errors=False)
    [invalid] = result.invalid_rows
    assert (
        "Le moyen d'action 1.1.1 a 2 lignes budgétaires (PAC (MIFI), MRC) : le tableur en "
        "montre la somme ; modifiez son budget dans l'administration."
    ) in " ".join(invalid.error_dict.get("__all__", []) or [str(invalid.error)])
    after = list(BudgetLine.objects.filter(measure=measure).values_list("other_amount", flat=True))
    assert after == before


def test_a_measure_created_by_a_row_is_linked_to_the_tables_organisations(
    client, coordinator_a, beauce, table_b
):
    """As a document import does: the first organisation named leads, the others are
    partners, and only the table's own organisations are linked."""
    from tests.factories import MembershipFactory, OrganisationFactory

    cje = OrganisationFactory(name="Carrefour jeunesse-emploi Beauce-Sud", acronym="CJE")
    saim = OrganisationFactory(name="Service d'accueil des immigrants", acronym="SAIM")
    other = OrganisationFactory(name="Table RH d'ailleurs", acronym="TRH")
    for organisation in (cje, saim):
        MembershipFactory(table=beauce.table, organisation=organisation)
    MembershipFactory(table=table_b, organisation=other)
    client.force_login(coordinator_a)
    row = {**NEW_IN_EXISTING, "Responsables et partenaires": "CJE, SAIM, TRH"}
    preview = import_page(
        client, beauce, sheet_with(beauce, row).export("xlsx"), "xlsx", "plan.xlsx"
    )
    confirm(client, beauce, preview)
    added = Measure.objects.of_plan(beauce).get(number="1.1.9")
    assert [o.acronym for o in added.leads.all()] == ["CJE"]
    assert [o.acronym for o in added.partners.all()] == ["SAIM"]
