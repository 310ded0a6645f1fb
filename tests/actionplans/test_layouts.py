"""The layouts real plans use: header-driven columns, plans without axes, an X per fiscal year,
shaded rows outside the PAC request, calendar-year periods, text running into a title."""

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.imports.parsing import PlanParseError, parse_rows, parse_text
from actionplans.imports.rows import Row, rows_to_source
from actionplans.models import BudgetLine, Measure, Plan
from actionplans.services import plan_import, plan_year_periods

BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"
PARI_TEXT = Path(settings.BASE_DIR) / "fixtures" / "plans" / "pari-capitale-nationale-2007-2010.txt"
PARI_TOML = Path(__file__).parent / "data" / "pari-hand-typed.toml"  # seed 004 typed by hand


def rows(*lines, shaded=()):
    """Rows from tuples of cells (a string is a one-cell row); ``shaded``: line numbers."""
    return [
        Row(number, (line,) if isinstance(line, str) else tuple(line), number in shaded)
        for number, line in enumerate(lines, 1)
    ]


def measure(plan, number):
    return next(m for m in plan.measures if m.number == number)


def lines_of(parsed_measure):
    return [(line.funding_source, line.total) for line in parsed_measure.budget_lines]


def test_beauce_text_gives_the_same_plan():
    plan = parse_text(BEAUCE.read_text(encoding="utf-8"))
    assert (len(plan.axes), len(plan.objectives), len(plan.measures)) == (4, 9, 27)
    assert plan.budget_total == Decimal("259955")  # measures 232 955 $ + imprévus + gestion
    with_totals = [m for m in plan.measures if m.document_total is not None]
    assert len(with_totals) == 14 and all(m.total_matches_document for m in with_totals)
    first = measure(plan, "1.1.1")
    assert (first.budget.staff_amount, first.budget.staff_hours, first.budget.other_amount) == (
        11340,
        90,
        6000,
    )
    # A header copied as text whose second row does not line up (objective 1.2): by position.
    assert measure(plan, "1.2.1").budget.funding_source == "PAC-OBNL (suivi des SAIM)"
    assert measure(plan, "1.2.1").indicator_parts == ["Programme de visite"]
    # Rows shorter than their header (2.1.5) are still read by position.
    assert measure(plan, "2.1.5").target_parts == ["19 municipalités"]
    # Only the two targets that hold several numbers (see test_targets.py).
    assert {number for number, _warning in plan.warnings} == {"2.1.4", "3.1.1"}


@pytest.fixture(scope="module")
def pari():
    return parse_text(PARI_TEXT.read_text(encoding="utf-8"))


def test_seed_004_objectives_without_axes(pari):
    assert [(axis.number, axis.title) for axis in pari.axes] == [
        (1, "Plan de mise en œuvre annuel")
    ]
    assert [objective.number for objective in pari.objectives] == [str(n) for n in range(1, 9)]
    # A heading on two lines keeps both.
    assert pari.objectives[4].title.endswith("LES BESOINS EN MAIN-D'ŒUVRE DES EMPLOYEURS")
    assert (pari.start_date, pari.end_date) == (date(2007, 4, 1), date(2010, 3, 31))
    assert not pari.warnings


def test_seed_004_actions_and_their_years_match_the_hand_typed_plan(pari):
    typed = tomllib.loads(PARI_TOML.read_text(encoding="utf-8"))
    for number, (objective, typed_objective) in enumerate(
        zip(pari.objectives, typed["objectives"], strict=True), 1
    ):
        actions = [m for m in objective.measures if m.number.count(".") == 1]
        assert [m.number for m in actions] == [
            f"{number}.{n}" for n in range(1, len(typed_objective["actions"]) + 1)
        ]
        assert [m.years for m in actions] == [a["years"] for a in typed_objective["actions"]]
    assert len(pari.measures) == 40 + 2  # 40 actions and the 2 sub-actions of 7.1
    assert measure(pari, "1.2").schedule_text == "2009-2010"


def test_seed_004_sub_actions_follow_their_action(pari):
    numbers = [m.number for m in pari.objectives[6].measures]
    assert numbers[:4] == ["7.1", "7.1.1", "7.1.2", "7.2"]
    action, first, second = (measure(pari, n) for n in ("7.1", "7.1.1", "7.1.2"))
    assert action.title.endswith("provenant de leurs communautés respectives.")
    assert first.title == (
        "Organiser différents événements visant à promouvoir les goûts et les saveurs d'ailleurs."
    )
    assert second.title.startswith("Réaliser et diffuser un bottin")
    assert first.years == second.years == action.years == [1]


