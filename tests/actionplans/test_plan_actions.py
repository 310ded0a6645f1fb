"""The plan list's actions: publish, unpublish, export, duplicate as the next cycle's draft."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from actionplans.models import (
    ActualExpense,
    BudgetLine,
    Measure,
    PeriodLock,
    Plan,
    PlanExpense,
    Target,
)
from actionplans.services import plan_duplicate_next_cycle
from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    IndicatorFactory,
    OrganisationFactory,
    PlanFactory,
    TargetFactory,
    measure_in,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:actionplans_plan_changelist"


def act(client, action, *plans, follow=False):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [plan.pk for plan in plans]},
        follow=follow,
    )


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_of(plan):
    plan.refresh_from_db()
    return plan.status


@pytest.fixture
def draft_a(table_a):
    return PlanFactory(
        table=table_a, title="Plan 2025-2028", slug="plan-2025", status=Plan.Status.DRAFT
    )


def test_coordinator_publishes_a_draft_and_is_told(client, coordinator_a, draft_a, plan_a):
    client.force_login(coordinator_a)
    response = act(client, "publish", draft_a, plan_a)
    assert status_of(draft_a) == Plan.Status.PUBLISHED
    assert shown_messages(response) == [
        "Publiés sur le site : « Plan 2025-2028 ».",
        "Déjà publiés, rien de changé : « Plan de la table A ».",
    ]
    assert client.get("/fr/plans/plan-2025/").status_code == 200


def test_coordinator_unpublishes_a_plan(client, coordinator_a, plan_a):
    client.force_login(coordinator_a)
    response = act(client, "unpublish", plan_a)
    assert status_of(plan_a) == Plan.Status.DRAFT
    assert shown_messages(response) == [
        "Retirés du site, redevenus des brouillons : « Plan de la table A »."
    ]
    client.logout()
    assert client.get("/fr/plans/plan-a/").status_code == 404


def test_a_forged_post_cannot_reach_another_table_plan(client, coordinator_a, plan_a, plan_b):
    client.force_login(coordinator_a)
    act(client, "unpublish", plan_a, plan_b)
    assert status_of(plan_b) == Plan.Status.PUBLISHED  # not in the coordinator's list at all
    assert status_of(plan_a) == Plan.Status.DRAFT
    before = Plan.objects.count()
    act(client, "duplicate_next_cycle", plan_b)
    assert Plan.objects.count() == before


def test_a_refused_plan_stops_the_whole_action(client, coordinator_a, plan_a, draft_a):
    """Each plan is asked of the rule book: were it to refuse one of the selection (a rule
    refusing plan A alone, here), nothing is done and the plan is named."""
    import rules

    names = ["actionplans.change_plan", "actionplans.add_plan"]  # duplicating adds a plan
    originals = {name: rules.permissions.permissions[name] for name in names}
    refuse_a = rules.predicate(lambda user, plan=None: plan is None or plan.pk != plan_a.pk)
    for name in names:
        rules.permissions.set_perm(name, refuse_a)
    client.force_login(coordinator_a)
    try:
        response = act(client, "unpublish", plan_a, draft_a, follow=True)
        duplicated = act(client, "duplicate_next_cycle", plan_a, draft_a, follow=True)
    finally:
        for name, original in originals.items():
            rules.permissions.set_perm(name, original)
    assert Plan.objects.count() == 2
    refusal = "Rien n'a été fait : vous ne pouvez pas modifier « Plan de la table A »."
    assert [str(message) for message in duplicated.context["messages"]] == [refusal]
    assert status_of(draft_a) == Plan.Status.DRAFT
    assert [str(message) for message in response.context["messages"]] == [refusal]
    assert status_of(plan_a) == Plan.Status.PUBLISHED


def test_ministry_sees_only_export_and_cannot_publish(client, ministry, draft_a):
    client.force_login(ministry)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "Exporter les plans sélectionnés" in page
    assert "Publier les plans sélectionnés" not in page
    assert "Dupliquer comme brouillon" not in page
    assert 'value="delete_selected"' not in page
    response = act(client, "publish", draft_a, follow=True)
    assert status_of(draft_a) == Plan.Status.DRAFT
    assert "Aucune action sélectionnée." in shown_messages(response)


def test_coordinator_list_offers_the_actions_and_the_preview_link(
    client, coordinator_a, draft_a, plan_a
):
    client.force_login(coordinator_a)
    page = client.get(reverse(CHANGELIST)).content.decode()
    for label in ("Publier les", "Dépublier les", "Exporter les", "Dupliquer comme brouillon"):
        assert label in page
    assert 'href="/fr/plans/plan-2025/">Aperçu public</a>' in page
    assert 'href="/fr/plans/plan-a/">Voir sur le site</a>' in page


def test_exporting_one_plan_gives_its_spreadsheet(client, coordinator_a, measure_a, plan_a):
    client.force_login(coordinator_a)
    response = act(client, "export", plan_a)
    assert response["Content-Disposition"] == 'attachment; filename="plan-a.xlsx"'
    direct = client.get(reverse("admin:actionplans_plan_export", args=[plan_a.pk, "xlsx"]))
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == (
        zipfile.ZipFile(io.BytesIO(direct.content)).namelist()
    )


def test_exporting_several_plans_gives_a_zip_of_them(client, coordinator_a, plan_a, draft_a):
    client.force_login(coordinator_a)
    response = act(client, "export", plan_a, draft_a)
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["plan-2025.xlsx", "plan-a.xlsx"]


@pytest.fixture
def full_plan(plan_a, table_a):
    """Plan A (April 2022 to March 2025) with two axes, leads, targets per year, budget lines,
    an expense, an activity, an actual expense and an archived measure."""
    cje = OrganisationFactory(name="CJE")
    measure = measure_in(plan_a, "1.1.1", title="Accueillir", schedule_text="Ans 2-3")
    measure.leads.set([cje])
    measure.years.set(plan_a.years.filter(number__in=[2, 3]))
    measure.outside_pac = True
    measure.save()
    year2 = plan_a.years.get(number=2)
    indicator = IndicatorFactory(measure=measure, label="Personnes accueillies", baseline=5)
    TargetFactory(indicator=indicator, year=year2, value=19, text="An 2 : 19")
    TargetFactory(indicator=indicator, year=None, value=40, text="40 au total")
    BudgetLineFactory(measure=measure, year=year2, staff_amount=1000, other_amount=250)
    BudgetLineFactory(measure=measure, year=None, staff_amount=500, other_amount=0)
    PlanExpense.objects.create(plan=plan_a, label="Frais de gestion", amount=900, year=year2)
    ActivityFactory(measure=measure, date=date(2023, 6, 15))
    archived = measure_in(plan_a, "1.1.2", title="Retiré")
    archived.archived_at = "2024-01-01T00:00:00Z"
    archived.save()
    return measure


def test_duplicate_as_the_next_cycle(client, coordinator_a, full_plan, plan_a):
    client.force_login(coordinator_a)
    plan_a.title = "Plan d'action 2022-2025"
    plan_a.save()
    response = act(client, "duplicate_next_cycle", plan_a, follow=True)
    new = Plan.objects.exclude(pk=plan_a.pk).get(table=plan_a.table)
    assert response.redirect_chain[-1][0] == reverse("admin:actionplans_plan_change", args=[new.pk])
    assert shown_messages(response) == [
        "« Plan d'action 2025-2028 » (du 1er avril 2025 au 31 mars 2028) est le brouillon du "
        "prochain cycle de « Plan d'action 2022-2025 » : ses axes, objectifs, moyens d'action, "
        "cibles et budgets y sont copiés, sans activités ni dépenses réelles."
    ]
    assert (new.title, new.status) == ("Plan d'action 2025-2028", Plan.Status.DRAFT)
    assert (new.start_date, new.end_date) == (date(2025, 4, 1), date(2028, 3, 31))
    assert new.slug == "plan-daction-2025-2028"
    assert [str(year) for year in new.years.all()] == [
        "An 1 (2025-2026)",
        "An 2 (2026-2027)",
        "An 3 (2027-2028)",
    ]
    (measure,) = Measure.objects.of_plan(new)  # the archived one stays behind
    assert (measure.number, measure.title, measure.schedule_text) == (
        "1.1.1",
        "Accueillir",
        "Ans 2-3",
    )
    assert measure.outside_pac
    assert [org.name for org in measure.leads.all()] == ["CJE"]
    assert [year.number for year in measure.years.all()] == [2, 3]
    assert all(year.plan_id == new.pk for year in measure.years.all())
    targets = Target.objects.filter(indicator__measure=measure).select_related("year")
    assert sorted((t.year and str(t.year) or "", t.value, t.text) for t in targets) == [
        ("", Decimal(40), "40 au total"),
        ("An 2 (2026-2027)", Decimal(19), "An 2 : 19"),
    ]
    indicator = measure.indicators.get()
    assert (indicator.label, indicator.baseline) == ("Personnes accueillies", 5)
    lines = BudgetLine.objects.filter(measure=measure).select_related("year")
    assert sorted((line.total, line.year and line.year.number) for line in lines) == [
        (Decimal(500), None),
        (Decimal(1250), 2),
    ]
    assert all(line.year is None or line.year.plan_id == new.pk for line in lines)
    (expense,) = new.expenses.select_related("year")
    assert (expense.label, expense.amount, expense.year.number) == ("Frais de gestion", 900, 2)
    assert expense.year.plan_id == new.pk
    assert not Activity.objects.filter(measure__objective__axis__plan=new).exists()
    assert not ActualExpense.objects.filter(plan=new).exists()
    assert not PeriodLock.objects.filter(plan=new).exists()
    assert Measure.objects.of_plan(plan_a).count() == 2  # the original is untouched
    client.logout()
    assert client.get(f"/fr/plans/{new.slug}/").status_code == 404  # a draft


def test_duplicate_title_without_years_gets_them(table_a):
    plan = PlanFactory(table=table_a, title="Plan Beauce", slug="plan-beauce")
    new = plan_duplicate_next_cycle(plan=plan, user=None)
    assert new.title == "Plan Beauce 2025-2028"
    again = plan_duplicate_next_cycle(plan=plan, user=None)
    assert again.slug == "plan-beauce-2025-2028-2"


def test_duplicate_a_plan_of_another_length_shifts_by_its_days(table_a):
    plan = PlanFactory(
        table=table_a, title="Plan 2023", start_date=date(2023, 1, 1), end_date=date(2023, 6, 30)
    )
    new = plan_duplicate_next_cycle(plan=plan, user=None)
    assert (new.start_date, new.end_date) == (date(2023, 7, 1), date(2023, 12, 28))
    assert new.title == "Plan 2023 — prochain cycle"


def test_the_plan_list_queries_stay_flat(client, coordinator_a, table_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator_a)

    def count():
        with CaptureQueriesContext(connection) as context:
            page = client.get(reverse(CHANGELIST)).content.decode()
        assert "Aperçu public" in page and "Voir sur le site" in page
        return len(context)

    def add(number):
        for n in range(number):
            status = Plan.Status.DRAFT if n % 2 else Plan.Status.PUBLISHED
            PlanFactory(table=table_a, status=status)

    add(2)
    before = count()
    add(18)
    assert count() == before


def test_publishing_and_duplicating_record_their_author_and_a_reason_read_in_each_language(
    client, coordinator_a, plan_a, draft_a
):
    """Called without a request (a command, the worker), the services still name the
    author; the reasons are read in the history page's language."""
    from actionplans.services import plan_publish

    measure = measure_in(plan_a, "1.1.1")
    TargetFactory(indicator=IndicatorFactory(measure=measure), year=plan_a.years.first())
    plan_publish(plan=draft_a, user=coordinator_a)
    copy = plan_duplicate_next_cycle(plan=plan_a, user=coordinator_a)

    published = draft_a.history.latest()
    assert (published.history_user, published.history_change_reason) == (coordinator_a, "Publié")
    assert copy.history.get().history_user == coordinator_a
    copied_records = [
        *Measure.history.filter(objective__axis__plan=copy),
        *Target.history.filter(indicator__measure__objective__axis__plan=copy),
    ]
    assert copied_records and {r.history_user for r in copied_records} == {coordinator_a}
    client.force_login(coordinator_a)
    history = reverse("admin:actionplans_plan_history", args=[draft_a.pk])
    english = client.get(history.replace("/fr/", "/en/", 1)).content.decode()
    assert "Published" in english and "Publié" not in english
    french = client.get(history).content.decode()
    assert "Publié" in french
    copy_history = client.get(
        reverse("admin:actionplans_plan_history", args=[copy.pk]).replace("/fr/", "/en/", 1)
    ).content.decode()
    assert "Copied from the previous cycle&#x27;s plan" in copy_history


def test_duplicating_twice_warns_that_the_period_already_has_a_plan(client, coordinator_a, plan_a):
    client.force_login(coordinator_a)
    act(client, "duplicate_next_cycle", plan_a)
    first_copy = Plan.objects.exclude(pk=plan_a.pk).get()
    response = act(client, "duplicate_next_cycle", plan_a, follow=True)
    warning = [m for m in shown_messages(response) if m.startswith("Attention")]
    assert warning == [
        f"Attention : la table a déjà un plan sur cette période, « {first_copy.title} ». "
        "Supprimez le brouillon en trop s'il fait double emploi."
    ]
    assert Plan.objects.count() == 3  # made anyway: the coordinator decides
