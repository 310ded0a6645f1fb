import pytest
from django.urls import reverse

from actionplans.models import Target
from tests.builders import management
from tests.factories import BudgetLineFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def measure_form(measure, **extra):
    return {
        "objective": measure.objective_id,
        "number": measure.number,
        "title": measure.title,
        "position": "0",
        "responsibility": "",
        "schedule_text": "Ans 2-3",
        "notes": "",
        **extra,
    }


def test_measure_page_shows_the_total_as_in_the_plan(client, coordinator_a, measure_a):
    BudgetLineFactory(measure=measure_a, staff_amount=11340, staff_hours=90, other_amount=6000)
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_change", args=[measure_a.pk]))
    assert f"Total : 17{NBSP}340{NBSP}$ (90{NBSP}h)" in page.content.decode()


def test_coordinator_types_targets_per_year_on_the_measure_page(
    client, coordinator_a, measure_a, plan_a
):
    indicator = IndicatorFactory(measure=measure_a, label="Nb d'activités")
    client.force_login(coordinator_a)
    year2, year3 = plan_a.years.filter(number__in=[2, 3])
    response = client.post(
        reverse("admin:actionplans_measure_change", args=[measure_a.pk]),
        measure_form(
            measure_a,
            years=[year2.pk, year3.pk],
            **management("indicators", 1, 1),
            **{
                "indicators-0-id": indicator.pk,
                "indicators-0-measure": measure_a.pk,
                "indicators-0-label": "Nb d'activités",
                "indicators-0-unit": "activités",
                "indicators-0-is_cumulative": "on",
                "indicators-0-position": "0",
                "indicators-0-target_year_1": "",
                "indicators-0-target_year_2": "19 activités",
                "indicators-0-target_year_3": "19 activités",
                "indicators-0-target_plan": "À déterminer",
            },
            **management("budget_lines", 0, 0),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    targets = {
        (target.year.number if target.year else None): (target.text, target.value)
        for target in Target.objects.filter(indicator=indicator).select_related("year")
    }
    assert targets == {
        2: ("19 activités", 19),
        3: ("19 activités", 19),
        None: ("À déterminer", None),
    }
    measure_a.refresh_from_db()
    assert measure_a.schedule_label == "Ans 2-3"


def test_a_target_names_its_year_and_an_ambiguous_one_is_kept_without_a_value(
    client, coordinator_a, measure_a, plan_a
):
    indicator = IndicatorFactory(measure=measure_a, label="Nb de capsules")
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_measure_change", args=[measure_a.pk]),
        measure_form(
            measure_a,
            **management("indicators", 1, 1),
            **{
                "indicators-0-id": indicator.pk,
                "indicators-0-measure": measure_a.pk,
                "indicators-0-label": "Nb de capsules",
                "indicators-0-unit": "",
                "indicators-0-position": "0",
                "indicators-0-target_year_1": "",
                "indicators-0-target_year_2": "An 2 : 3 capsules",
                "indicators-0-target_year_3": "3 à 5 capsules",
                "indicators-0-target_plan": "",
            },
            **management("budget_lines", 0, 0),
        ),
        follow=True,
    )
    targets = {
        target.year.number: (target.text, target.value)
        for target in Target.objects.filter(indicator=indicator).select_related("year")
    }
    assert targets == {2: ("An 2 : 3 capsules", 3), 3: ("3 à 5 capsules", None)}
    page = response.content.decode()
    assert (
        "Indicateur « Nb de capsules » : Cible « 3 à 5 capsules » : plusieurs nombres (3 ; 5), "
        "aucune valeur retenue."
    ) in page.replace("&laquo;", "«").replace("&raquo;", "»").replace("&#x27;", "'")


def test_a_negative_budget_is_refused_with_a_french_message(client, coordinator_a, measure_a):
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_measure_change", args=[measure_a.pk]),
        measure_form(
            measure_a,
            **management("indicators", 0, 0),
            **management("budget_lines", 1, 0),
            **{
                "budget_lines-0-measure": measure_a.pk,
                "budget_lines-0-staff_amount": "-100",
                "budget_lines-0-staff_hours": "0",
                "budget_lines-0-other_amount": "0",
            },
        ),
    )
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in response.content.decode()
    assert not measure_a.budget_lines.exists()


def test_a_repeated_measure_number_is_refused_in_the_admin(
    client, coordinator_a, measure_a, plan_a
):
    from tests.factories import measure_in

    other = measure_in(plan_a, "1.1.2")
    client.force_login(coordinator_a)
    response = client.post(
        reverse("admin:actionplans_measure_change", args=[other.pk]),
        measure_form(
            other,
            number="1.1.1",
            **management("indicators", 0, 0),
            **management("budget_lines", 0, 0),
        ),
    )
    assert "Le numéro 1.1.1 existe déjà dans ce plan." in response.content.decode()
    other.refresh_from_db()
    assert other.number == "1.1.2"