@pytest.mark.parametrize("mark", ["X", "x", "✓", "oui"])
def test_a_mark_under_a_fiscal_year_schedules_that_year(mark):
    plan = parse_rows(
        rows(
            "Plan d'action 2008-2010",
            "OBJECTIF 1 : Mobiliser",
            ("", "2008-2009", "2009-2010"),
            ("Action 1 Créer des tables", "", mark),
            ("Action 2 Organiser un colloque", mark, mark),
        )
    )
    assert (plan.start_date, plan.end_date) == (date(2008, 4, 1), date(2010, 3, 31))
    assert [m.years for m in plan.measures] == [[2], [1, 2]]
    assert measure(plan, "1.2").schedule_text == "2008-2009, 2009-2010"


WHOLE_PLAN_PAC_MRC = rows(
    "Plan d'action 2023-2026",
    (
        "Moyens d'action",
        "Responsables",
        "Échéance",
        "PAC (MIFI)",
        "MRC",
        "Autres",
        "Total",
        "Indicateurs",
        "Cibles",
    ),
    ("AXE 1 : Accueillir", "", "", "", "", "", "", "", ""),
    ("Objectif spécifique 1.1 : Informer", "", "", "", "", "", "", "", ""),
    ("1.1.1 Capsules", "MRC", "Ans 1-2", "10 000 $", "2 500 $", "", "12 500 $", "Nb", "3 capsules"),
    ("1.1.2 Guide", "SAIM", "An 3", "4 000 $", "", "1 000 $ dons", "6 000 $", "Guide", "1"),
    ("AXE 2 : Retenir", "", "", "", "", "", "", "", ""),
    ("Objectif spécifique 2.1 : Jumeler", "", "", "", "", "", "", "", ""),
    ("2.1.1 Jumelage", "CJE", "En continu", "SO", "", "", "", "Nb de jumelages", "10"),
)


def test_one_table_for_the_whole_plan_with_a_budget_by_funding_source():
    plan = parse_rows(WHOLE_PLAN_PAC_MRC)
    assert [m.number for m in plan.measures] == ["1.1.1", "1.1.2", "2.1.1"]
    assert lines_of(measure(plan, "1.1.1")) == [("PAC (MIFI)", 10000), ("MRC", 2500)]
    assert lines_of(measure(plan, "1.1.2")) == [("PAC (MIFI)", 4000), ("Autres", 1000)]
    assert measure(plan, "1.1.2").budget_lines[1].description == "dons"
    # 4 000 + 1 000 is not the document's 6 000: said, not hidden.
    assert measure(plan, "1.1.1").warnings == []
    (warning,) = measure(plan, "1.1.2").warnings
    assert warning.replace("\u00a0", " ") == (
        "Le total du document (6 000 $) diffère de la somme des lignes budgétaires (5 000 $)."
    )
    assert lines_of(measure(plan, "2.1.1")) == []
    assert measure(plan, "2.1.1").is_continuous
    assert plan.budget_total == 17500


def test_budget_merged_over_its_funding_sources_on_two_header_rows():
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            (
                "Moyens d'action",
                "Responsables",
                "Échéance",
                "Budget",
                "",
                "",
                "Indicateurs",
                "Cibles",
            ),
            ("", "", "", "PAC (MIFI)", "MRC", "Autres", "", ""),
            ("1.1.1 Capsules", "MRC", "An 1", "1 200 $", "300 $", "50 $", "Nb", "3"),
            ("", "", "", "Total : 1 550 $", "", "", "", ""),
        )
    )
    only = plan.measures[0]
    assert lines_of(only) == [("PAC (MIFI)", 1200), ("MRC", 300), ("Autres", 50)]
    assert only.document_total == 1550 and only.total_matches_document


def test_results_expected_merged_over_indicators_and_targets():
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            ("Moyens d'action", "Responsables", "Échéance", "Résultats attendus", ""),
            ("", "", "", "Indicateurs", "Cibles"),
            ("1.1.1 Rencontres", "Table", "Ans 1-2", "Nombre de rencontres", "An 1 : 2 An 2 : 4"),
            ("", "", "", "Nombre de participants", "40 personnes"),
        )
    )
    only = plan.measures[0]
    assert only.indicator_parts == ["Nombre de rencontres", "Nombre de participants"]
    assert only.target_parts == ["An 1 : 2 An 2 : 4", "40 personnes"]
    assert only.budget_lines == []
    # Targets written by year on one row and a whole-plan one on the next cannot be told
    # apart per indicator once the rows are joined: one indicator keeps them, with a warning.
    assert [indicator.label for indicator in only.indicators] == [
        "Nombre de rencontres Nombre de participants"
    ]
    assert any("ne peuvent être associées à chacun" in warning for warning in only.warnings)


