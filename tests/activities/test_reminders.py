"""Reminders to partners who declared nothing in the current half-year (a scheduled job)."""

from datetime import date

import pytest
from django.core import mail

from activities.models import Reminder
from activities.reminders import partners_remind, remind_partners
from common.schedule import scheduled_tasks
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    PersonFactory,
    coordinator_of,
    measure_in,
    partner_of,
)

# The plans of the factories run from 2022-04-01 to 2025-03-31; the second half of the first
# year ends on 2023-03-31: its reminders go out from 2023-03-17 (14 days before).
IN_WINDOW = date(2023, 3, 20)


@pytest.fixture
def world(plan_a, plan_b, coordinator_a):
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi", email="info@cje.example")
    partner_of(cje, username="julie@cje.example", email="julie@cje.example")
    PersonFactory(organisation=cje, email="sans-compte@cje.example")  # no account: not written
    saim = OrganisationFactory(name="SAIM", email="")
    partner_of(saim, username="amine@saim.example", email="amine@saim.example")
    mrc = OrganisationFactory(name="MRC de D'Autray", email="accueil@mrc.example")  # no account
    active = OrganisationFactory(name="Action Famille")
    partner_of(active, username="lucie@afl.example", email="lucie@afl.example")
    outsider = OrganisationFactory(name="Hors mesure")
    partner_of(outsider, username="hors@example.org", email="hors@example.org")
    elsewhere = OrganisationFactory(name="Autre table")
    partner_of(elsewhere, username="autre@example.org", email="autre@example.org")

    first = measure_in(plan_a, "1.1.1", title="Capsules vidéo")
    second = measure_in(plan_a, "1.1.2", title="Café-jasette")
    first.leads.add(cje)
    first.partners.add(saim, active)
    second.leads.add(cje, mrc)
    other = measure_in(plan_b, "1.1.1", title="Mesure de la table B")
    other.leads.add(elsewhere)
    coordinator_of(plan_b.table, username="coord-b@example.org", email="coord-b@example.org")
    # Action Famille declared something in the period; the CJE only before it and as a draft.
    ActivityFactory(measure=first, organisation=active, date=date(2023, 1, 12), status="submitted")
    ActivityFactory(measure=first, organisation=cje, date=date(2022, 9, 30), status="approved")
    ActivityFactory(measure=second, organisation=cje, date=date(2023, 2, 1), status="draft")
    # The SAIM declared in the period, but for another table's plan: table A still reminds it.
    ActivityFactory(measure=other, organisation=saim, date=date(2023, 1, 5), status="approved")
    coordinator_a.email = "coord-a@example.org"
    coordinator_a.save()
    return {"cje": cje, "saim": saim, "mrc": mrc, "active": active, "first": first}


def _to(address):
    return [message for message in mail.outbox if address in message.to]


def test_organisations_of_a_measure_that_declared_nothing_are_reminded_once(world, plan_a):
    partners_remind(today=IN_WINDOW)

    assert sorted(tuple(message.to) for message in mail.outbox) == [
        ("accueil@mrc.example",),  # no account: its general address
        ("amine@saim.example",),
        ("autre@example.org",),  # table B's own measure, reminded by table B
        ("coord-a@example.org",),
        ("coord-b@example.org",),
        ("julie@cje.example",),  # a draft and an activity before the period do not count
    ]
    (cje,) = _to("julie@cje.example")
    assert cje.subject == "Rappel : vos activités à déclarer avant le 31 mars 2023 (Table A)"
    assert "- 1.1.1 Capsules vidéo" in cje.body and "- 1.1.2 Café-jasette" in cje.body
    assert f"/fr/activites/nouvelle/?mesure={world['first'].pk}" in cje.body
    (saim,) = _to("amine@saim.example")
    assert "1.1.1 Capsules vidéo" in saim.body and "1.1.2" not in saim.body
    (coordinators,) = _to("coord-a@example.org")
    assert coordinators.subject == "Rappels envoyés aux partenaires : Table A"
    assert "(du 1er octobre 2022 au 31 mars 2023)" in coordinators.body
    assert "- Carrefour jeunesse-emploi (1.1.1, 1.1.2) : julie@cje.example" in coordinators.body
    assert "- SAIM (1.1.1) : amine@saim.example" in coordinators.body
    assert "Action Famille" not in coordinators.body and "Hors mesure" not in coordinators.body
    assert "Autre table" not in coordinators.body
    (table_b,) = _to("coord-b@example.org")
    assert (
        "- Autre table (1.1.1) : autre@example.org" in table_b.body and "SAIM" not in table_b.body
    )
    assert set(
        Reminder.objects.filter(table=plan_a.table).values_list("organisation__name", flat=True)
    ) == {
        "Carrefour jeunesse-emploi",
        "MRC de D'Autray",
        "SAIM",
    }

    mail.outbox.clear()
    partners_remind(today=date(2023, 3, 21))
    remind_partners.call(today="2023-03-21")  # the worker's hourly run, a day later

    assert mail.outbox == []
    assert Reminder.objects.count() == 4


def test_nobody_is_reminded_before_the_window_or_when_the_table_says_none(world, plan_a):
    partners_remind(today=date(2023, 3, 16))  # 15 days before the end of the half-year
    assert mail.outbox == []

    table = plan_a.table
    table.reminder_days = 0
    table.save()
    partners_remind(today=IN_WINDOW)
    assert [message.to for message in mail.outbox] == [
        ["autre@example.org"],
        ["coord-b@example.org"],
    ]
    assert not Reminder.objects.filter(table=table).exists()


def test_a_table_reminds_as_many_days_before_as_it_says(world, plan_a):
    table = plan_a.table
    table.reminder_days = 30
    table.save()
    partners_remind(today=date(2023, 3, 2))
    assert _to("julie@cje.example")


def test_the_next_period_reminds_again(world):
    partners_remind(today=IN_WINDOW)
    mail.outbox.clear()

    partners_remind(today=date(2023, 9, 20))  # the next half-year ends on 2023-09-30

    assert _to("julie@cje.example") and _to("lucie@afl.example")  # nothing declared since
    assert Reminder.objects.filter(period_end=date(2023, 9, 30)).count() == 5


def test_an_organisation_without_any_address_is_named_to_the_coordinators(world):
    world["mrc"].email = ""
    world["mrc"].save()

    partners_remind(today=IN_WINDOW)

    assert not _to("accueil@mrc.example")
    (coordinators,) = _to("coord-a@example.org")
    assert "Sans adresse, donc non rappelées" in coordinators.body
    assert "- MRC de D'Autray (1.1.2)" in coordinators.body
    assert Reminder.objects.get(organisation=world["mrc"]).recipients == ""


def test_the_scheduled_task_is_named_in_the_settings_and_takes_a_date(world):
    assert remind_partners in scheduled_tasks()

    result = remind_partners.call(today=IN_WINDOW.isoformat())

    assert result == 4  # three organisations of table A, one of table B
    assert _to("julie@cje.example")
