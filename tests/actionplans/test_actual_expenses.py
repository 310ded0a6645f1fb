"""Actual expenses and budget lines per year in the back office: a coordinator records what
was spent on their own plans' lines, splits a line per year; the ministry only reads."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplans.models import ActualExpense, BudgetLine, FundingSource, PlanExpense
from tests.factories import BudgetLineFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"
ADD = reverse("admin:actionplans_actualexpense_add")


@pytest.fixture
def line_a(measure_a):
    measure_a.years.set(measure_a.objective.axis.plan.years.filter(number__in=[1, 2]))
    return BudgetLineFactory(measure=measure_a, description="Capsules")


@pytest.fixture
def line_b(measure_b):
    return BudgetLineFactory(measure=measure_b, description="Ligne de la table B")


def expense_form(line, **extra):
    return {
        "budget_line": line.pk,
        "plan_expense": "",
        "date": "2023-05-10",
        "amount": "1250.50",
        "description": "Graphiste",
        **extra,
    }


def test_a_coordinator_records_an_expense_on_a_line_of_their_plan(client, coordinator_a, line_a):
    client.force_login(coordinator_a)
    response = client.post(ADD, expense_form(line_a))
    assert response.status_code == 302
    expense = ActualExpense.objects.get()
    assert (expense.plan, expense.budget_line, expense.amount) == (
        line_a.measure.objective.axis.plan,
        line_a,
        Decimal("1250.50"),
    )
    page = client.get(reverse("admin:actionplans_actualexpense_changelist")).content.decode()
    assert f"1{NBSP}250,50{NBSP}$" in page
    assert "1.1.1 — Ministère : PAC — Réparti sur l&#x27;échéance — Capsules" in page


def test_the_line_select_shows_only_the_coordinators_plans(client, coordinator_a, line_a, line_b):
    client.force_login(coordinator_a)
    page = client.get(ADD).content.decode()
    assert "Plan de la table A — 1.1.1 — Ministère : PAC" in page
    assert "Ligne de la table B" not in page and "Plan de la table B" not in page


def test_another_tables_line_is_refused_and_nothing_saved(client, coordinator_a, line_a, line_b):
    client.force_login(coordinator_a)
    response = client.post(ADD, expense_form(line_b))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ActualExpense.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"amount": "-5"}, "Un montant ne peut pas être négatif."),
        (
            {"date": "2026-01-15"},
            "La date doit tomber dans le plan (Du 1er avril 2022 au 31 mars 2025).",
        ),
        (
            {"budget_line": ""},
            "Choisissez une seule ligne : celle d&#x27;un moyen d&#x27;action ou une ligne du plan",
        ),
    ],
)
def test_bad_input_is_refused_with_its_reason(client, coordinator_a, line_a, extra, message):
    client.force_login(coordinator_a)
    response = client.post(ADD, expense_form(line_a, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActualExpense.objects.exists()


def test_an_expense_on_a_plan_line(client, coordinator_a, plan_a):
    fees = PlanExpense.objects.create(plan=plan_a, label="Frais de gestion", amount=13000)
    client.force_login(coordinator_a)
    client.post(ADD, {**expense_form(fees), "budget_line": "", "plan_expense": fees.pk})
    assert ActualExpense.objects.get().plan_expense == fees


def test_the_ministry_reads_and_never_writes(client, ministry, line_a):
    expense = ActualExpense.objects.create(
        plan=line_a.measure.objective.axis.plan,
        budget_line=line_a,
        date=date(2023, 5, 10),
        amount=10,
    )
    client.force_login(ministry)
    page = client.get(reverse("admin:actionplans_actualexpense_changelist")).content.decode()
    assert "Capsules" in page
    assert client.get(ADD).status_code == 403
    change = reverse("admin:actionplans_actualexpense_change", args=[expense.pk])
    response = client.post(change, expense_form(line_a, amount="99"))
    assert response.status_code == 403
    expense.refresh_from_db()
    assert expense.amount == 10


def test_filters_by_year_and_source(client, coordinator_a, line_a):
    plan = line_a.measure.objective.axis.plan
    mrc = BudgetLineFactory(
        measure=line_a.measure, source=FundingSource.MRC_CASH, description="MRC"
    )
    for line, day, text in [
        (line_a, date(2022, 6, 1), "Dépense de l'an 1"),
        (line_a, date(2023, 6, 1), "Dépense de l'an 2"),
        (mrc, date(2023, 7, 1), "Dépense de la MRC"),
    ]:
        ActualExpense.objects.create(
            plan=plan, budget_line=line, date=day, amount=1, description=text
        )
    client.force_login(coordinator_a)
    url = reverse("admin:actionplans_actualexpense_changelist")
    year2 = client.get(url + "?annee=2").content.decode()
    assert "Dépense de l&#x27;an 2" in year2 and "Dépense de l&#x27;an 1" not in year2
    mrc_page = client.get(url + "?source=mrc_cash").content.decode()
    assert "Dépense de la MRC" in mrc_page and "Dépense de l&#x27;an 2" not in mrc_page


def test_the_measure_page_offers_the_plans_years_and_splits_a_line(client, coordinator_a, line_a):
    measure = line_a.measure
    client.force_login(coordinator_a)
    page = client.get(
        reverse("admin:actionplans_measure_change", args=[measure.pk])
    ).content.decode()
    assert "Réparti sur l&#x27;échéance" in page and "An 1 (2022-2023)" in page
    split = reverse("admin:actionplans_measure_split_line", args=[measure.pk, line_a.pk])
    assert f'href="{split}"' in page
    preview = client.get(split).content.decode()
    assert f"8{NBSP}670{NBSP}$" in preview and "An 2 (2023-2024)" in preview
    response = client.post(split, follow=True)
    text = response.content.decode()
    assert "La ligne est répartie en 2 lignes" in text
    assert f"Total : 17{NBSP}340{NBSP}$ (90{NBSP}h)" in text
    lines = BudgetLine.objects.filter(measure=measure).order_by("year__number")
    assert [(line.year.number, line.total) for line in lines] == [(1, 8670), (2, 8670)]
    history = client.get(reverse("admin:actionplans_measure_history", args=[measure.pk]))
    assert "Ligne budgétaire répartie par année" in history.content.decode()


def test_another_table_cannot_split_and_the_ministry_is_refused(
    client, ministry, line_b, coordinator_a
):
    split = reverse("admin:actionplans_measure_split_line", args=[line_b.measure_id, line_b.pk])
    client.force_login(coordinator_a)
    assert client.post(split).status_code == 404
    client.force_login(ministry)
    assert client.post(split).status_code == 403
    assert BudgetLine.objects.get(pk=line_b.pk).year is None


def test_the_expense_pages_keep_a_flat_query_count(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.builders import plan_with_measures
    from tests.factories import UserFactory

    def with_expenses(measures, slug):
        plan = plan_with_measures(measures=measures, slug=slug)
        lines = BudgetLine.objects.filter(measure__objective__axis__plan=plan)
        measure = lines[0].measure
        for index, line in enumerate(lines):
            ActualExpense.objects.create(
                plan=plan, budget_line=line, date=date(2023, 5, 10), amount=index
            )
            BudgetLineFactory(measure=measure, year=plan.years.first())  # lines on one measure
        expense = ActualExpense.objects.filter(plan=plan).first()
        return [
            reverse("admin:actionplans_actualexpense_changelist"),
            reverse("admin:actionplans_actualexpense_changelist")
            + f"?plan__id__exact={plan.pk}&annee=2&source=pac",
            reverse("admin:actionplans_actualexpense_add"),
            reverse("admin:actionplans_actualexpense_change", args=[expense.pk]),
            reverse("admin:actionplans_measure_change", args=[measure.pk]),
        ]

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    small = with_expenses(2, "petit")
    counts = []
    for url in small:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    large = with_expenses(20, "grand")
    for url, budget in zip(large, counts, strict=True):
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_an_expense_on_a_years_line_is_dated_in_that_year(db):
    from datetime import date

    from django.core.exceptions import ValidationError

    from actionplans.models import ActualExpense
    from tests.factories import BudgetLineFactory, MeasureFactory, PlanFactory

    plan = PlanFactory()
    year3 = plan.years.get(number=3)
    line = BudgetLineFactory(measure=MeasureFactory(objective__axis__plan=plan), year=year3)
    expense = ActualExpense(plan=plan, budget_line=line, date=date(2023, 6, 1), amount=250)
    with pytest.raises(ValidationError) as refused:
        expense.full_clean()
    assert "doit tomber entre le 1er avril 2024 et le 31 mars 2025" in str(refused.value)
    expense.date = date(2024, 6, 1)
    expense.full_clean()
