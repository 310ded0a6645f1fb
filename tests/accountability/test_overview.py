"""The ministry's view across tables: every table side by side, sorted, filtered, exported."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accountability.models import Submission
from accountability.overview import (
    fiscal_year,
    overdue_periods,
    unit_family,
)
from actionplans.models import ActualExpense
from actionplans.models.money import FundingSource
from activities.models import IndicatorValue
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    IndicatorFactory,
    MrcFactory,
    MunicipalityFactory,
    PlanFactory,
    RegionFactory,
    TableFactory,
    UserFactory,
    coordinator_of,
    measure_in,
    partner_of,
)

URL = "/fr/rapports/tables/"


def running_plan(table, **kwargs):
    """A four-year plan whose third year is the fiscal year running today: whatever the day,
    its first three half-years ended more than 30 days ago."""
    this_year = fiscal_year(timezone.localdate())
    start = date(this_year.start.year - 2, 4, 1)
    return PlanFactory(
        table=table, start_date=start, end_date=date(start.year + 4, 3, 31), **kwargs
    )


def with_money(plan, number, *, planned, spent, outside_pac=False):
    """A measure of ``plan`` with a PAC line of ``planned`` in the plan year running today and
    ``spent`` recorded against it today."""
    year = plan.years.get(start_date__lte=timezone.localdate(), end_date__gte=timezone.localdate())
    measure = measure_in(plan, number, outside_pac=outside_pac)
    line = BudgetLineFactory(
        measure=measure,
        staff_amount=0,
        other_amount=planned,
        year=year,
        source=FundingSource.PAC,
    )
    if spent:
        ActualExpense.objects.create(
            plan=plan, budget_line=line, date=timezone.localdate(), amount=spent
        )
    return measure


def submit(plan, start, end, *, annual=False, when=None):
    return Submission.objects.create(
        plan=plan,
        period_start=start,
        period_end=end,
        period_key=f"{start}:{end}",
        annual=annual,
        submitted_at=when or timezone.now(),
        submitted_by=UserFactory(),
    )


# --- rules in one function each ----------------------------------------------------------------


def test_unit_families_ignore_case_accents_plural_and_nombre_de():
    assert unit_family("Participants") == unit_family("participantes") == "participant"
    assert unit_family("nombre de participants") == "participant"
    assert unit_family("activités") == unit_family("Activite") == "activite"
    assert unit_family("municipalités") == unit_family("Municipalité") == "municipalite"
    assert unit_family("rencontres") == "rencontre"
    assert unit_family("participants") != unit_family("activités")
    for nothing in ("", "  ", "%", "pourcentage", "$"):
        assert unit_family(nothing) is None


def test_the_fiscal_year_runs_from_april_to_march():
    assert (fiscal_year(date(2026, 3, 31)).start, fiscal_year(date(2026, 3, 31)).end) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
    )
    assert fiscal_year(date(2026, 4, 1)).start == date(2026, 4, 1)


def test_a_half_year_ended_forty_days_ago_without_submission_is_overdue(plan_a):
    # Plan 2022-04-01 → 2025-03-31: year 2's first half ends on 30 September 2023.
    half_end = date(2023, 9, 30)
    submit(plan_a, date(2022, 4, 1), date(2023, 3, 31), annual=True)  # year 1, both halves
    sent = list(plan_a.submissions.all())
    overdue = overdue_periods(plan_a, sent, half_end + timedelta(days=40))
    assert [(p.start, p.end) for p in overdue] == [(date(2023, 4, 1), half_end)]
    # Thirty days after its end it is not overdue yet.
    assert overdue_periods(plan_a, sent, half_end + timedelta(days=30)) == []
    submit(plan_a, date(2023, 4, 1), half_end)
    sent = list(plan_a.submissions.all())
    assert overdue_periods(plan_a, sent, half_end + timedelta(days=40)) == []


def test_without_any_submission_every_finished_half_year_is_overdue(plan_a):
    overdue = overdue_periods(plan_a, [], date(2023, 11, 9))
    assert [p.end for p in overdue] == [date(2022, 9, 30), date(2023, 3, 31), date(2023, 9, 30)]
    submit(plan_a, plan_a.start_date, plan_a.end_date)  # a report on the whole plan covers all
    assert overdue_periods(plan_a, list(plan_a.submissions.all()), date(2025, 12, 1)) == []


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def three_tables(db):
    """Beauce (spent 3 000 of 10 000), D'Autray (spent 8 000 of 9 000), Bécancour (no plan)."""
    beauce = TableFactory(name="Table Beauce", slug="beauce")
    dautray = TableFactory(name="Table D'Autray", slug="dautray")
    becancour = TableFactory(name="Table Bécancour", slug="becancour")
    plan_beauce = running_plan(beauce, title="Plan Beauce", slug="plan-beauce")
    plan_dautray = running_plan(dautray, title="Plan D'Autray", slug="plan-dautray")
    with_money(plan_beauce, "1.1.1", planned=10_000, spent=3_000)
    with_money(plan_dautray, "1.1.1", planned=9_000, spent=8_000)
    return beauce, dautray, becancour


