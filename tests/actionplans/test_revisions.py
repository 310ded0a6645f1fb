"""A revised plan document merges into the plan it revises: the preview lists what is added,
changed field by field and removed; the confirmation updates measures in place (their
activities stay), archives a removed measure that has activities, and changes nothing when
sent twice."""

import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from actionplans.imports.parsing import parse_text
from actionplans.models import Measure, Plan, Target
from actionplans.services import plan_import, plan_revise, plan_revision
from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    partner_of,
)

pytestmark = pytest.mark.django_db
BEAUCE = (Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt").read_text(
    encoding="utf-8"
)
NBSP = "\u00a0"
ADDED = (
    "1.4.3 Organiser une journée d'accueil des nouveaux arrivants\tCJE\tAn 2\t1 250,50$"
    "\t\t\tNb de journées\tAn 2 : 1 journée"
)


def revised_beauce():
    """The Beauce plan as a coordinator revises it: 1.3.1's year-2 target raised, a measure
    1.4.3 added after 1.4.2, and 1.4.2 (the sponsorship system) dropped."""
    lines = []
    for line in BEAUCE.splitlines():
        if line.startswith("1.3.1 "):
            line = line.replace("An 2: 19 activités", "An 2: 25 activités")
        if line.startswith("1.4.2 "):
            lines.append(ADDED)
            continue
        lines.append(line)
    return "\n".join(lines)


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def text_of(response):
    return html.unescape(response.content.decode())


def import_url(table):
    return reverse("admin:actionplans_plan_import", args=[table.pk])


@pytest.fixture
def cje(table_a):
    """A member of the table: the import links only the table's own organisations."""
    organisation = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    MembershipFactory(table=table_a, organisation=organisation)
    return organisation


@pytest.fixture
def beauce(table_a, cje):
    plan = plan_import(
        table=table_a, parsed=parse_text(BEAUCE), title="Plan Beauce", slug="plan-beauce"
    )
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    return plan


@pytest.fixture
def sponsorship_activity(beauce, cje):
    """An approved activity on 1.4.2, the measure the revision drops."""
    measure = Measure.objects.of_plan(beauce).get(number="1.4.2")
    return ActivityFactory(
        measure=measure, organisation=cje, title="Jumelage de familles", date=date(2022, 9, 1)
    )


def preview(client, table, plan, text):
    return client.post(import_url(table), {"text": text, "revised_plan": plan.pk, "preview": "1"})


def confirmation(page):
    """What the browser sends from the revision's confirmation form: its hidden fields."""
    form = page.split('class="import-form"', 1)[1].split("</form>", 1)[0]
    data = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }
    return {**data, "confirm": "1"}


def section(page, title):
    """The rows of one section of the diff (« Ajoutés », « Modifiés », « Retirés »)."""
    part = page.split(f">{title}</h3>", 1)[1].split("<h3", 1)[0].split("<form", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in rows
    ]


def test_the_preview_lists_exactly_what_the_revision_adds_changes_and_removes(
    client, coordinator_a, table_a, beauce, sponsorship_activity
):
    client.force_login(coordinator_a)
    before = row_counts()
    page = text_of(preview(client, table_a, beauce, revised_beauce()))

    assert "Révision du plan « Plan Beauce »" in page
    assert "1 moyen d'action ajouté, 1 modifié, 1 retiré." in page
    assert "Ce plan est publié : sa page publique changera dès la confirmation." in page
    added = section(page, "Ajoutés")[1:]
    assert added == [
        [
            "1.4.3",
            "Organiser une journée d'accueil des nouveaux arrivants",
            "An 2",
            f"RH 1{NBSP}250,50{NBSP}$",
            "Nb de journées (An 2 : 1 journée)",
        ]
    ]
    changed = section(page, "Modifiés")[1:]
    assert changed == [
        [
            "1.3.1",
            "Cibles de « Nb d'activités »",
            "An 2 : 19 activités ; An 3 : 19 activités",
            "An 2 : 25 activités ; An 3 : 19 activités",
        ]
    ]
    removed = section(page, "Retirés")[1:]
    assert removed == [
        [
            "1.4.2",
            "Développer un système de parrainage ou de jumelage interculturel",
            "a 1 activité : sera archivé",
        ]
    ]
    assert "Confirmer la révision" in page
    assert row_counts() == before  # a preview writes nothing