def test_columns_in_another_order_are_read_by_their_header():
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            ("Moyens d'action", "Indicateurs", "Cibles", "Échéance", "Responsables"),
            ("1.1.1 Rencontres", "Nombre de rencontres", "2 par an", "En continu", "SAIM"),
        )
    )
    only = plan.measures[0]
    assert (only.responsibility, only.is_continuous) == ("SAIM", True)
    assert (only.indicator_parts, only.target_parts) == (["Nombre de rencontres"], ["2 par an"])
    assert only.budget_lines == []


def test_one_table_per_objective_each_with_its_own_header():
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            ("Moyens d'action", "Responsables", "Échéance", "Indicateurs", "Cibles"),
            ("1.1.1 Guide", "SAIM", "An 1", "Guide", "1 guide"),
            "Objectif spécifique 1.2 : Installer",
            (
                "Moyens d'action",
                "Responsables",
                "Échéance",
                "RH",
                "HR",
                "Autres",
                "Indicateurs",
                "Cibles",
            ),
            ("1.2.1 Visites", "MRC", "An 2", "2 000 $", "40", "500 $", "Nb", "5 visites"),
        )
    )
    guide, visits = plan.measures
    assert guide.budget_lines == [] and guide.target_parts == ["1 guide"]
    assert (visits.budget.staff_amount, visits.budget.staff_hours) == (2000, 40)
    assert visits.budget.other_amount == 500 and visits.target_parts == ["5 visites"]


SHADED_PLAN = (
    "AXE 1 : Accueillir",
    "Objectif spécifique 1.1 : Informer",
    ("Moyens d'action", "Responsables", "Échéance", "Indicateurs", "Cibles"),
    ("1.1.1 Guide", "SAIM", "An 1", "Guide", "1 guide"),
    ("1.1.2 Fête", "Ville", "An 2", "Fête", "1 fête"),
)
NOTE = (
    "Note : les moyens d'action sur fond gris ne font pas partie de la demande de financement PAC."
)


def test_shaded_rows_are_outside_pac_when_the_document_says_so():
    plan = parse_rows(rows(*SHADED_PLAN, NOTE, shaded={5}))
    guide, party = plan.measures
    assert not guide.outside_pac and guide.outside_pac_reason == ""
    assert party.outside_pac
    assert party.outside_pac_reason == f"Ligne grisée ; le document précise, ligne 6 : « {NOTE} »"
    assert not plan.warnings


def test_shaded_rows_without_a_note_are_a_warning_not_a_flag():
    plan = parse_rows(rows(*SHADED_PLAN, shaded={5}))
    party = plan.measures[1]
    assert not party.outside_pac
    assert plan.warnings == [
        (
            "1.1.2",
            "Ligne grisée dans le document, sans note qui dise pourquoi : elle n'est pas "
            "marquée hors demande PAC.",
        )
    ]


@pytest.mark.parametrize(
    ("lines", "start", "end"),
    [
        (["Plan d'action 2024-2027"], date(2024, 4, 1), date(2027, 3, 31)),
        (
            ["Plan d'action 2024-2026", "Les années du plan sont des années civiles."],
            date(2024, 1, 1),
            date(2026, 12, 31),
        ),
        (
            ["Plan d'action du 1er janvier 2024 au 31 décembre 2026"],
            date(2024, 1, 1),
            date(2026, 12, 31),
        ),
        (["Plan d'action du 1er avril 2022 au 31 mars 2025"], date(2022, 4, 1), date(2025, 3, 31)),
    ],
)
def test_plan_periods_as_the_document_states_them(lines, start, end):
    plan = parse_rows(rows(*lines, *SHADED_PLAN))
    assert (plan.start_date, plan.end_date) == (start, end)
    assert len(plan_year_periods(plan.start_date, plan.end_date)) == 3


@pytest.mark.parametrize(
    "text",
    [
        "An 1",
        "Ans 1, 2 et 3",
        "En continu",
        "Nombre de capsules",
        "3 capsules",
        "An 2 : 3 capsules",
    ],
)
def test_schedule_indicator_or_target_running_into_a_title_is_an_error(text):
    with pytest.raises(PlanParseError) as error:
        parse_rows(rows(*SHADED_PLAN, text))
    assert error.value.messages == [
        f"Ligne 6 : « {text} » suit le moyen d'action 1.1.2 sur une ligne à part et ressemble "
        "à une échéance, un indicateur ou une cible, pas à la suite de son titre : placez ce "
        "texte dans sa colonne."
    ]


