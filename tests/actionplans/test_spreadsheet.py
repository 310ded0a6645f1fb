"""Plan spreadsheet round trip (XLSX/CSV) and open data JSON."""

import io
import json
import re
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from actionplans.exports.plan import plan_export
from actionplans.imports.documents import import_document, preview_document
from actionplans.models import Measure, Plan
from actionplans.resources import MeasureResource

pytestmark = pytest.mark.django_db
BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"


@pytest.fixture
def beauce(table_a):
    preview = preview_document(data=BEAUCE.read_bytes())
    plan = import_document(table=table_a, preview=preview, title="Plan Beauce", slug="beauce")
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    return plan


def snapshot(plan):
    return plan_export(plan, "json")[2]


def dataset_of(plan):
    content = plan_export(plan, "xlsx")[2]
    return tablib.Dataset().load(io.BytesIO(content), format="xlsx")


def test_xlsx_has_one_row_per_measure(beauce):
    filename, content_type, content = plan_export(beauce, "xlsx")
    assert filename == "beauce.xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Numéro d'axe",
        "Axe",
        "Numéro d'objectif",
        "Objectif spécifique",
        "Numéro",
        "Moyen d'action",
    )
    assert "Cible an 2" in rows[0]
    assert len(rows) == 1 + 27
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Numéro"], first["Total ($)"], first["RH ($)"]) == ("1.1.1", 17340, 11340)
    assert (first["Numéro d'axe"], first["Numéro d'objectif"]) == (1, "1.1")


