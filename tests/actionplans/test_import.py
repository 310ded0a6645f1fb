"""Importing a plan document: admin preview and confirm, command line, refused input."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from actionplans.models import Measure, Plan, PlanExpense
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"
NBSP = "\u00a0"


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def import_url(table):
    return reverse("admin:actionplans_plan_import", args=[table.pk])


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_seed_001_imports_whole(client, coordinator_a, table_a):
    # a member of the table: only the importing table's organisations are linked
    MembershipFactory(
        table=table_a,
        organisation=OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE"),
    )
    client.force_login(coordinator_a)
    upload = SimpleUploadedFile("plan.txt", BEAUCE.read_bytes(), content_type="text/plain")
    preview = client.post(
        import_url(table_a), {"document": upload, "title": "Plan Beauce", "preview": "1"}
    )
    page = preview.content.decode()
    assert "Aperçu du plan" in page
    assert "27 moyens d'action" in page
    assert f"Total : 17{NBSP}340{NBSP}$" in page
    assert not Plan.objects.exists()

    source = preview.context["preview"].source
    response = client.post(
        import_url(table_a),
        {"source": source, "title": "Plan Beauce", "slug": "", "start_date": "", "confirm": "1"},
    )
    plan = Plan.objects.get(slug="plan-beauce")
    assert response["Location"] == reverse("admin:actionplans_plan_change", args=[plan.pk])
    assert plan.table == table_a and plan.status == Plan.Status.DRAFT
    assert (plan.axes.count(), Measure.objects.of_plan(plan).count()) == (4, 27)
    first = Measure.objects.of_plan(plan).get(number="1.1.1")
    assert first.budget_total == Decimal(17340)
    assert [year.number for year in first.years.all()] == [1, 2]
    activities = Measure.objects.of_plan(plan).get(number="1.3.1").indicators.get()
    assert {(t.year.number, t.value) for t in activities.targets.select_related("year")} == {
        (2, 19),
        (3, 19),
    }
    assert set(PlanExpense.objects.filter(plan=plan).values_list("label", "amount")) == {
        ("Autres dépenses (imprévus)", Decimal(14000)),
        ("Frais de gestion", Decimal(13000)),
    }
    assert "CJE" in str(Measure.objects.of_plan(plan).get(number="1.3.3").leads.get())
    assert "ID TERRITOIRES" in plan.notes


def test_the_same_layout_as_xlsx(client, coordinator_a, table_a):
    rows = [line.split("\t") for line in BEAUCE.read_text(encoding="utf-8").splitlines()]
    client.force_login(coordinator_a)
    upload = SimpleUploadedFile("plan.xlsx", xlsx_bytes(rows))
    preview = client.post(
        import_url(table_a), {"document": upload, "title": "Plan", "preview": "1"}
    )
    parsed = preview.context["preview"].parsed
    assert len(parsed.measures) == 27
    assert parsed.measures[0].budget.total == 17340


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.txt", b"", "Le document est vide."),
        ("hasard.txt", b"Bonjour\ntout le monde", "ne ressemble pas à un plan d&#x27;action"),
        ("programme.pdf", bytes(range(256)) * 40, "ni du texte ni un classeur .xlsx"),
        ("gros.txt", b"AXE 1 : A\n" * 2_100_000, "dépasse la taille maximale de 5 Mo"),
        (
            "autres-colonnes.xlsx",
            xlsx_bytes([["Nom", "Courriel", "Téléphone"], ["Alice", "a@example.org", "555"]]),
            "ne ressemble pas à un plan d&#x27;action",
        ),
        (
            "doublons.txt",
            b"AXE 1 : A\nObjectif 1.1 : B\n1.1.1 Un\tMRC\tAn 1\n1.1.1 Deux\tMRC\tAn 2",
            "Ligne 4 : le numéro 1.1.1 est déjà utilisé à la ligne 3.",
        ),
        (
            "sans-axe.txt",
            b"1.1.1 Une mesure\tMRC\tAn 1\nAXE 1 : A",
            "Ligne 1 : le moyen d&#x27;action 1.1.1 précède tout axe",
        ),
    ],
)
def test_bad_documents_change_nothing(client, coordinator_a, table_a, name, content, message):
    client.force_login(coordinator_a)
    before = row_counts()
    response = client.post(
        import_url(table_a),
        {"document": SimpleUploadedFile(name, content), "title": "Plan", "preview": "1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == before


def test_a_confirm_with_a_broken_text_changes_nothing(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    before = row_counts()
    response = client.post(
        import_url(table_a),
        {"text": "AXE 1 : A\n1.1.1 X\tMRC\tAn 1", "title": "Plan", "confirm": "1"},
    )
    assert "précède tout axe et tout objectif" in response.content.decode()
    assert row_counts() == before


def test_import_needs_a_start_date_when_the_document_has_none(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    text = "AXE 1 : A\nObjectif 1.1 : B\n1.1.1 Un\tMRC\tAn 1\tNb\t1"
    response = client.post(import_url(table_a), {"text": text, "title": "Plan", "preview": "1"})
    assert "indiquez sa date de début" in response.content.decode()
    response = client.post(
        import_url(table_a),
        {"text": text, "title": "Plan", "start_date": "2025-04-01", "confirm": "1"},
    )
    plan = Plan.objects.get()
    assert (plan.start_date.isoformat(), plan.end_date.isoformat()) == ("2025-04-01", "2028-03-31")


def test_import_page_is_refused_on_another_table_and_to_the_ministry(
    client, coordinator_a, ministry, table_b
):
    client.force_login(coordinator_a)
    assert client.get(import_url(table_b)).status_code == 404
    client.force_login(ministry)
    assert client.get(import_url(table_b)).status_code == 403


def test_command_imports_and_dry_run_writes_nothing(table_a, capsys):
    before = row_counts()
    call_command("import_plan", str(BEAUCE), "--table", table_a.slug, "--dry-run")
    output = capsys.readouterr().out
    assert "4 axes, 9 objectifs, 27 moyens d'action, 2 postes du plan." in output
    assert "Essai à blanc" in output
    assert row_counts() == before

    call_command("import_plan", str(BEAUCE), "--new-table", "Table de Beauce", "--slug", "beauce")
    assert "Plan : beauce" in capsys.readouterr().out
    plan = Plan.objects.get(slug="beauce")
    assert plan.table.name == "Table de Beauce"


def test_command_refuses_bad_input_with_a_message(table_a, tmp_path):
    bad = tmp_path / "vide.txt"
    bad.write_text("")
    with pytest.raises(CommandError, match="Le document est vide."):
        call_command("import_plan", str(bad), "--table", table_a.slug)
    with pytest.raises(CommandError, match="Aucune table « inconnue »"):
        call_command("import_plan", str(BEAUCE), "--table", "inconnue")
    with pytest.raises(CommandError, match="Date de début invalide"):
        call_command("import_plan", str(BEAUCE), "--table", table_a.slug, "--start", "hier")
    assert not Plan.objects.exists()


def test_import_and_export_use_bulk_queries_not_one_per_measure(table_a):
    """Ten times the measures costs a few more batches (SQLite caps parameters per query),
    never a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionplans.exports.plan import plan_export
    from actionplans.imports.documents import import_document, preview_document
    from portal.bench import synthetic_plan_text

    counts = []
    for size in (30, 300):
        preview = preview_document(data=synthetic_plan_text(size).encode())
        with CaptureQueriesContext(connection) as imported:
            plan = import_document(table=table_a, preview=preview, title=f"Plan {size}")
        assert Measure.objects.of_plan(plan).count() == size
        with CaptureQueriesContext(connection) as exported:
            plan_export(plan, "xlsx")
            plan_export(plan, "json")
        counts.append((len(imported), len(exported)))
    (small_import, small_export), (large_import, large_export) = counts
    assert large_import < small_import * 3 and large_import < 300 / 4
    assert large_export < small_export * 3 and large_export < 300 / 10