def test_confirming_keeps_measures_and_activities_and_archives_the_removed_one(
    client, coordinator_a, table_a, beauce, sponsorship_activity
):
    pks = dict(Measure.objects.of_plan(beauce).values_list("number", "pk"))
    client.force_login(coordinator_a)
    page = text_of(preview(client, table_a, beauce, revised_beauce()))
    response = client.post(import_url(table_a), confirmation(page))

    assert response["Location"] == reverse("admin:actionplans_plan_change", args=[beauce.pk])
    shown = text_of(client.get(response["Location"]))
    assert (
        "Le plan « Plan Beauce » a été révisé. Moyens d'action ajoutés : 1 ; modifiés : 1 ; "
        "retirés : 1 (archivés avec leurs activités : 1)." in shown
    )
    after = dict(Measure.objects.of_plan(beauce).values_list("number", "pk"))
    assert {number: after[number] for number in pks} == pks  # same rows, same identity
    assert set(after) - set(pks) == {"1.4.3"}
    archived = Measure.objects.get(pk=pks["1.4.2"])
    assert archived.archived_at is not None
    sponsorship_activity.refresh_from_db()
    assert sponsorship_activity.measure_id == archived.pk
    assert list(Measure.objects.of_plan(beauce).current().filter(number="1.4.2")) == []
    changed = Measure.objects.get(pk=pks["1.3.1"]).indicators.get()
    assert {(t.year.number, t.text, t.value) for t in changed.targets.select_related("year")} == {
        (2, "25 activités", 25),
        (3, "19 activités", 19),
    }
    added = Measure.objects.of_plan(beauce).get(number="1.4.3")
    assert (added.position, added.budget_total, added.leads.get().acronym) == (
        2,
        Decimal("1250.50"),
        "CJE",
    )


def test_the_history_says_who_changed_the_target_and_archived_the_measure(
    client, coordinator_a, table_a, beauce, sponsorship_activity
):
    client.force_login(coordinator_a)
    page = text_of(preview(client, table_a, beauce, revised_beauce()))
    client.post(import_url(table_a), confirmation(page))

    archived = Measure.objects.get(pk=sponsorship_activity.measure_id)
    record = archived.history.first()
    assert record.archived_at is not None and record.history_user == coordinator_a
    assert record.history_change_reason == "Révision du plan (document importé)"
    changed = Measure.objects.of_plan(beauce).get(number="1.3.1")
    history = text_of(client.get(reverse("admin:actionplans_measure_history", args=[changed.pk])))
    assert "25 activités" in history and "19 activités" in history
    # The target's own change names the revision too, as the measure's page shows it.
    target = Target.objects.get(indicator__measure=changed, year__number=2)
    assert target.history.first().history_change_reason == "Révision du plan (document importé)"


def test_the_archived_measure_leaves_the_public_page_and_the_partners_form(
    client, coordinator_a, table_a, beauce, sponsorship_activity, cje
):
    title = "Développer un système de parrainage ou de jumelage interculturel"
    partner = partner_of(cje, username="partenaire@example.org")
    client.force_login(partner)
    form_page = text_of(client.get(reverse("activities:create")))
    assert "1.4.2 Développer un système de parrainage" in form_page
    assert title in text_of(client.get(beauce.get_absolute_url()))

    plan_revise(plan=beauce, parsed=parse_text(revised_beauce()))

    assert title not in text_of(client.get(beauce.get_absolute_url()))
    form_page = text_of(client.get(reverse("activities:create")))
    assert "1.4.2 Développer" not in form_page
    assert "1.4.3 Organiser une journée" in form_page
    archived = Measure.objects.get(pk=sponsorship_activity.measure_id)
    before = Activity.objects.count()
    response = client.post(
        reverse("activities:create"),
        {"measure": archived.pk, "date": "2023-06-15", "title": "Encore", "participants": "3"},
    )
    assert "Sélectionnez un choix valide" in text_of(response)
    assert Activity.objects.count() == before


