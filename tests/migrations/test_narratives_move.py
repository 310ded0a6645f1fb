"""Axis.narrative (one text overwritten every year) moves into the per-period narratives:
the plan year under way, else the plan's last year; the field is then gone."""

from datetime import date

import pytest

from common.history import BASELINE_REASON

BEFORE = [
    ("accountability", "0004_narratives_per_period"),
    ("actionplans", "0009_money_by_year_and_source_and_locks"),
]
AFTER = [
    ("accountability", "0005_move_axis_narratives"),
    ("actionplans", "0010_axis_narrative_moved_to_accountability"),
]


def _plan(apps, table, slug, first_year, years):
    Plan = apps.get_model("actionplans", "Plan")
    PlanYear = apps.get_model("actionplans", "PlanYear")
    plan = Plan.objects.create(
        table=table,
        title=slug,
        slug=slug,
        start_date=date(first_year, 1, 1),
        end_date=date(first_year + years - 1, 12, 31),
    )
    for number in range(1, years + 1):
        year = first_year + number - 1
        PlanYear.objects.create(
            plan=plan, number=number, start_date=date(year, 1, 1), end_date=date(year, 12, 31)
        )
    return plan


@pytest.mark.migration_test
def test_each_axis_narrative_moves_into_the_year_under_way_or_the_last(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    Table = old.apps.get_model("partners", "Table")
    Axis = old.apps.get_model("actionplans", "Axis")
    carrier = old.apps.get_model("partners", "Organisation").objects.create(name="MRC", slug="mrc")
    table = Table.objects.create(name="Table", slug="table", carrier=carrier)
    this_year = date.today().year
    running = _plan(old.apps, table, "en-cours", this_year - 1, 3)
    ended = _plan(old.apps, table, "termine", 2010, 3)
    Axis.objects.create(plan=running, number=1, title="Un", narrative="Texte de cette année.")
    Axis.objects.create(plan=running, number=2, title="Deux", narrative="")
    Axis.objects.create(plan=ended, number=1, title="Un", narrative="Texte de 2012.")

    new = migrator.apply_tested_migration(AFTER)
    Narrative = new.apps.get_model("accountability", "Narrative")
    moved = {
        (n.plan.slug, n.axis.number): (n.period_key, n.period_start, n.period_end, n.text)
        for n in Narrative.objects.select_related("plan", "axis")
    }
    assert moved == {
        ("en-cours", 1): (
            f"{this_year}-{this_year}",
            date(this_year, 1, 1),
            date(this_year, 12, 31),
            "Texte de cette année.",
        ),
        ("termine", 1): ("2012-2012", date(2012, 1, 1), date(2012, 12, 31), "Texte de 2012."),
    }
    history = new.apps.get_model("accountability", "HistoricalNarrative").objects.all()
    assert sorted(history.values_list("text", "history_change_reason")) == [
        ("Texte de 2012.", BASELINE_REASON),
        ("Texte de cette année.", BASELINE_REASON),
    ]
    assert "narrative" not in {
        f.name for f in new.apps.get_model("actionplans", "Axis")._meta.get_fields()
    }

    back = migrator.apply_tested_migration(BEFORE)
    axes = back.apps.get_model("actionplans", "Axis").objects.order_by("plan__slug", "number")
    assert list(axes.values_list("plan__slug", "number", "narrative")) == [
        ("en-cours", 1, "Texte de cette année."),
        ("en-cours", 2, ""),
        ("termine", 1, "Texte de 2012."),
    ]