def test_an_unchanged_file_changes_nothing(beauce):
    before = snapshot(beauce)
    result = MeasureResource(plan=beauce).import_data(dataset_of(beauce), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 27 and result.totals["update"] == 0
    assert snapshot(beauce) == before


def test_editing_a_cell_updates_exactly_that_field(beauce):
    before = json.loads(snapshot(beauce))
    dataset = dataset_of(beauce)
    row = dataset["Numéro"].index("1.3.1")
    column = dataset.headers.index("Cible an 3")
    values = list(dataset[row])
    values[column] = "25 activités"
    dataset[row] = values
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert (result.totals["update"], result.totals["skip"]) == (1, 26)
    after = json.loads(snapshot(beauce))
    measure = after["axes"][0]["objectives"][2]["measures"][0]
    assert measure["number"] == "1.3.1"
    assert measure["indicators"][0]["targets"][-1] == {
        "year": 3,
        "value": 25,
        "text": "25 activités",
    }
    measure["indicators"][0]["targets"][-1] = {"year": 3, "value": 19, "text": "19 activités"}
    assert after == before


def test_a_target_cell_is_read_as_written(beauce):
    dataset = dataset_of(beauce)
    row = dataset["Numéro"].index("1.3.1")
    values = list(dataset[row])
    values[dataset.headers.index("Cible an 2")] = "An 2 : 3 capsules"
    values[dataset.headers.index("Cible an 3")] = "3 à 5 capsules"
    dataset[row] = values
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    measure = json.loads(snapshot(beauce))["axes"][0]["objectives"][2]["measures"][0]
    assert measure["number"] == "1.3.1"
    assert measure["indicators"][0]["targets"] == [
        {"year": 2, "value": 3, "text": "An 2 : 3 capsules"},
        {"year": 3, "value": None, "text": "3 à 5 capsules"},
    ]


def test_a_bad_row_rejects_the_whole_file(beauce):
    before = snapshot(beauce)
    dataset = dataset_of(beauce)
    values = list(dataset[0])
    values[dataset.headers.index("Moyen d'action")] = "Titre changé"
    dataset[0] = values
    values = list(dataset[1])
    values[dataset.headers.index("RH ($)")] = "-5"
    dataset[1] = values
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    assert result.has_validation_errors() or result.has_errors()
    assert snapshot(beauce) == before


def test_admin_round_trip_with_preview_and_confirm(client, coordinator_a, beauce):
    client.force_login(coordinator_a)
    dataset = dataset_of(beauce)
    values = list(dataset[0])
    values[dataset.headers.index("Autres ($)")] = "7000"
    dataset[0] = values
    upload = SimpleUploadedFile("plan.xlsx", dataset.export("xlsx"))
    url = reverse("admin:actionplans_measure_import")
    formats = client.get(url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if label.lower() == "xlsx")
    preview = client.post(url, {"import_file": upload, "format": xlsx, "plan": beauce.pk})
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.content.decode()[:3000]
    shown = re.sub(r"<[^>]+>", "", preview.content.decode())
    assert "67000" in shown  # "6 000" struck out, "7 000" inserted: the preview shows the change
    assert Measure.objects.of_plan(beauce).get(number="1.1.1").budget_total == 17340
    response = client.post(
        reverse("admin:actionplans_measure_process_import"),
        {**confirm.initial, "plan": beauce.pk},
    )
    assert response.status_code == 302
    assert Measure.objects.of_plan(beauce).get(number="1.1.1").budget_total == 18340


def test_a_new_measure_number_under_another_axis_is_refused(beauce):
    """The first row renumbered 9.9.9 is a new measure under objective 1.1, which the file says
    is under axis 1: renumbering its axis too makes the row contradict the plan."""
    dataset = dataset_of(beauce)
    values = list(dataset[0])
    values[dataset.headers.index("Numéro")] = "9.9.9"
    values[dataset.headers.index("Numéro d'axe")] = 2
    dataset[0] = values
    before = snapshot(beauce)
    result = MeasureResource(plan=beauce).import_data(dataset, dry_run=False)
    messages = " ".join(str(row.error) for row in result.invalid_rows)
    assert "L'objectif 1.1 est sous l'axe 1, pas sous l'axe 2" in messages
    assert snapshot(beauce) == before


def test_a_spreadsheet_for_another_table_cannot_be_chosen(client, coordinator_a, plan_b):
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_import")).content.decode()
    assert "Plan de la table B" not in page


def test_open_data_json_of_a_published_plan(client, beauce):
    response = client.get("/fr/plans/beauce.json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    measure = data["axes"][0]["objectives"][0]["measures"][0]
    assert measure["number"] == "1.1.1"
    assert measure["budget"]["total"] == 17340
    assert measure["schedule"] == {"years": [1, 2], "continuous": False, "text": "Ans 1- 2"}
    activities = data["axes"][0]["objectives"][2]["measures"][0]["indicators"][0]
    assert activities["targets"] == [
        {"year": 2, "value": 19, "text": "19 activités"},
        {"year": 3, "value": 19, "text": "19 activités"},
    ]
    assert data["budget"]["expenses"][1] == {
        "kind": "management",
        "label": "Frais de gestion",
        "amount": 13000,
    }


def test_draft_plans_have_no_open_data(client, beauce):
    beauce.status = Plan.Status.DRAFT
    beauce.save()
    assert client.get("/fr/plans/beauce.json").status_code == 404


def test_export_command(beauce, tmp_path, capsysbinary):
    call_command("export_plan", "beauce", "--format", "csv")
    assert "1.1.1" in capsysbinary.readouterr().out.decode("utf-8-sig")
    out = tmp_path / "plan.xlsx"
    call_command("export_plan", "beauce", "--format", "xlsx", "--out", str(out))
    assert load_workbook(out).active.max_row == 28


def test_a_sheet_with_other_columns_is_refused_in_the_admin(client, coordinator_a, beauce):
    client.force_login(coordinator_a)
    before = snapshot(beauce)
    other = tablib.Dataset(["Alice", "a@example.org"], headers=["Nom", "Courriel"])
    url = reverse("admin:actionplans_measure_import")
    formats = client.get(url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if label.lower() == "xlsx")
    response = client.post(
        url,
        {
            "import_file": SimpleUploadedFile("autre.xlsx", other.export("xlsx")),
            "format": xlsx,
            "plan": beauce.pk,
        },
    )
    assert response.context.get("confirm_form") is None
    assert "colonne(s) manquante(s) : Numéro, Moyen d&#x27;action" in response.content.decode()
    assert snapshot(beauce) == before


def test_a_line_split_per_year_exports_its_total_and_comes_back_unchanged(beauce):
    from actionplans.services import budget_line_split

    measure = Measure.objects.of_plan(beauce).get(number="1.1.1")
    budget_line_split(line=measure.budget_lines.get())
    rows = dataset_of(beauce).dict
    first = next(row for row in rows if row["Numéro"] == "1.1.1")
    assert (first["Total ($)"], first["RH ($)"]) == (17340, 11340)
    before = snapshot(beauce)
    result = MeasureResource(plan=beauce).import_data(dataset_of(beauce), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 27
    assert snapshot(beauce) == before
