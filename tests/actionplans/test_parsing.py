"""The plan parser reads plans as coordinators write them, not one file in particular."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from actionplans.imports.parsing import PlanParseError, clean_cell, parse_text

BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"


@pytest.fixture(scope="module")
def beauce():
    return parse_text(BEAUCE.read_text(encoding="utf-8"))


def measure(plan, number):
    return next(m for m in plan.measures if m.number == number)


def test_seed_001_structure(beauce):
    assert (len(beauce.axes), len(beauce.objectives), len(beauce.measures)) == (4, 9, 27)
    assert [axis.number for axis in beauce.axes] == [1, 2, 3, 4]
    assert beauce.objectives[-2].number == "3.2"  # "Objectif 3.2 :" without "spécifique"
    assert str(beauce.start_date), str(beauce.end_date) == ("2022-04-01", "2025-03-31")
    assert beauce.general_objective.startswith("Augmenter le nombre de personnes immigrantes")


def test_seed_001_budgets_equal_their_total_lines(beauce):
    first = measure(beauce, "1.1.1")
    assert first.budget.staff_amount == 11340
    assert first.budget.staff_hours == 90
    assert first.budget.other_amount == 6000
    assert first.budget.description == "firme externe"
    assert first.budget.total == Decimal(17340)
    with_totals = [m for m in beauce.measures if m.document_total is not None]
    assert len(with_totals) == 14
    assert all(m.budget.total == m.document_total for m in with_totals)
    assert measure(beauce, "2.1.4").budget.total == 36288  # a total line without "Total :"
    # Only targets with several numbers (tests/actionplans/test_targets.py) are warned about.
    assert {number for number, _warning in beauce.warnings} == {"2.1.4", "3.1.1"}


def test_seed_001_plan_level_lines(beauce):
    expenses = [(e.kind, e.label, e.amount) for e in beauce.expenses]
    assert expenses == [
        ("contingency", "Autres dépenses (imprévus)", Decimal(14000)),
        ("management", "Frais de gestion", Decimal(13000)),
    ]


def test_seed_001_schedules(beauce):
    assert measure(beauce, "1.1.1").years == [1, 2]
    assert measure(beauce, "2.1.1").years == [1, 3]
    assert measure(beauce, "2.1.5").years == [1, 2, 3]
    assert measure(beauce, "1.3.3").is_continuous
    assert measure(beauce, "1.3.3").budget.funding_source == "PASI"


def targets(measure):
    [indicator] = measure.indicators
    return {year: (target.text, target.value) for year, target in indicator.targets.items()}


def test_seed_001_targets_per_year(beauce):
    assert targets(measure(beauce, "1.3.1")) == {2: ("19 activités", 19), 3: ("19 activités", 19)}
    assert targets(measure(beauce, "1.4.2")) == {None: ("À déterminer", None)}
    assert measure(beauce, "1.3.3").indicators == []  # "SO"


def test_seed_001_continuation_rows_join_their_measure(beauce):
    [coordination] = measure(beauce, "2.1.4").indicators
    assert "Table supralocale en immigration de Robert-Cliche" in coordination.label
    assert "Coordonner 19 SAIM" in coordination.targets[3].text
    [attraction] = measure(beauce, "3.1.1").indicators
    assert "Développement de mécanismes régionaux cohérents" in attraction.label
    assert "un plan d'action commun concerté" in attraction.targets[3].text


def test_extraction_noise_is_cleaned():
    assert clean_cell("**Total : 17 340\\$**") == "Total : 17 340$"
    assert clean_cell("1<sup>er</sup> avril") == "1er avril"
    assert clean_cell("<p>Action 1 <i>Sous action</i></p>") == "Action 1 Sous action"
    assert clean_cell("*Ans 1-2*") == "Ans 1-2"


FIVE_AXES_NO_BUDGET = """Plan d'action 2023-2026
AXE 1 : Attraction
Objectif 1.1 : Faire connaître la région
1.1.1 Créer une vitrine web\tMRC\tAn 1\tSite en ligne\t1 site
AXE 2 : Accueil
Objectif 2.1 : Accueillir
2.1.1 Trousse d'accueil\tOrganisme d'accueil\tAns 1-2-3\tNb de trousses\tAn 1 : 50 trousses
\t\t\t\tAn 2 : 60 trousses
\t\t\t\tAn 3 : 70 trousses
AXE 3 : Intégration
Objectif 3.1 : Intégrer
3.1.1 Jumelage\tCJE\tEn continu\tNb de jumelages\t20
AXE 4 : Emploi
Objectif 4.1 : Employeurs
4.1.1 Activité employeurs\tCEB\tAn 2\tNb d'activités\t3 activités
AXE 5 : Coordination
Objectif 5.1 : Suivi
5.1.1 Reddition de comptes\tMRC\tEn continu\tRapports\t2 par an
"""


def test_a_plan_with_five_axes_no_budget_and_targets_on_several_lines():
    plan = parse_text(FIVE_AXES_NO_BUDGET)
    assert [axis.title for axis in plan.axes][-1] == "Coordination"
    assert len(plan.measures) == 5
    assert (plan.start_date.isoformat(), plan.end_date.isoformat()) == ("2023-04-01", "2026-03-31")
    kits = plan.measures[1]
    assert targets(kits) == {1: ("50 trousses", 50), 2: ("60 trousses", 60), 3: ("70 trousses", 70)}
    assert kits.budget.is_empty
    assert [indicator.label for indicator in plan.measures[0].indicators] == ["Site en ligne"]


def test_a_wrapped_title_line_joins_its_measure():
    plan = parse_text(
        "AXE 1 : Accueil\nObjectif spécifique 1.1 : Accueillir\n1.1.1 Organiser\tMRC\tAn 1\tNb\t1\nune fête de quartier\n"
    )
    assert plan.measures[0].title == "Organiser une fête de quartier"


def test_unplaced_cells_become_warnings_not_losses():
    plan = parse_text(
        "AXE 1 : Accueil\nObjectif spécifique 1.1 : Accueillir\n"
        "1.1.1 Organiser\tMRC\tbientôt\tNb\t1\n"
        "\t\tnote égarée\t\t\t\t\n"
        "\tCJE\n"
    )
    assert plan.measures[0].responsibility == "MRC CJE"
    warnings = [warning for _, warning in plan.warnings]
    assert "Échéance non reconnue : « bientôt »." in warnings
    assert any("note égarée" in warning for warning in warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Le document est vide."),
        ("   \n\t\n", "Le document est vide."),
        (
            "Lorem ipsum dolor sit amet\nconsectetur adipiscing elit",
            "le document ne ressemble pas à un plan d'action",
        ),
        (
            "1.1.1 Une mesure orpheline\tMRC\tAn 1\nAXE 1 : Accueil",
            "Ligne 1 : le moyen d'action 1.1.1 précède tout axe",
        ),
        (
            "AXE 1 : A\nObjectif 1.1 : B\n1.1.1 Un\tMRC\tAn 1\n1.1.1 Deux\tMRC\tAn 2",
            "Ligne 4 : le numéro 1.1.1 est déjà utilisé à la ligne 3.",
        ),
        ("AXE 1 : A\nObjectif 1.1 : B\n", "aucun moyen d'action numéroté"),
    ],
)
def test_bad_documents_are_refused_with_a_line_number(text, message):
    with pytest.raises(PlanParseError) as error:
        parse_text(text)
    assert message in " ".join(error.value.messages)
