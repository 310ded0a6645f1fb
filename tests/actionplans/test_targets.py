"""Targets as plans write them (actionplans/imports/targets.py): each year's value read from its
own text, never a wrong number; several indicators in one cell, each with its targets."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans.imports.parsing import parse_text
from actionplans.imports.targets import (
    EVERY_YEAR,
    FiscalYear,
    ParsedTarget,
    fit_targets,
    read_indicators,
    read_targets,
    split_indicators,
    value_in_box,
)
from actionplans.models import Measure, Plan
from actionplans.services import plan_year_periods
from tests.actionplans.test_import import import_url, xlsx_bytes

BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"
EVERY = EVERY_YEAR
AMBIGUOUS = "plusieurs nombres"
COORDINATION = "Coordonner 19 SAIM - Animation 2 rencontres TSC - 1 rencontre table stratégique"
ATTRACTION = "1 rencontre attractivité - 3 rencontres plan d'action international"

# Every target cell of seed 001 (the Beauce plan), as the parser hands it over.
SEED_001_TARGETS = [
    ("3 capsules", {None: ("3 capsules", 3)}, None),
    ("1 programme", {None: ("1 programme", 1)}, None),
    (
        "An 2: 19 activités An 3: 19 activités",
        {2: ("19 activités", 19), 3: ("19 activités", 19)},
        None,
    ),
    (
        "An 1 : 19 activités An 2: 19 activités An 3: 19 activités",
        {1: ("19 activités", 19), 2: ("19 activités", 19), 3: ("19 activités", 19)},
        None,
    ),
    ("SO", {}, None),
    ("1 méthode de suivi des besoins", {None: ("1 méthode de suivi des besoins", 1)}, None),
    ("À déterminer", {None: ("À déterminer", None)}, None),
    # Two targets run together, the same number twice: that number.
    ("1 par SAIM 1 plan de diffusion", {None: ("1 par SAIM 1 plan de diffusion", 1)}, None),
    ("1 outil pour les 3 MRC", {None: ("1 outil pour les 3 MRC", 1)}, None),  # a scope
    (
        "An 1 : 1 sondage/portrait An 2 : 1 sondage/portrait An 3 : 1 sondage/portrait",
        dict.fromkeys((1, 2, 3), ("1 sondage/portrait", 1)),
        None,
    ),
    (
        "An 1: - Coordonner 19 SAIM - Animation 2 rencontres TSC - 1 rencontre table "
        "stratégique An 2: - Coordonner 19 SAIM - Animation 2 rencontres TSC -1 rencontre table "
        "stratégique An 3 : - Coordonner 19 SAIM - Animation 2 rencontres TSC - 1 rencontre table "
        "stratégique",
        {
            1: (COORDINATION, None),
            2: (COORDINATION.replace("TSC - 1", "TSC -1"), None),
            3: (COORDINATION, None),
        },
        f"Cible « {COORDINATION} » : {AMBIGUOUS} (19 ; 2 ; 1), aucune valeur retenue.",
    ),
    ("19 municipalités", {None: ("19 municipalités", 19)}, None),
    (
        "1 liste par MRC 1 méthode de diffusion par MRC",
        {None: ("1 liste par MRC 1 méthode de diffusion par MRC", 1)},
        None,
    ),
    (
        "3 actions d'information soit, une par MRC",
        {None: ("3 actions d'information soit, une par MRC", 3)},
        None,
    ),
    ("3 activités par MRC", {None: ("3 activités par MRC", 3)}, None),
    (
        "An 1 : 1 présentation An 2 : 1 présentation An 3 : 1 présentation",
        dict.fromkeys((1, 2, 3), ("1 présentation", 1)),
        None,
    ),
    (
        "An 1 : - 1 rencontre attractivité - 3 rencontres plan d'action international An 2 : - 1 "
        "rencontre attractivité - 3 rencontres plan d'action international An 3 : - 1 rencontre "
        "attractivité - 3 rencontres plan d'action international - un mécanisme développé - un "
        "plan d'action commun concerté pour l'attractivité/recrutement",
        {
            1: (ATTRACTION, None),
            2: (ATTRACTION, None),
            3: (
                f"{ATTRACTION} - un mécanisme développé - un plan d'action commun concerté pour "
                "l'attractivité/recrutement",
                None,
            ),
        },
        f"Cible « {ATTRACTION} » : {AMBIGUOUS} (1 ; 3), aucune valeur retenue.",
    ),
    ("1 activité/ an / MRC", {EVERY: ("1 activité/ an / MRC", 1)}, None),  # a rate
    ("1 activité par an", {EVERY: ("1 activité par an", 1)}, None),
    ("1 comité", {None: ("1 comité", 1)}, None),
    ("1 par an", {EVERY: ("1 par an", 1)}, None),
    ("2 par an", {EVERY: ("2 par an", 2)}, None),
]

WRITTEN_ELSEWHERE = [
    (
        "An 1 : 1 activité An 2 : 3 capsules",
        {1: ("1 activité", 1), 2: ("3 capsules", 3)},
        None,
    ),
    ("An 2: 3 capsules", {2: ("3 capsules", 3)}, None),  # not 2
    ("Ans 2 et 3 : 19 activités", {2: ("19 activités", 19), 3: ("19 activités", 19)}, None),
    ("An 2 et 3 : 4 rencontres", {2: ("4 rencontres", 4), 3: ("4 rencontres", 4)}, None),
    ("Ans 1-2-3 : 2 rencontres", dict.fromkeys((1, 2, 3), ("2 rencontres", 2)), None),
    ("An 1 à 3 : 5 kiosques", dict.fromkeys((1, 2, 3), ("5 kiosques", 5)), None),
    ("Ans 1-3 : 5 kiosques", dict.fromkeys((1, 2, 3), ("5 kiosques", 5)), None),
    ("Ans 1 et 3 : 5 kiosques", {1: ("5 kiosques", 5), 3: ("5 kiosques", 5)}, None),
    ("2e année : 4 ateliers", {2: ("4 ateliers", 4)}, None),
    ("1 activité/an/MRC", {EVERY: ("1 activité/an/MRC", 1)}, None),
    ("4 rencontres annuellement", {EVERY: ("4 rencontres annuellement", 4)}, None),
    ("2023-2024 : 3 rencontres", {FiscalYear(2023): ("3 rencontres", 3)}, None),  # never 2023
    ("2023-24 : 3 rencontres", {FiscalYear(2023): ("3 rencontres", 3)}, None),
    (
        "10 municipalités pour les 3 ans",
        {None: ("10 municipalités pour les 3 ans", 10)},
        None,
    ),
    ("2,5", {None: ("2,5", Decimal("2.5"))}, None),
    ("1 200 participants", {None: ("1 200 participants", 1200)}, None),
    ("75 %", {None: ("75 %", 75)}, None),
    ("2000 participants", {None: ("2000 participants", 2000)}, None),
    (
        "Coordonner 19 SAIM - 2 rencontres",
        {None: ("Coordonner 19 SAIM - 2 rencontres", None)},
        AMBIGUOUS,
    ),
    ("3 à 5 rencontres", {None: ("3 à 5 rencontres", None)}, AMBIGUOUS),
    # An ordinal says which one, not how many; a year is a date: neither is a value.
    ("1re édition du forum", {None: ("1re édition du forum", None)}, None),
    ("2024", {None: ("2024", None)}, None),
    ("d'ici 2025 : 3 rencontres", {None: ("d'ici 2025 : 3 rencontres", 3)}, None),
    ("6 ateliers sur 6 mois", {None: ("6 ateliers sur 6 mois", 6)}, None),
    ("", {}, None),
    # Seed-002-like layout: one year per line inside the cell.
    (
        "An 1 : 50 trousses\nAn 2 : 60 trousses\nAn 3 : 70 trousses",
        {1: ("50 trousses", 50), 2: ("60 trousses", 60), 3: ("70 trousses", 70)},
        None,
    ),
    (
        "An 1 : 2 rencontres\nAn 2 : 3 à 4 rencontres\nAn 3 : 4 rencontres",
        {1: ("2 rencontres", 2), 2: ("3 à 4 rencontres", None), 3: ("4 rencontres", 4)},
        "Cible « 3 à 4 rencontres »",
    ),
]


def _read(text):
    targets = read_targets(text)
    warnings = [target.problem for target in targets.values() if target.problem]
    return {year: (target.text, target.value) for year, target in targets.items()}, warnings


@pytest.mark.parametrize(("text", "expected", "warning"), SEED_001_TARGETS + WRITTEN_ELSEWHERE)
def test_each_year_reads_its_own_text(text, expected, warning):
    targets, warnings = _read(text)
    assert targets == expected
    if warning is None:
        assert warnings == []
    else:
        assert warnings and all(warning in message for message in warnings[:1])


def test_the_table_holds_every_target_of_seed_001():
    """The fixture is seed 001's text (the shared seeds are not in a clone of the project)."""
    plan = parse_text(BEAUCE.read_text(encoding="utf-8"))
    written = [" ".join(measure.target_parts) for measure in plan.measures]
    assert len(written) == 27
    assert set(written) == {text for text, _expected, _warning in SEED_001_TARGETS}