def test_a_title_on_two_lines_still_joins():
    plan = parse_rows(rows(*SHADED_PLAN, "avec les 19 municipalités de la MRC"))
    assert plan.measures[1].title == "Fête avec les 19 municipalités de la MRC"


@pytest.mark.django_db
def test_budget_lines_by_source_and_outside_pac_are_written(table_a):
    parsed = parse_rows(  # line 5 shaded, as the Word reader marks a grey row
        [Row(r.line, r.cells, r.line == 5) for r in WHOLE_PLAN_PAC_MRC] + [Row(20, (NOTE,))]
    )
    plan = plan_import(table=table_a, parsed=parsed, title="Plan", slug="plan")
    lines = BudgetLine.objects.filter(measure__objective__axis__plan=plan)
    assert sorted((line.measure.number, line.funding_source, line.total) for line in lines) == [
        ("1.1.1", "MRC", Decimal(2500)),
        ("1.1.1", "PAC (MIFI)", Decimal(10000)),
        ("1.1.2", "Autres", Decimal(1000)),
        ("1.1.2", "PAC (MIFI)", Decimal(4000)),
    ]
    flagged = Measure.objects.get(objective__axis__plan=plan, number="1.1.1")
    assert flagged.outside_pac and "ligne 20" in flagged.notes
    assert not Measure.objects.get(objective__axis__plan=plan, number="1.1.2").outside_pac


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ticked", "outside"),
    [
        ([], {"1.1.1": False, "1.1.2": False}),  # the coordinator unticked the flagged one
        (["1.1.2"], {"1.1.1": False, "1.1.2": True}),  # kept as the parser flagged it
        (["1.1.1", "1.1.2"], {"1.1.1": True, "1.1.2": True}),  # and ticked one more
    ],
)
def test_admin_preview_shows_the_outside_pac_choice_and_confirm_writes_it(
    client, coordinator_a, table_a, ticked, outside
):
    client.force_login(coordinator_a)
    url = reverse("admin:actionplans_plan_import", args=[table_a.pk])
    signed = rows_to_source(rows("Plan d'action 2024-2027", *SHADED_PLAN, NOTE, shaded={6}))
    preview = client.post(url, {"source": signed, "title": "Plan grisé", "preview": "1"})
    page = preview.content.decode()
    assert 'name="outside_pac" value="1.1.2" checked' in page
    assert 'name="outside_pac" value="1.1.1">' in page
    assert "Ligne grisée ; le document précise, ligne 7" in page
    assert not Plan.objects.exists()

    client.post(
        url,
        {
            "source": preview.context["preview"].source,
            "title": "Plan grisé",
            "slug": preview.context["slug"],
            "start_date": "",
            "outside_pac_choice": "1",
            "outside_pac": ticked,
            "confirm": "1",
        },
    )
    plan = Plan.objects.get(title="Plan grisé")
    measures = Measure.objects.filter(objective__axis__plan=plan)
    assert {m.number: m.outside_pac for m in measures} == outside


def test_a_total_label_row_is_not_a_header():
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            (
                "Moyens d'action",
                "Responsables",
                "Échéance",
                "RH",
                "HR",
                "Autres",
                "Indicateurs",
                "Cibles",
            ),
            ("1.1.1 Visites", "MRC", "An 2", "2 000 $", "40", "500 $", "Nb", "5 visites"),
            ("", "", "", "Total :", "", "", "", ""),
            ("1.1.2 Guide", "SAIM", "An 1", "1 000 $", "20", "", "Guide", "1 guide"),
        )
    )
    guide = measure(plan, "1.1.2")
    assert (guide.budget.staff_amount, guide.budget.staff_hours) == (1000, 20)
    assert guide.target_parts == ["1 guide"] and not plan.warnings