def test_the_admin_list_hides_archived_measures_unless_asked(
    client, coordinator_a, beauce, sponsorship_activity
):
    plan_revise(plan=beauce, parsed=parse_text(revised_beauce()))
    client.force_login(coordinator_a)
    url = reverse("admin:actionplans_measure_changelist")
    assert "Développer un système de parrainage" not in text_of(client.get(url))
    archived = text_of(client.get(url, {"archive": "oui"}))
    assert "Développer un système de parrainage" in archived
    assert "Organiser des activités interculturelles" not in archived


def test_a_second_confirmation_changes_nothing(
    client, coordinator_a, table_a, beauce, sponsorship_activity
):
    client.force_login(coordinator_a)
    page = text_of(preview(client, table_a, beauce, revised_beauce()))
    client.post(import_url(table_a), confirmation(page))
    before = row_counts()
    history = Measure.history.count()

    response = client.post(import_url(table_a), confirmation(page))

    assert (
        "Le plan « Plan Beauce » était déjà à jour : ce formulaire a peut-être été envoyé deux "
        "fois, et rien n'a été changé." in text_of(client.get(response["Location"]))
    )
    assert row_counts() == before
    assert Measure.history.count() == history


def test_the_same_document_has_nothing_to_confirm(client, coordinator_a, table_a, beauce):
    client.force_login(coordinator_a)
    page = text_of(preview(client, table_a, beauce, BEAUCE))
    assert "sont identiques à ceux du plan : il n'y a rien à réviser." in page
    assert "Confirmer la révision" not in page


def test_a_removed_measure_without_activities_is_deleted(beauce):
    text = "\n".join(line for line in BEAUCE.splitlines() if not line.startswith("1.4.2 "))
    revision = plan_revision(plan=beauce, parsed=parse_text(text))
    assert [(item.number, item.fate) for item in revision.removed] == [("1.4.2", "sera supprimé")]
    plan_revise(plan=beauce, parsed=parse_text(text))
    assert not Measure.objects.of_plan(beauce).filter(number="1.4.2").exists()


def test_a_changed_budget_reads_as_amounts(beauce):
    text = BEAUCE.replace("11 340\\$\t90", "12 000\\$\t90")
    (item,) = plan_revision(plan=beauce, parsed=parse_text(text)).changed
    assert [(c.label, c.before, c.after) for c in item.changes] == [
        (
            "Budget",
            f"RH 11{NBSP}340{NBSP}$, 90{NBSP}h, autres 6{NBSP}000{NBSP}$, firme externe, "
            f"total 17{NBSP}340{NBSP}$",
            f"RH 12{NBSP}000{NBSP}$, 90{NBSP}h, autres 6{NBSP}000{NBSP}$, firme externe, "
            f"total 18{NBSP}000{NBSP}$",
        )
    ]


def test_a_plan_of_another_table_cannot_be_chosen(client, coordinator_a, table_a, table_b):
    other = PlanFactory(table=table_b, title="Plan de la table B", slug="plan-b")
    own = PlanFactory(table=table_a, title="Plan de la table A", slug="plan-a")
    client.force_login(coordinator_a)
    form = text_of(client.get(import_url(table_a)))
    assert "Révision du plan « Plan de la table A »" in form
    assert "Plan de la table B" not in form
    before = row_counts()
    page = text_of(preview(client, table_a, other, BEAUCE))
    assert "Sélectionnez un choix valide" in page
    assert "Révision du plan « Plan de la table B »" not in page
    response = client.post(
        import_url(table_a), {"text": BEAUCE, "revised_plan": other.pk, "confirm": "1"}
    )
    assert "Sélectionnez un choix valide" in text_of(response)
    assert row_counts() == before
    assert own.pk != other.pk