def test_seed_001_warns_on_its_ambiguous_targets_only():
    plan = parse_text(BEAUCE.read_text(encoding="utf-8"))
    by_measure = {}
    for number, warning in plan.warnings:
        by_measure.setdefault(number, []).append(warning)
    assert sorted(by_measure) == ["2.1.4", "3.1.1"]
    assert by_measure["2.1.4"][0] == (
        f"Cible « {COORDINATION} » : plusieurs nombres (19 ; 2 ; 1), aucune valeur retenue."
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Nbre de comités Nbre de rencontres par an Nbre de municipalités",
            ["Nbre de comités", "Nbre de rencontres par an", "Nbre de municipalités"],
        ),
        (
            "Nbre de comités\nNbre de rencontres par an\nNbre de municipalités",
            ["Nbre de comités", "Nbre de rencontres par an", "Nbre de municipalités"],
        ),
        ("Taux de rétention % de satisfaction", ["Taux de rétention", "% de satisfaction"]),
        (
            "Comité actif Nombre de rencontres Nb d'invités",
            ["Comité actif", "Nombre de rencontres", "Nb d'invités"],
        ),
        # One lead-in, or one that is not an indicator's start: one indicator, as written.
        ("Nb de guides Plan de diffusion", ["Nb de guides Plan de diffusion"]),
        (
            "Nombre de personnes ayant un taux de satisfaction",
            ["Nombre de personnes ayant un taux de satisfaction"],
        ),
        (
            "75 % de participants Taux de satisfaction",
            ["75 % de participants Taux de satisfaction"],
        ),
        ("SO", []),
    ],
)
def test_indicators_in_one_cell_are_split(cell, expected):
    assert split_indicators(cell) == expected


