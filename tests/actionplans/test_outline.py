"""« Plan complet »: the plan's tree on one back-office page, and its forms without JavaScript."""

import re
from html import unescape

import pytest
from django.urls import reverse

from actionplans.models import Axis, BudgetLine, Indicator, Measure, PeriodLock
from tests.builders import management
from tests.factories import (
    ActivityFactory,
    AxisFactory,
    BudgetLineFactory,
    IndicatorFactory,
    MeasureFactory,
    MembershipFactory,
    ObjectiveFactory,
    OrganisationFactory,
    TargetFactory,
    partner_of,
)

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def outline_url(plan):
    return reverse("admin:actionplans_plan_outline", args=[plan.pk])


def text_of(response):
    """The page's text, tags and repeated spaces removed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def measure_post(objective_or_measure, *, action="measure-add", **extra):
    data = {
        "action": action,
        "item": objective_or_measure.pk,
        "mesure-number": "1.1.1",
        "mesure-title": "Capsules d'accueil",
        "mesure-responsibility": "CJE",
        "mesure-schedule_text": "",
        "mesure-notes": "",
        **management("indicateurs", 1, 0),
        **management("lignes", 1, 0),
    }
    data.update(extra)
    return data


@pytest.fixture
def tree(plan_a):
    axis = AxisFactory(plan=plan_a, number=1, title="Accueil")
    objective = ObjectiveFactory(axis=axis, number="1.1", title="Mieux accueillir")
    return axis, objective


def test_the_outline_shows_the_whole_tree_with_leads_schedule_budget_and_targets(
    client, coordinator_a, plan_a, tree
):
    axis, objective = tree
    lead = OrganisationFactory(name="Carrefour jeunesse-emploi")
    measure = MeasureFactory(objective=objective, number="1.1.1", title="Capsules d'accueil")
    measure.leads.add(lead)
    measure.years.set(plan_a.years.filter(number__in=[1, 2]))
    BudgetLineFactory(measure=measure, staff_amount=11340, other_amount=6000)
    indicator = IndicatorFactory(measure=measure, label="Capsules diffusées")
    year2 = plan_a.years.get(number=2)
    TargetFactory(indicator=indicator, year=year2, text="3 capsules", value=3)
    archived = MeasureFactory(objective=objective, number="1.1.9", title="Retirée du plan")
    Measure.objects.filter(pk=archived.pk).update(archived_at="2024-01-01T00:00Z")
    client.force_login(coordinator_a)

    page = text_of(client.get(outline_url(plan_a)))

    assert "Axe 1 : Accueil" in page
    assert "Objectif 1.1 : Mieux accueillir" in page
    assert "1.1.1 Capsules d'accueil" in page
    assert f"Responsables{NBSP}: Carrefour jeunesse-emploi" in page
    assert f"Échéance{NBSP}: Ans 1-2" in page
    assert f"Budget{NBSP}: 17{NBSP}340{NBSP}$" in page
    assert "Indicateur An 1 An 2 An 3 Plan Capsules diffusées (activités) — 3 capsules — —" in page
    assert "Retirée du plan" not in page


def test_the_plan_list_and_page_link_to_the_outline(client, coordinator_a, plan_a):
    client.force_login(coordinator_a)
    listing = client.get(reverse("admin:actionplans_plan_changelist")).content.decode()
    change = client.get(reverse("admin:actionplans_plan_change", args=[plan_a.pk]))
    assert f'href="{outline_url(plan_a)}"' in listing
    assert f'href="{outline_url(plan_a)}">Plan complet</a>' in change.content.decode()


def test_a_measure_s_page_links_to_its_place_in_the_outline(client, coordinator_a, plan_a, tree):
    measure = MeasureFactory(objective=tree[1], number="1.1.1")
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_measure_change", args=[measure.pk]))
    link = f'href="{outline_url(plan_a)}#mesure-{measure.pk}">Dans le plan complet</a>'
    assert link in page.content.decode()


def test_adding_an_axis_without_javascript_proposes_its_number_and_comes_back_to_it(
    client, coordinator_a, plan_a, tree
):
    client.force_login(coordinator_a)
    form = client.get(outline_url(plan_a) + "?ajouter=axe").content.decode()
    assert re.search(r'name="axe-number"[^>]*value="2"', form)

    response = client.post(
        outline_url(plan_a), {"action": "axis-add", "axe-number": "2", "axe-title": "Emploi"}
    )

    axis = Axis.objects.get(plan=plan_a, number=2)
    assert response.status_code == 303
    assert response["Location"] == f"{outline_url(plan_a)}#axe-{axis.pk}"
    assert axis.history.get().history_user == coordinator_a
    page = text_of(client.get(response["Location"]))
    assert "L'axe 2 est ajouté : Emploi." in page


def test_an_axis_number_taken_shows_the_form_again_with_the_error_and_saves_nothing(
    client, coordinator_a, plan_a, tree
):
    client.force_login(coordinator_a)
    response = client.post(
        outline_url(plan_a), {"action": "axis-add", "axe-number": "1", "axe-title": "Doublon"}
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in page
    assert "Ce plan a déjà un axe portant ce numéro." in page
    assert re.search(r'name="axe-title"[^>]*value="Doublon"', response.content.decode())
    assert not Axis.objects.filter(title="Doublon").exists()


def test_editing_an_objective_opens_its_form_in_place(client, coordinator_a, plan_a, tree):
    _axis, objective = tree
    client.force_login(coordinator_a)
    page = client.get(outline_url(plan_a) + f"?modifier=objectif-{objective.pk}").content.decode()
    assert 'name="objectif-title"' in page
    assert "Modifier l'objectif 1.1" in page

    response = client.post(
        outline_url(plan_a),
        {
            "action": "objective",
            "item": objective.pk,
            "objectif-number": "1.1",
            "objectif-title": "Accueillir et orienter",
        },
    )
    objective.refresh_from_db()
    assert response["Location"].endswith(f"#objectif-{objective.pk}")
    assert objective.title == "Accueillir et orienter"


def test_a_measure_with_its_targets_grid_and_budget_lines_in_one_form(
    client, coordinator_a, plan_a, tree
):
    _axis, objective = tree
    cje = OrganisationFactory(name="CJE Beauce")
    MembershipFactory(table=plan_a.table, organisation=cje)
    OrganisationFactory(name="Organisme d'une autre table")
    years = {year.number: year for year in plan_a.years.all()}
    client.force_login(coordinator_a)
    form = client.get(outline_url(plan_a) + f"?ajouter=mesure-{objective.pk}").content.decode()
    assert "CJE Beauce" in form and "Organisme d'une autre table" not in form
    assert 'aria-label="Cible an 2 (nouvel indicateur)"' in form

    response = client.post(
        outline_url(plan_a),
        measure_post(
            objective,
            **{
                "mesure-leads": [cje.pk],
                "mesure-years": [years[1].pk, years[2].pk],
                "indicateurs-0-label": "Capsules diffusées",
                "indicateurs-0-unit": "capsules",
                "indicateurs-0-is_cumulative": "on",
                "indicateurs-0-target_year_1": "2 capsules",
                "indicateurs-0-target_year_2": "3 capsules",
                "indicateurs-0-target_plan": "5 capsules",
                "lignes-0-description": "Animation",
                "lignes-0-staff_amount": "11 339,50 $",  # as typed in Quebec
                "lignes-0-staff_hours": "90",
                "lignes-0-other_amount": "6000.50",
                "lignes-0-source": "pac",
                "lignes-0-year": years[1].pk,
            },
        ),
    )

    measure = Measure.objects.get(objective=objective, number="1.1.1")
    assert response.status_code == 303, text_of(response)
    assert response["Location"].endswith(f"#mesure-{measure.pk}")
    assert list(measure.leads.all()) == [cje]
    assert measure.schedule_label == "Ans 1-2"
    targets = {
        t.year.number if t.year else None: t.value for t in Indicator.objects.get().targets.all()
    }
    assert targets == {1: 2, 2: 3, None: 5}
    line = BudgetLine.objects.get(measure=measure)
    assert (line.total, line.year) == (17340, years[1])
    assert line.history.get().history_user == coordinator_a
    page = text_of(client.get(outline_url(plan_a)))
    assert "Le moyen d'action 1.1.1 est ajouté." in page
    assert "Capsules diffusées (capsules) 2 capsules 3 capsules — 5 capsules" in page
    assert f"Budget{NBSP}: 17{NBSP}340{NBSP}$" in page


def test_a_wrong_row_in_the_grid_saves_nothing(client, coordinator_a, plan_a, tree):
    _axis, objective = tree
    measure = MeasureFactory(objective=objective, number="1.1.1", title="Avant")
    client.force_login(coordinator_a)
    response = client.post(
        outline_url(plan_a),
        measure_post(
            measure,
            action="measure",
            **{"mesure-title": "Après", "lignes-0-staff_amount": "-5", "lignes-0-source": "pac"},
        ),
    )
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in text_of(response)
    assert 'name="lignes-0-staff_amount"' in response.content.decode()
    # The summary at the top of the outline names the error and links to its box.
    summary = response.content.decode().split("data-error-summary>")[1].split("</div>")[0]
    assert 'href="#id_lignes-0-staff_amount"' in summary
    assert "Ligne budgétaire 1 : Ressources humaines ($)" in unescape(summary)
    assert summary in response.content.decode().split('id="outline"')[1].split("Axe 1")[0]
    measure.refresh_from_db()
    assert measure.title == "Avant"
    assert not BudgetLine.objects.exists()


def test_moving_and_renumbering(client, coordinator_a, plan_a, tree):
    axis, objective = tree
    first = MeasureFactory(objective=objective, number="1.1.1", title="Premier", position=1)
    second = MeasureFactory(objective=objective, number="1.1.2", title="Second", position=2)
    client.force_login(coordinator_a)

    response = client.post(
        outline_url(plan_a),
        {"action": "move", "kind": "mesure", "item": second.pk, "direction": "up"},
    )
    assert response["Location"].endswith(f"#mesure-{second.pk}")
    page = text_of(client.get(outline_url(plan_a)))
    assert page.index("Second") < page.index("Premier")
    assert "« 1.1.2 Second » est monté d'un rang." in page

    confirm = text_of(client.get(outline_url(plan_a) + "?renumeroter=1"))
    assert "Renuméroter le plan dans son ordre actuel" in confirm
    assert "2 numéros changeraient : 1.1.2 → 1.1.1 Second 1.1.1 → 1.1.2 Premier" in confirm
    client.post(outline_url(plan_a), {"action": "renumber"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == ("1.1.1", "1.1.2")
    assert second.history.latest().history_change_reason == "Plan renuméroté"
    assert second.history.latest().history_user == coordinator_a
    again = text_of(client.get(outline_url(plan_a) + "?renumeroter=1"))
    assert "Les numéros suivent déjà l'ordre du plan : rien ne changerait." in again


def test_the_ministry_reads_the_outline_without_any_form_and_cannot_post(
    client, ministry, plan_a, tree
):
    _axis, objective = tree
    client.force_login(ministry)
    page = client.get(outline_url(plan_a) + f"?modifier=objectif-{objective.pk}")
    assert "Objectif 1.1 : Mieux accueillir" in text_of(page)
    assert "<form" not in page.content.decode().split('id="outline"')[1]
    response = client.post(
        outline_url(plan_a), {"action": "axis-add", "axe-number": "2", "axe-title": "Non"}
    )
    assert response.status_code == 403
    assert not Axis.objects.filter(title="Non").exists()


def test_another_tables_plan_or_item_is_not_found(client, coordinator_a, plan_a, plan_b, tree):
    other_objective = ObjectiveFactory(axis=AxisFactory(plan=plan_b, number=1), number="1.1")
    client.force_login(coordinator_a)
    assert client.get(outline_url(plan_b)).status_code == 404
    assert (
        client.get(outline_url(plan_a) + f"?modifier=objectif-{other_objective.pk}").status_code
        == 404
    )
    response = client.post(
        outline_url(plan_a),
        {
            "action": "objective",
            "item": other_objective.pk,
            "objectif-number": "9.9",
            "objectif-title": "Piraté",
        },
    )
    assert response.status_code == 404
    other_objective.refresh_from_db()
    assert other_objective.title != "Piraté"


def test_a_partner_is_refused(client, plan_a, tree):
    organisation = OrganisationFactory()
    client.force_login(partner_of(organisation))
    assert client.get(outline_url(plan_a)).status_code == 403


def test_a_budget_line_whose_expenses_are_locked_keeps_its_year(
    client, coordinator_a, plan_a, tree
):
    _axis, objective = tree
    measure = MeasureFactory(objective=objective, number="1.1.1")
    years = {year.number: year for year in plan_a.years.all()}
    line = BudgetLineFactory(measure=measure, year=years[1], staff_amount=100)
    line.actual_expenses.create(plan=plan_a, date=years[1].start_date, amount=50)
    PeriodLock.objects.create(
        plan=plan_a,
        start_date=years[1].start_date,
        end_date=years[1].end_date,
        reason="Bilan An 1",
        locked_at="2023-04-15T12:00Z",
        locked_by=coordinator_a,
    )
    client.force_login(coordinator_a)
    response = client.post(
        outline_url(plan_a),
        measure_post(
            measure,
            action="measure",
            **{
                "mesure-number": "1.1.1",
                **management("lignes", 1, 1),
                "lignes-0-id": line.pk,
                "lignes-0-measure": measure.pk,
                "lignes-0-description": "",
                "lignes-0-staff_amount": "100",
                "lignes-0-staff_hours": "0",
                "lignes-0-other_amount": "0",
                "lignes-0-source": "pac",
                "lignes-0-year": years[2].pk,
            },
        ),
    )
    assert "Rien n'a été enregistré" in text_of(response)
    line.refresh_from_db()
    assert line.year == years[1]


def test_the_outline_keeps_a_flat_query_count_at_ten_times_the_measures(
    client, coordinator_a, table_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.builders import plan_with_measures

    small = plan_with_measures(table=table_a, measures=4, slug="petit")
    large = plan_with_measures(table=table_a, measures=40, slug="grand")
    client.force_login(coordinator_a)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(outline_url(plan))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert text_of(response).count("Modifier le moyen d'action") == 40


def test_moving_axes_swaps_their_numbers_and_the_first_stays_first_when_moved_up(
    coordinator_a, plan_a
):
    from actionplans import services

    first = AxisFactory(plan=plan_a, number=1, title="Un")
    second = AxisFactory(plan=plan_a, number=2, title="Deux")
    services.axis_move(axis=first, direction="up", user=coordinator_a)
    services.axis_move(axis=second, direction="up", user=coordinator_a)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (1, 2)
    assert first.history.latest().history_change_reason == "Ordre changé"


def test_renumbering_is_refused_when_an_archived_measure_holds_a_number(
    coordinator_a, plan_a, tree
):
    from actionplans import services

    _axis, objective = tree
    MeasureFactory(objective=objective, number="1.1.1", archived_at="2024-01-01T00:00Z")
    current = MeasureFactory(objective=objective, number="1.1.5")
    with pytest.raises(services.OutlineError, match="1.1.1"):
        services.plan_renumber(plan=plan_a, user=coordinator_a)
    current.refresh_from_db()
    assert current.number == "1.1.5"


def test_an_indicator_with_declared_values_is_not_deleted_and_the_row_says_why(
    client, coordinator_a, plan_a, tree
):
    from activities.models import IndicatorValue

    measure = MeasureFactory(objective=tree[1], number="1.1.1", title="Capsules")
    indicator = IndicatorFactory(measure=measure, label="Capsules diffusées")
    activity = ActivityFactory(measure=measure)
    IndicatorValue.objects.create(activity=activity, indicator=indicator, value=2)
    client.force_login(coordinator_a)
    response = client.post(
        outline_url(plan_a),
        measure_post(
            measure,
            action="measure",
            **{
                **management("indicateurs", 1, 1),
                **management("lignes", 0, 0),
                "indicateurs-0-id": indicator.pk,
                "indicateurs-0-label": indicator.label,
                "indicateurs-0-DELETE": "on",
                "mesure-title": "Capsules renommées",
            },
        ),
    )
    assert response.status_code == 200
    assert "a des valeurs déclarées dans des activités" in text_of(response)
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    measure.refresh_from_db()
    assert measure.title == "Capsules"


def test_saving_a_measure_keeps_its_organisations_from_outside_the_table(
    client, coordinator_a, plan_a, tree
):
    """The measure's admin page chooses among every organisation: the outline offers those
    already named too, so that a save does not drop them."""
    measure = MeasureFactory(objective=tree[1], number="1.1.1", title="Avant")
    outsider = OrganisationFactory(name="Ministère de l'Emploi")
    measure.leads.add(outsider)
    client.force_login(coordinator_a)
    form = text_of(client.get(outline_url(plan_a) + f"?modifier=mesure-{measure.pk}"))
    assert "Ministère de l'Emploi" in form
    client.post(
        outline_url(plan_a),
        measure_post(
            measure,
            action="measure",
            **management("indicateurs", 0, 0),
            **management("lignes", 0, 0),
            **{"mesure-title": "Après", "mesure-leads": [outsider.pk]},
        ),
    )
    measure.refresh_from_db()
    assert measure.title == "Après"
    assert list(measure.leads.all()) == [outsider]


def test_moving_an_item_of_another_plan_is_not_found(client, coordinator_a, plan_a, plan_b):
    other = MeasureFactory(
        objective=ObjectiveFactory(axis=AxisFactory(plan=plan_b, number=1), number="1.1"),
        number="1.1.2",
        position=2,
    )
    MeasureFactory(objective=other.objective, number="1.1.1", position=1)
    client.force_login(coordinator_a)
    response = client.post(
        outline_url(plan_a),
        {"action": "move", "kind": "mesure", "item": other.pk, "direction": "up"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.position == 2
