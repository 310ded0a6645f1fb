"""A measure's history, as its coordinator reads it in French and in English: its own fields,
its organisations, its indicators with their targets per plan year, its budget lines, with
values formatted the Quebec way (the English way on /en/)."""

import html
import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import Indicator
from meetings.models import Meeting
from tests.factories import (
    MONTREAL,
    BudgetLineFactory,
    IndicatorFactory,
    OrganisationFactory,
    TargetFactory,
)
from tests.portal.test_history import admin_url, change_in_admin, form_data

pytestmark = pytest.mark.django_db

FRENCH_UI = r"\b(Création|Modification|Suppression|ajout de|retrait de|Oui|Non|An \d|Début)\b"
ENGLISH_UI = r"\b(None|True|False|Creation|Change|Deletion|added|removed|Yes|No|Year \d)\b"


def page_text(client, url, language="fr"):
    url = re.sub(r"^/(fr|en)/", f"/{language}/", url)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    region = content[content.index('id="content"') :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", region)).split())


def history(client, obj, language="fr"):
    return page_text(client, admin_url(obj, "history"), language)


@pytest.fixture
def coordinator_client(client, coordinator_a):
    client.force_login(coordinator_a)
    return client


@pytest.fixture
def worked_measure(coordinator_client, measure_a):
    """The coordinator changes a target, adds a budget line and a lead organisation in one
    save of the measure's page, then deletes the indicator in a second one."""
    year_2 = measure_a.objective.axis.plan.years.get(number=2)
    indicator = IndicatorFactory(measure=measure_a, label="Capsules diffusées")
    TargetFactory(indicator=indicator, year=year_2, value=3, text="3")
    lead = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    change_in_admin(
        coordinator_client,
        measure_a,
        leads=[str(lead.pk)],
        **{
            "indicators-0-target_year_2": "5",
            "budget_lines-TOTAL_FORMS": "1",
            "budget_lines-0-description": "Traduction des capsules",
            "budget_lines-0-staff_amount": "1250.50",
            "budget_lines-0-staff_hours": "12.5",
            "budget_lines-0-other_amount": "0",
            "budget_lines-0-funding_source": "PAC-OBNL",
            "budget_lines-0-source": "pac",
            "budget_lines-0-measure": str(measure_a.pk),
        },
    )
    change_in_admin(coordinator_client, measure_a, **{"indicators-0-DELETE": "on"})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    return measure_a


def test_a_measure_history_reads_its_targets_budget_lines_organisations_and_indicators(
    coordinator_client, worked_measure, coordinator_a
):
    text = history(coordinator_client, worked_measure)

    assert "Indicateur « Capsules diffusées » Suppression" in text
    assert "Indicateur « Capsules diffusées » Modification — An 2 (2023-2024) : 3 → 5" in text, text
    assert (
        "Ligne budgétaire « Traduction des capsules » Création — Description : Traduction des "
        "capsules Ressources humaines ($) : 1 250,50 $ Heures : 12,5 h Autres dépenses ($) : 0 $ "
        "Source de financement (texte du plan) : PAC-OBNL Source de financement : Ministère : PAC"
    ) in text
    assert "Organisations responsables : ajout de Carrefour jeunesse-emploi (CJE)" in text
    assert f"{coordinator_a.username} " in text
    # The deleted indicator's target is not repeated under its deletion, and the second save,
    # which changed only an indicator, has no « saved without changes » entry of its own.
    assert "5 → —" not in text
    assert "Enregistré sans changement" not in text
    assert "Moyen d'action : 1.1.1" not in text  # a budget line's own measure, said once
    assert not re.search(ENGLISH_UI, text), text


def test_a_measure_history_reads_in_english(coordinator_client, worked_measure):
    text = history(coordinator_client, worked_measure, "en")

    assert "Indicator “Capsules diffusées” Deletion" in text
    assert "Indicator “Capsules diffusées” Change — Year 2 (2023-2024): 3 → 5" in text, text
    assert (
        "Budget line “Traduction des capsules” Creation — Description: Traduction des capsules "
        "Staff ($): $1,250.50 Hours: 12.5 h Other costs ($): $0"
    ) in text
    assert "Funding source: Ministry: PAC" in text
    assert "Lead organisations: added Carrefour jeunesse-emploi (CJE)" in text
    assert "Date and time By Item Action Reason Details" in text
    assert not re.search(FRENCH_UI, text), text
    assert "«" not in text


def test_yes_no_dates_and_times_read_in_each_language(coordinator_client, measure_a):
    client = coordinator_client
    plan = measure_a.objective.axis.plan
    change_in_admin(client, measure_a, is_continuous="on")
    change_in_admin(client, plan, start_date="2022-05-01")
    meeting = Meeting.objects.create(
        table=plan.table, starts_at=datetime(2025, 2, 6, 9, 30, tzinfo=MONTREAL)
    )
    change_in_admin(client, meeting, starts_at_0="2025-02-06", starts_at_1="10:05")

    assert "En continu : Non → Oui" in history(client, measure_a)
    assert "Continuous: No → Yes" in history(client, measure_a, "en")
    assert "Début : 1er avril 2022 → 1er mai 2022" in history(client, plan)
    assert "Start: April 1, 2022 → May 1, 2022" in history(client, plan, "en")
    meeting_fr, meeting_en = history(client, meeting), history(client, meeting, "en")
    assert "Début : 6 février 2025 à 9 h 30 → 6 février 2025 à 10 h 05" in meeting_fr
    assert "Start: February 6, 2025 at 9:30 a.m. → February 6, 2025 at 10:05 a.m." in meeting_en


def test_a_plan_history_reads_its_axes_objectives_and_expenses(coordinator_client, measure_a):
    plan = measure_a.objective.axis.plan
    objective = measure_a.objective
    change_in_admin(coordinator_client, objective, title="Mieux accueillir")
    change_in_admin(
        coordinator_client,
        plan,
        **{
            "expenses-TOTAL_FORMS": "1",
            "expenses-0-kind": "management",
            "expenses-0-label": "Frais de gestion",
            "expenses-0-amount": "13000.50",
            "expenses-0-source": "pac",
            "expenses-0-plan": str(plan.pk),
        },
    )

    text = history(coordinator_client, plan)
    assert (
        f"Objectif spécifique « 1.1 Mieux accueillir » Modification — "
        f"Titre : {objective.title} → Mieux accueillir"
    ) in text
    assert (
        "Dépense du plan « Frais de gestion » Création — Type : Frais de gestion "
        "Libellé : Frais de gestion Montant ($) : 13 000,50 $"
    ) in text
    text_en = history(coordinator_client, plan, "en")
    assert "Amount ($): $13,000.50" in text_en and "Specific objective “1.1 Mieux" in text_en


def test_the_version_page_speaks_each_language(coordinator_client, measure_a):
    change_in_admin(coordinator_client, measure_a, is_continuous="on")
    version = measure_a.history.order_by("history_date").first()
    url = admin_url(measure_a, "simple_history", version.pk)

    response = coordinator_client.get(url)
    content = response.content.decode()
    text = page_text(coordinator_client, url)
    assert f"Rétablir une version de : {measure_a}" in text
    assert "Retour à l'historique" in text and "Historique" in text
    assert 'value="Rétablir cette version"' in content

    content_en = coordinator_client.get(re.sub(r"^/fr/", "/en/", url)).content.decode()
    text_en = page_text(coordinator_client, url, "en")
    assert f"Revert a version of: {measure_a}" in text_en
    assert "Back to the history" in text_en and "History" in text_en
    assert 'value="Revert to this version"' in content_en
    assert not re.search(r"Rétablir|Retour|Historique|Revert \d", text_en), text_en

    response = coordinator_client.post(url, form_data(response))
    assert response.status_code == 302
    measure_a.refresh_from_db()
    assert measure_a.is_continuous is False  # the version before the change, brought back


def _measure_with_history(plan, number, size):
    """A measure whose page was saved ``size`` times: each save changed its title, added a
    lead, changed a target and a budget line, and added then deleted an indicator."""
    from tests.factories import measure_in

    measure = measure_in(plan, number)
    year = plan.years.get(number=1)
    line = BudgetLineFactory(measure=measure)
    target = TargetFactory(indicator=IndicatorFactory(measure=measure), year=year)
    for step in range(size):
        measure.leads.add(OrganisationFactory(name=f"Organisme {number}-{step}"))
        measure.title = f"Titre {step}"
        measure.save()
        line.staff_amount = 1000 + step
        line.save()
        target.text = f"{step} activités"
        target.save()
        IndicatorFactory(measure=measure, label=f"Indicateur {step}").delete()
    return measure


def test_the_measure_history_page_costs_the_same_at_ten_times_the_records(
    coordinator_client, plan_a
):
    small = _measure_with_history(plan_a, "1.1.1", 3)
    large = _measure_with_history(plan_a, "1.1.2", 30)

    counts = []
    for measure in (small, large):
        with CaptureQueriesContext(connection) as queries:
            text = history(coordinator_client, measure)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert "Titre 28 → Titre 29" in text and "ajout de Organisme 1.1.2-29" in text
    assert "An 1 (2022-2023) : 28 activités → 29 activités" in text
    assert "1 028 $ → 1 029 $" in text

    # 30 saves are more entries than a page holds: the oldest are on the next page.
    assert (
        "Titre 0 →" not in text
        and "?p=2" in coordinator_client.get(admin_url(large, "history")).content.decode()
    )
    older = page_text(coordinator_client, admin_url(large, "history") + "?p=2")
    assert "Titre 0 → Titre 1" in older