def _indicators(labels, targets):
    indicators, warnings = read_indicators(labels, targets)
    return [
        (
            indicator.label,
            {year: (target.text, target.value) for year, target in indicator.targets.items()},
        )
        for indicator in indicators
    ], warnings


THREE = "Nbre de comités Nbre de rencontres par an Nbre de municipalités"


def test_targets_one_per_line_pair_with_indicators_one_per_line():
    indicators, warnings = _indicators(
        "Nbre de comités\nNbre de rencontres par an\nNbre de municipalités",
        "1 comité\n4 rencontres par an\nAn 1 : 5 municipalités An 2 : 10 municipalités",
    )
    assert indicators == [
        ("Nbre de comités", {None: ("1 comité", 1)}),
        ("Nbre de rencontres par an", {EVERY: ("4 rencontres par an", 4)}),
        ("Nbre de municipalités", {1: ("5 municipalités", 5), 2: ("10 municipalités", 10)}),
    ]
    assert warnings == []


def test_targets_run_together_pair_in_the_same_order():
    indicators, warnings = _indicators(THREE, "1 comité 4 rencontres par an 19 municipalités")
    assert indicators == [
        ("Nbre de comités", {None: ("1 comité", 1)}),
        ("Nbre de rencontres par an", {EVERY: ("4 rencontres par an", 4)}),
        ("Nbre de municipalités", {None: ("19 municipalités", 19)}),
    ]
    assert warnings == []