@pytest.mark.django_db
def test_seed_004_uploads_and_imports_through_the_admin_page(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    url = reverse("admin:actionplans_plan_import", args=[table_a.pk])
    upload = SimpleUploadedFile("pari.txt", PARI_TEXT.read_bytes(), content_type="text/plain")
    preview = client.post(url, {"document": upload, "title": "PARI", "preview": "1"})
    page = preview.content.decode()
    assert "Du 1er avril 2007 au 31 mars 2010" in page
    assert "1 axe" in page and "8 objectifs" in page and "42 moyens d'action" in page
    client.post(
        url,
        {
            "source": preview.context["preview"].source,
            "title": "PARI",
            "slug": preview.context["slug"],
            "start_date": "",
            "outside_pac_choice": "1",
            "confirm": "1",
        },
    )
    plan = Plan.objects.get(title="PARI")
    assert [year.start_date for year in plan.years.all()] == [
        date(2007, 4, 1),
        date(2008, 4, 1),
        date(2009, 4, 1),
    ]
    measures = Measure.objects.filter(objective__axis__plan=plan)
    assert measures.count() == 42
    colloque = measures.get(number="1.2")
    assert [year.number for year in colloque.years.all()] == [3]
    assert not measures.filter(outside_pac=True).exists()


def test_a_total_that_differs_from_its_lines_is_a_warning_in_quebec_format():
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            ("1.1.1 Capsules", "MRC", "An 1", "1 000 $", "10", "550,50 $", "Nb", "3"),
            ("", "", "", "Total : 1 600 $", "", "", "", ""),
        )
    )
    [(number, warning)] = plan.warnings
    assert number == "1.1.1"
    assert warning.replace("\u00a0", " ") == (
        "Le total du document (1 600 $) diffère de la somme des lignes budgétaires (1 550,50 $)."
    )


def test_a_measure_numbered_for_another_objective_is_a_warning():
    """« Objectf spécifique 1.2 » (a typo) is not a heading: its measure lands under 1.1, and
    the preview says so instead of filing it there silently."""
    plan = parse_rows(
        rows(
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            ("1.1.1 Capsules", "MRC", "An 1", "1 000 $", "10", "", "Nb", "3"),
            "Objectf spécifique 1.2 : Installer",
            ("1.2.1 Guide", "MRC", "An 1", "1 000 $", "10", "", "Nb", "1"),
        )
    )
    [(number, warning)] = plan.warnings
    assert number == "1.2.1"
    assert warning == (
        "Ligne 5 : le moyen d'action 1.2.1 est placé sous l'objectif 1.1 ; un titre d'objectif "
        "mal écrit a-t-il été lu comme du texte ?"
    )


def test_a_sub_action_on_its_own_row_is_a_measure_after_its_action():
    plan = parse_rows(
        rows(
            "Plan d'action 2007-2010",
            "OBJECTIF 7 : Sensibiliser la population",
            ("", "2007-2008", "2008-2009", "2009-2010"),
            ("Action 1 Identifier un lieu d'ancrage", "X", "", ""),
            ("Sous action 1.1 : Organiser des événements", "", "", ""),
            ("Sous action 1.2 : Réaliser un bottin des épiceries", "", "X", ""),
            ("Action 2 Dresser un calendrier", "", "X", ""),
        )
    )
    assert [(m.number, m.title, m.years) for m in plan.measures] == [
        ("7.1", "Identifier un lieu d'ancrage", [1]),
        ("7.1.1", "Organiser des événements", [1]),  # the action's schedule
        ("7.1.2", "Réaliser un bottin des épiceries", [2]),  # its own
        ("7.2", "Dresser un calendrier", [2]),
    ]
    assert not plan.warnings


@pytest.mark.parametrize(
    ("period", "schedule", "years"),
    [
        ("du 1er janvier 2024 au 31 décembre 2026", "2024", [1]),
        ("du 1er janvier 2024 au 31 décembre 2026", "2025-2026", [2, 3]),
        ("du 1er janvier 2024 au 31 décembre 2026", "2024 et 2026", [1, 3]),
        ("du 1er avril 2022 au 31 mars 2025", "2023-2024", [2]),
        ("du 1er avril 2022 au 31 mars 2025", "2022-2023, 2024-2025", [1, 3]),
        ("du 1er avril 2022 au 31 mars 2025", "2023-24", [2]),
    ],
)
def test_a_schedule_written_as_years_becomes_plan_years(period, schedule, years):
    """Calendar years in a calendar-year plan, fiscal years (« 2023-2024 ») in a fiscal one."""
    plan = parse_rows(
        rows(
            f"Plan d'action {period}",
            "AXE 1 : Accueillir",
            "Objectif spécifique 1.1 : Informer",
            ("1.1.1 Capsules", "MRC", schedule, "1 000 $", "10", "", "Nb", "3"),
        )
    )
    [only] = plan.measures
    assert (only.years, only.schedule_text, only.warnings) == (years, schedule, [])