def page_text(response):
    """The page as read: no-break spaces (thousands, before « $ » and « % ») as spaces."""
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def rows_of(client, ministry, query=""):
    client.force_login(ministry)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response, [row.table.name for row in response.context["overview"].rows]


def test_the_page_lists_every_table_including_one_without_plan(client, ministry, three_tables):
    response, names = rows_of(client, ministry)
    assert names == ["Table Beauce", "Table Bécancour", "Table D'Autray"]
    html = page_text(response)
    assert "3 tables affichées" in html
    assert "aucun plan" in html
    assert "3 000 $ / 10 000 $ (30 %)" in html
    assert "8 000 $ / 9 000 $ (88 %)" in html
    assert f'href="{reverse("accountability:plan", args=["plan-beauce"])}"' in html
    assert "<li>An 2, premier semestre</li>" in html  # ended over a year ago, never reported
    assert 'aria-sort="ascending"' in html and '<th scope="col"' in html


def test_sorting_by_budget_spent_puts_the_biggest_spender_first(client, ministry, three_tables):
    response, names = rows_of(client, ministry, "?tri=-depenses")
    assert names == ["Table D'Autray", "Table Beauce", "Table Bécancour"]  # no plan: last
    assert 'aria-sort="descending"' in response.content.decode()
    _response, names = rows_of(client, ministry, "?tri=depenses")
    assert names == ["Table Beauce", "Table D'Autray", "Table Bécancour"]
    # The header link of the sorted column turns it the other way; the others sort ascending.
    links = response.context["sort_links"]
    assert links["depenses"] == (URL + "?tri=depenses", "descending")
    assert links["table"] == (URL + "?tri=table", None)


def test_pac_figures_exclude_measures_outside_the_pac(client, ministry, three_tables):
    beauce = three_tables[0]
    plan = beauce.plans.get()
    with_money(plan, "9.9.9", planned=50_000, spent=40_000, outside_pac=True)
    response, _names = rows_of(client, ministry)
    row = next(r for r in response.context["overview"].rows if r.table == beauce)
    assert (row.planned, row.spent) == (Decimal(10_000), Decimal(3_000))
    assert "3 000 $ / 10 000 $ (30 %)" in page_text(response)


def test_a_budget_line_of_zero_dollars_counts_as_zero(client, ministry, three_tables):
    plan = three_tables[0].plans.get()
    BudgetLineFactory(
        measure=measure_in(plan, "2.1.1"), staff_amount=0, other_amount=0, staff_hours=0
    )
    response, _names = rows_of(client, ministry)
    assert "3 000 $ / 10 000 $ (30 %)" in page_text(response)