def test_reports_show_the_archived_measure_apart_with_its_activity(
    client, beauce, sponsorship_activity
):
    from accountability import reports
    from accountability.data import report_data
    from actionplans.periods import parse_period

    before = report_data(beauce, parse_period(beauce, "all"))
    plan_revise(plan=beauce, parsed=parse_text(revised_beauce()))
    data = report_data(beauce, parse_period(beauce, "all"))

    assert "1.4.2" not in [section.measure.number for section in data.sections]
    assert [(s.measure.number, s.status_label) for s in data.archived] == [("1.4.2", "Archivé")]
    assert [a.title for a in data.archived[0].activities] == ["Jumelage de familles"]
    assert data.summary["measures"] == before.summary["measures"] == 27  # one out, one in
    assert data.summary["activities"] == before.summary["activities"] == 1
    page = reports.render_html(
        reports.ReportRequest(plan=beauce, period=parse_period(beauce, "all")), data
    )
    archived_part = html.unescape(page).split("Moyens d'action retirés du plan (archivés)")[1]
    assert "1.4.2 Développer un système de parrainage" in archived_part
    assert "Jumelage de familles" in archived_part


def test_the_archived_measure_page_says_it_left_the_plan(client, beauce, sponsorship_activity):
    plan_revise(plan=beauce, parsed=parse_text(revised_beauce()))
    archived = Measure.objects.get(pk=sponsorship_activity.measure_id)
    page = text_of(client.get(archived.get_absolute_url()))
    assert "Retiré du plan par une révision le" in page
    assert "Jumelage de familles" in page


@pytest.mark.django_db(transaction=True)
def test_a_revision_confirmed_twice_at_once_is_applied_once(coordinator_a, table_a, cje):
    from django.test import Client

    from tests.actionplans.test_double_submission import simultaneously

    plan = plan_import(
        table=table_a, parsed=parse_text(BEAUCE), title="Plan Beauce", slug="plan-beauce"
    )
    client = Client()
    client.force_login(coordinator_a)
    data = confirmation(text_of(preview(client, table_a, plan, revised_beauce())))

    def confirm():
        browser = Client()
        browser.force_login(coordinator_a)
        return lambda: browser.post(import_url(table_a), data, follow=True)

    responses = simultaneously(confirm, confirm)
    pages = [text_of(response) for response in responses]
    assert sorted("a été révisé." in page for page in pages) == [False, True], responses
    assert sorted("était déjà à jour" in page for page in pages) == [False, True]
    assert Measure.objects.of_plan(plan).filter(number="1.4.3").count() == 1
    assert not Measure.objects.of_plan(plan).filter(number="1.4.2").exists()


def test_a_split_budget_and_its_source_survive_a_revision(beauce):
    """The coordination split 1.1.1's line per year, chose its source and recorded an
    expense: revising the plan with the same budget leaves all three as they are."""
    from actionplans.models import ActualExpense, FundingSource
    from actionplans.services import budget_line_split

    measure = Measure.objects.of_plan(beauce).get(number="1.1.1")
    year1, _year2 = budget_line_split(line=measure.budget_lines.get())
    measure.budget_lines.update(source=FundingSource.MRC_CASH)
    ActualExpense.objects.create(plan=beauce, budget_line=year1, date=date(2022, 6, 1), amount=9)
    before = list(measure.budget_lines.values_list("pk", "year__number", "staff_amount", "source"))
    revision = plan_revision(plan=beauce, parsed=parse_text(revised_beauce()))
    assert "1.1.1" not in {item.measure.number for item in revision.changed}  # not a change
    plan_revise(plan=beauce, parsed=parse_text(revised_beauce()))
    after = list(measure.budget_lines.values_list("pk", "year__number", "staff_amount", "source"))
    assert after == before
    assert ActualExpense.objects.get().budget_line == year1