def test_targets_by_year_are_split_per_indicator_within_each_year():
    indicators, warnings = _indicators(
        "Nbre de comités\nNbre de rencontres",
        "An 1 : 1 comité 4 rencontres\nAn 2 : 1 comité 6 rencontres",
    )
    assert indicators == [
        ("Nbre de comités", {1: ("1 comité", 1), 2: ("1 comité", 1)}),
        ("Nbre de rencontres", {1: ("4 rencontres", 4), 2: ("6 rencontres", 6)}),
    ]
    assert warnings == []


def test_when_counts_disagree_texts_are_kept_paired_in_order_and_warned():
    indicators, warnings = _indicators(THREE, "1 comité\n4 rencontres par an")
    assert indicators == [
        ("Nbre de comités", {None: ("1 comité", 1)}),
        ("Nbre de rencontres par an", {EVERY: ("4 rencontres par an", 4)}),
        ("Nbre de municipalités", {}),
    ]
    assert warnings == ["3 indicateurs et 2 cible(s) : associées dans l'ordre, à vérifier."]

    indicators, warnings = _indicators("Nbre de comités\nNbre de rencontres", "1\n2\n3 membres")
    assert indicators[1] == ("Nbre de rencontres", {None: ("2 3 membres", None)})
    assert warnings[0] == "2 indicateurs et 3 cible(s) : associées dans l'ordre, à vérifier."
    assert "plusieurs nombres (2 ; 3)" in warnings[1]


def test_an_indicator_without_a_label_and_a_cell_without_either():
    assert _indicators("", "3 capsules") == ([("Indicateur", {None: ("3 capsules", 3)})], [])
    assert _indicators("SO", "SO") == ([], [])


FISCAL_PLAN = plan_year_periods(date(2022, 4, 1), date(2025, 3, 31))


def test_fitting_spreads_rates_and_places_fiscal_years():
    fitted, warnings = fit_targets(read_targets("2 par an"), FISCAL_PLAN)
    assert {year: target.value for year, target in fitted.items()} == {1: 2, 2: 2, 3: 2}
    fitted, warnings = fit_targets(read_targets("2023-2024 : 3 rencontres"), FISCAL_PLAN)
    assert {year: (t.text, t.value) for year, t in fitted.items()} == {2: ("3 rencontres", 3)}
    assert warnings == []


def test_fitting_moves_years_outside_the_plan_to_the_whole_plan_text():
    fitted, warnings = fit_targets(
        read_targets("3 capsules An 4 : 2 capsules 2030-2031 : 1 capsule"), FISCAL_PLAN
    )
    assert {year: (t.text, t.value) for year, t in fitted.items()} == {
        None: ("3 capsules An 4 : 2 capsules 2030-2031 : 1 capsule", 3)
    }
    assert warnings == [
        "Cible pour l'an 4, hors du plan : « 2 capsules ».",
        "Cible pour 2030-2031, hors du plan : « 1 capsule ».",
    ]


class Year:
    def __init__(self, number, start, end):
        self.number, self.start_date, self.end_date = number, start, end


