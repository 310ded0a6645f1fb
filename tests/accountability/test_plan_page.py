"""The public plan page: its summary band, its table of contents, its filters that show only
what they found, and targets written as text read as text, not as « 0 sur 4 »."""

from datetime import date

import pytest
from django.utils import timezone

from actionplans.models import Plan, PlanExpense
from tests.factories import (
    ActivityFactory,
    AxisFactory,
    BudgetLineFactory,
    IndicatorFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    TargetFactory,
    measure_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(plan_a):
    first = measure_in(plan_a, "1.1.1", title="Capsules d'information")
    BudgetLineFactory(measure=first, staff_amount=11340, other_amount=6000)
    indicator = IndicatorFactory(measure=first, label="Nombre de capsules")
    TargetFactory(indicator=indicator, year=None, value=3, text="3 capsules")
    ActivityFactory(measure=first, date=date(2022, 6, 1)).values.create(
        indicator=indicator, value=3
    )
    measure_in(plan_a, "1.1.2", title="Jumelage interculturel")
    second = AxisFactory(plan=plan_a, number=2, title="Mobiliser le milieu")
    objective = ObjectiveFactory(axis=second, number="2.1", title="Sensibiliser les élus")
    measure = MeasureFactory(objective=objective, number="2.1.1", title="Tournée des conseils")
    BudgetLineFactory(measure=measure, staff_amount=1000, other_amount=0)
    PlanExpense.objects.create(plan=plan_a, label="Frais de gestion", amount=1000)
    return plan_a


def test_the_summary_band_gives_the_budget_the_statuses_and_each_axis_progress(client, plan):
    page = client.get(plan.get_absolute_url()).content.decode()
    band = page.split('class="plan-summary"')[1].split("</section>")[0]
    assert "19\u00a0340\u00a0$" in band  # 17 340 $ + 1 000 $ + the plan-level 1 000 $
    assert '<span class="status status-achieved">Atteinte</span>' in band
    assert '<span class="status status-late">En retard</span>' in band
    # the chart reads without the picture: its figures are its accessible name
    assert (
        'role="img" aria-label="Avancement par axe : axe 1, 100\u00a0% ; axe 2, sans cible' in band
    )


def test_the_table_of_contents_links_to_each_axis_with_its_percent(client, plan):
    page = client.get(plan.get_absolute_url()).content.decode()
    toc = page.split('<nav class="plan-toc" aria-label="Axes du plan"')[1].split("</nav>")[0]
    assert '<a href="#axe-1">' in toc and '<a href="#axe-2">' in toc
    assert "Mobiliser le milieu" in toc and "100\u00a0%" in toc
    assert 'id="axe-2"' in page


def test_a_filter_shows_only_the_headings_of_what_it_found(client, plan):
    page = client.get(plan.get_absolute_url(), {"q": "jumelage"}).content.decode()
    assert "Jumelage interculturel" in page and "Tournée des conseils" not in page
    assert 'id="axe-1"' in page and 'id="axe-2"' not in page
    assert "Sensibiliser les élus" not in page


def test_a_filter_that_finds_nothing_says_so_once_with_a_way_back(client, plan):
    url = plan.get_absolute_url()
    page = client.get(url, {"q": "introuvable"}).content.decode()
    assert "Aucun moyen d'action ne correspond à ces filtres." in page
    assert f'<a href="{url}">Tout afficher</a>' in page
    assert 'id="axe-1"' not in page and 'id="axe-2"' not in page
    assert "Objectif spécifique 1.1" not in page and "Sensibiliser les élus" not in page


@pytest.fixture
def draft_this_year(table_a):
    """A draft running from last year: its current year's target is only words."""
    today = timezone.localdate()
    start = date(today.year - 1 if today.month < 4 else today.year, 4, 1)
    plan = PlanFactory(
        table=table_a,
        slug="plan-courant",
        status=Plan.Status.DRAFT,
        start_date=date(start.year - 1, 4, 1),
        end_date=date(start.year + 2, 3, 31),
    )
    measure = measure_in(plan, "1.1.1", title="Soutenir les instances de concertation")
    indicator = IndicatorFactory(measure=measure, label="Rencontres", is_cumulative=False)
    years = list(plan.years.order_by("number"))
    TargetFactory(indicator=indicator, year=years[0], value=4, text="4 rencontres")
    TargetFactory(
        indicator=indicator, year=years[1], value=None, text="Coordonner 19 SAIM, 2 rencontres"
    )
    return plan


def test_a_target_written_as_words_shows_its_words(client, coordinator_a, draft_this_year):
    client.force_login(coordinator_a)
    page = client.get(draft_this_year.get_absolute_url()).content.decode()
    assert "0 sur 4" not in page
    assert "Coordonner 19 SAIM, 2 rencontres" in page
    measure = draft_this_year.axes.get().objectives.get().measures.get()
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "0 sur 4" not in page
    assert "Coordonner 19 SAIM, 2 rencontres" in page