def test_the_region_filter_keeps_only_its_tables_and_totals(client, ministry, three_tables):
    beauce, dautray, _becancour = three_tables
    lanaudiere = RegionFactory(code="14", name="Lanaudière")
    mrc = MrcFactory(region=lanaudiere, name="MRC de D'Autray")
    dautray.mrcs.set([mrc])
    town = MunicipalityFactory(mrc=mrc, name="Lavaltrie")
    today = timezone.localdate()
    for table, participants in ((beauce, 40), (dautray, 25)):
        measure = table.plans.get().axes.get().objectives.get().measures.get()
        activity = ActivityFactory(measure=measure, date=today, participants=participants)
        activity.municipalities.add(town)
        indicator = IndicatorFactory(measure=measure, unit="participants")
        IndicatorValue.objects.create(activity=activity, indicator=indicator, value=participants)

    response, names = rows_of(client, ministry)
    totals = response.context["overview"].totals
    assert (totals.activities, totals.participants, totals.municipalities) == (2, 65, 1)
    assert [(f.label, f.total) for f in totals.families] == [("Participants", Decimal(65))]

    response, names = rows_of(client, ministry, "?region=14")
    assert names == ["Table D'Autray"]
    html = page_text(response)
    assert "1 table affichée" in html
    assert "Totaux de la région Lanaudière" in html
    totals = response.context["overview"].totals
    assert (totals.activities, totals.participants) == (1, 25)
    assert '<option value="14" selected>' in html


def test_the_last_submission_shows_with_its_period_and_day(client, ministry, three_tables):
    beauce = three_tables[0]
    plan = beauce.plans.get()
    year_1 = plan.years.get(number=1)
    submit(plan, year_1.start_date, year_1.end_date, annual=True)
    response, _names = rows_of(client, ministry, "?tri=-rapport")
    assert response.context["overview"].rows[0].table == beauce
    html = page_text(response)
    assert "Bilan annuel, du 1er avril" in html
    assert f"soumis le {timezone.localdate().day}" in html
    book = load_workbook(io.BytesIO(client.get(URL + "?tri=-rapport&format=xlsx").content))
    first = list(book["Tables"].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert first[15].startswith("Bilan annuel, du 1er avril") and first[16] is not None


def test_the_xlsx_has_the_rows_of_the_page_in_its_order(client, ministry, three_tables):
    client.force_login(ministry)
    response = client.get(URL + "?tri=-depenses&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Tables"].iter_rows(values_only=True))
    header = rows[0]
    assert [row[0] for row in rows[1:]] == ["Table D'Autray", "Table Beauce", "Table Bécancour"]
    spent = header.index("PAC dépensé, année en cours ($)")
    assert rows[1][spent] == 8000 and isinstance(rows[1][spent], int | float)
    assert rows[3][2] == "Aucun plan"
    overdue = header.index("Semestres en retard")
    assert rows[1][overdue].startswith(
        "An 1, premier semestre; An 1, second semestre; An 2, premier semestre"
    )
    assert isinstance(rows[1][header.index("Début du plan")], date)
    assert rows[3][header.index("Dernier rapport soumis")] is None
    totals = dict(book["Totaux"].iter_rows(min_row=2, values_only=True))
    assert totals["Tables"] == 3

    response = client.get(URL + "?region=17&format=xlsx")
    names = [
        r[0]
        for r in load_workbook(io.BytesIO(response.content))["Tables"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == ["Table Beauce", "Table Bécancour", "Table D'Autray"]


def test_only_the_ministry_and_superusers_see_it(client, three_tables):
    beauce = three_tables[0]
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    for user in (
        coordinator_of(beauce),
        partner_of(beauce.carrier),
        UserFactory(),
    ):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 403
        assert "Table Bécancour" not in response.content.decode()
        response = client.get(reverse("accountability:home"))
        assert "Vue d'ensemble des tables" not in response.content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "Table Bécancour" in client.get(URL).content.decode()


def test_the_reports_home_and_my_space_link_to_it_for_the_ministry(client, ministry):
    client.force_login(ministry)
    for page in (reverse("accountability:home"), reverse("dashboard")):
        assert f'href="{URL}"' in client.get(page).content.decode()


def test_the_query_count_stays_flat_from_3_to_30_tables(client, ministry):
    def build(count):
        for _index in range(count):
            table = TableFactory()
            plan = running_plan(table)
            measure = with_money(plan, "1.1.1", planned=1_000, spent=100)
            ActivityFactory(measure=measure, date=timezone.localdate())
            year_1 = plan.years.get(number=1)
            submit(plan, year_1.start_date, year_1.end_date, annual=True)
        TableFactory()  # without a plan

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL + "?tri=-depenses")
        assert response.status_code == 200
        return len(queries), len(response.context["overview"].rows)

    client.force_login(ministry)
    build(3)
    small, shown = count()
    assert shown == 4
    build(27)
    large, shown = count()
    assert shown == 32
    assert small == large