YEAR_2 = Year(2, date(2023, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize(
    ("text", "year", "value", "warning"),
    [
        ("An 2 : 3 capsules", YEAR_2, 3, None),
        ("An 1 : 1 activité An 2 : 3 capsules", YEAR_2, 3, None),
        ("2023-2024 : 4 rencontres", YEAR_2, 4, None),
        ("2 par an", YEAR_2, 2, None),
        ("19 activités", YEAR_2, 19, None),
        ("3 à 5 rencontres", YEAR_2, None, "plusieurs nombres (3 ; 5)"),
        ("An 1 : 3 capsules", YEAR_2, None, "elle nomme d'autres années (An 1)"),
        ("À déterminer", None, None, None),
        ("57", None, 57, None),
        ("An 1 : 3 An 2 : 4", None, None, "elle nomme des années"),
    ],
)
def test_a_target_typed_in_a_year_box(text, year, value, warning):
    read, warnings = value_in_box(text, year)
    assert read == value
    assert (warnings == []) if warning is None else (warning in warnings[0])


def test_a_parsed_target_keeps_its_text_whatever_its_value():
    assert read_targets("Coordonner 19 SAIM - 2 rencontres")[None] == ParsedTarget(
        text="Coordonner 19 SAIM - 2 rencontres",
        value=None,
        problem="Cible « Coordonner 19 SAIM - 2 rencontres » : plusieurs nombres (19 ; 2), "
        "aucune valeur retenue.",
    )


WORD_LIKE_ROWS = [
    ["Plan d'action 2022-2025"],
    ["AXE 1 : Concertation"],
    ["Objectif spécifique 1.1 : Animer la table"],
    [
        "1.1.1 Animer les comités locaux",
        "MRC",
        "Ans 1-2-3",
        "Nbre de comités\nNbre de rencontres par an\nNbre de municipalités",
        "1 comité\n4 rencontres par an\n2023-2024 : 10 municipalités",
    ],
    [
        "1.1.2 Tenir un forum",
        "MRC",
        "An 2",
        "Nbre de participants",
        "An 1 : 1 activité An 2 : 3 à 5 capsules",
    ],
]


@pytest.mark.django_db
def test_a_plan_with_several_indicators_per_cell_imports_each_with_its_targets(
    client, coordinator_a, table_a
):
    client.force_login(coordinator_a)
    upload = xlsx_bytes(WORD_LIKE_ROWS)
    preview = client.post(
        import_url(table_a),
        {
            "document": SimpleUploadedFile("plan.xlsx", upload),
            "title": "Plan comités",
            "preview": "1",
        },
    )
    page = preview.content.decode()
    assert "Nbre de rencontres par an" in page
    assert 'Chaque année : 4 rencontres par an <span class="value">(valeur 4)</span>' in page
    assert "2023-2024 : 10 municipalités" in page
    assert "Cible « 3 à 5 capsules » : plusieurs nombres (3 ; 5), aucune valeur retenue." in page

    client.post(
        import_url(table_a),
        {
            "source": preview.context["preview"].source,
            "title": "Plan comités",
            "slug": "",
            "start_date": "",
            "confirm": "1",
        },
    )
    plan = Plan.objects.get(table=table_a)
    committees = Measure.objects.of_plan(plan).get(number="1.1.1")
    read = [
        (
            indicator.label,
            {
                (target.year.number if target.year else None): (target.text, target.value)
                for target in indicator.targets.select_related("year")
            },
        )
        for indicator in committees.indicators.all()
    ]
    assert read == [
        ("Nbre de comités", {None: ("1 comité", 1)}),
        ("Nbre de rencontres par an", dict.fromkeys((1, 2, 3), ("4 rencontres par an", 4))),
        ("Nbre de municipalités", {2: ("10 municipalités", 10)}),  # 2023-2024 is year 2
    ]
    forum = Measure.objects.of_plan(plan).get(number="1.1.2").indicators.get()
    assert {
        target.year.number: (target.text, target.value)
        for target in forum.targets.select_related("year")
    } == {1: ("1 activité", 1), 2: ("3 à 5 capsules", None)}
    assert "plusieurs nombres (3 ; 5)" in Measure.objects.of_plan(plan).get(number="1.1.2").notes
