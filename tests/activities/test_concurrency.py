"""Two people, one activity: of the writes made from the same version, exactly one wins, the
others are told what changed and write nothing, and an approval covers what the reviewer read.

The race runs in threads with real transactions, on the configured database: SQLite by
default, PostgreSQL with ``DATABASE_URL=postgres://…``.
"""

import html
import re
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from activities import services
from activities.forms import ActivityForm
from activities.models import Activity, IndicatorValue
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    OrganisationFactory,
    coordinator_of,
    measure_in,
    partner_of,
)

ROUNDS = 50
CHANGED = "Cette activité a changé depuis que vous l'avez ouverte"


@pytest.fixture
def world(plan_a, table_a):
    cje = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    measure = measure_in(plan_a, "1.3.1", title="Activités interculturelles")
    measure.leads.add(cje)
    return {
        "cje": cje,
        "measure": measure,
        "indicator": IndicatorFactory(measure=measure, label="Nb d'activités"),
        "partner": partner_of(cje, username="partenaire@example.org"),
        "coordinator": coordinator_of(table_a, username="coordination@example.org"),
        "second_coordinator": coordinator_of(table_a, username="adjointe@example.org"),
    }


def submitted_activity(world, title="Fête interculturelle"):
    activity = ActivityFactory(
        measure=world["measure"],
        organisation=world["cje"],
        author=world["partner"],
        status="submitted",
        title=title,
        description="Une belle soirée.",
        participants=40,
    )
    IndicatorValue.objects.create(activity=activity, indicator=world["indicator"], value=2)
    return activity


def content(pk):
    """What a reviewer reads of the activity: its text, numbers and indicator values."""
    activity = Activity.objects.get(pk=pk)
    values = dict(activity.values.values_list("indicator_id", "value"))
    return (activity.title, activity.description, activity.participants, values)


def edit_data(world, version, title):
    return {
        "measure": world["measure"].pk,
        "date": "2023-06-15",
        "title": title,
        "description": "Une belle soirée, avec 12 familles.",
        "participants": "52",
        f"indicator_{world['indicator'].pk}": "3",
        "version": version,
    }


def race(*racers):
    """Run each racer in its own thread. A racer reads what its request would read (the
    activity, its form) and returns the write; the writes start together, at a barrier.
    Returns each racer's outcome: None if it wrote, else the exception it raised."""
    barrier = threading.Barrier(len(racers))
    outcomes = [None] * len(racers)

    def run(index, racer):
        try:
            write = racer()
            barrier.wait(timeout=30)
            write()
        except Exception as error:  # noqa: BLE001  every outcome is checked by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_approve_send_back_and_edit_of_one_version_exactly_one_wins(world):
    coordinator, second, partner = (
        world["coordinator"],
        world["second_coordinator"],
        world["partner"],
    )
    wins = {"approve": 0, "send back": 0, "edit": 0}
    for round_number in range(ROUNDS):
        pk = submitted_activity(world, title=f"Fête {round_number}").pk
        version = Activity.objects.get(pk=pk).version
        seen = content(pk)  # what both coordinators have on screen
        history, outbox = Activity.history.filter(id=pk).count(), len(mail.outbox)
        edited_title = f"Fête {round_number}, corrigée"

        def approve(pk=pk, version=version):
            activity = Activity.objects.get(pk=pk)
            return lambda: services.activity_approve(
                activity=activity, reviewer=coordinator, version=version
            )

        def send_back(pk=pk, version=version):
            activity = Activity.objects.get(pk=pk)
            return lambda: services.activity_return(
                activity=activity, reviewer=second, comment="Précisez le lieu.", version=version
            )

        def edit(pk=pk, version=version, title=edited_title):
            form = ActivityForm(
                edit_data(world, version, title), user=partner, instance=Activity.objects.get(pk=pk)
            )
            assert form.is_valid(), form.errors
            return lambda: services.activity_save(
                activity=form.save(commit=False),
                user=partner,
                values=form.indicator_values(),
                municipalities=form.cleaned_data["municipalities"],
                files=[],
                version=form.cleaned_data["version"],
            )

        outcomes = dict(zip(wins, race(approve, send_back, edit), strict=True))
        winners = [name for name, outcome in outcomes.items() if outcome is None]
        assert len(winners) == 1, (round_number, outcomes)
        [winner] = winners
        wins[winner] += 1
        losers = {name: outcome for name, outcome in outcomes.items() if name != winner}
        for name, error in losers.items():
            assert isinstance(error, services.StaleActivity), (round_number, name, repr(error))
            assert str(error).startswith(CHANGED), str(error)
        if "approve" in losers:
            assert "Elle n'a pas été approuvée" in str(losers["approve"])
        if "edit" in losers:
            assert "Rien n'a été enregistré" in str(losers["edit"])

        activity = Activity.objects.get(pk=pk)
        assert activity.version == version + 1
        assert Activity.history.filter(id=pk).count() == history + 1  # one write, the winner's
        review_mails = mail.outbox[outbox:]
        if winner == "approve":
            assert (activity.status, activity.reviewed_by) == ("approved", coordinator)
            assert content(pk) == seen  # the approved content is what the reviewer read
            assert [message.subject for message in review_mails] == [
                "Votre activité a été approuvée"
            ]
        elif winner == "send back":
            assert (activity.status, activity.reviewed_by) == ("returned", second)
            assert content(pk) == seen
            assert [message.subject for message in review_mails] == [
                "Votre activité est à corriger"
            ]
        else:
            assert (activity.status, activity.reviewed_by) == ("submitted", None)
            assert content(pk) == (
                edited_title,
                "Une belle soirée, avec 12 familles.",
                52,
                {world["indicator"].pk: Decimal(3)},
            )
            assert review_mails == []  # no contradictory e-mail to the partner
    assert sum(wins.values()) == ROUNDS
    # No approved activity holds content other than what its reviewer read (checked per round).
    approved = Activity.objects.approved().filter(reviewed_by=coordinator)
    assert approved.count() == wins["approve"]
    assert not approved.filter(title__endswith=", corrigée").exists()


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_activity_make_one_approval_and_one_email(world):
    pk = submitted_activity(world).pk
    version = Activity.objects.get(pk=pk).version

    def approve_as(reviewer):
        def racer():
            activity = Activity.objects.get(pk=pk)
            return lambda: services.activity_approve(
                activity=activity, reviewer=reviewer, version=version
            )

        return racer

    outcomes = race(approve_as(world["coordinator"]), approve_as(world["second_coordinator"]))
    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    [error] = [outcome for outcome in outcomes if outcome is not None]
    assert isinstance(error, services.StaleActivity)
    assert re.match(rf"{CHANGED} \(approuvée par \S+@example\.org le ", str(error)), str(error)
    assert Activity.history.filter(id=pk, status="approved").count() == 1
    assert [message.subject for message in mail.outbox] == ["Votre activité a été approuvée"]


def page_text(response):
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.django_db
def test_a_stale_edit_is_refused_with_what_changed_and_the_input_kept(client, world):
    activity = submitted_activity(world)
    partner, coordinator = world["partner"], world["coordinator"]
    client.force_login(partner)
    page = client.get(reverse("activities:update", args=[activity.pk])).content.decode()
    assert f'name="version" value="{activity.version}"' in page  # the form carries what it read

    client.force_login(coordinator)
    client.post(reverse("activities:approve", args=[activity.pk]), {"version": activity.version})

    client.force_login(partner)
    data = edit_data(world, activity.version, "Fête interculturelle du quartier")
    response = client.post(reverse("activities:update", args=[activity.pk]), data)
    text = page_text(response)
    assert response.status_code == 200
    assert re.search(
        rf"{CHANGED} \(approuvée par coordination@example\.org le \d+ \w+ \d{{4}} à \d+ h[ \d]*\) "
        r": statut : Soumise, à réviser → Approuvée\. Rien n'a été enregistré ; vos saisies sont "
        r"conservées ci-dessous : vérifiez-les, puis enregistrez de nouveau\.",
        text,
    ), text
    assert 'value="Fête interculturelle du quartier"' in text  # nothing typed is lost
    assert "Une belle soirée, avec 12 familles." in text
    approved = Activity.objects.get(pk=activity.pk)
    assert (approved.status, approved.title, approved.participants) == (
        "approved",
        "Fête interculturelle",
        40,
    )
    assert approved.values.get().value == 2
    # Saving again, having read the message, applies to the current version: back to review.
    assert f'name="version" value="{approved.version}"' in text
    response = client.post(
        reverse("activities:update", args=[activity.pk]), {**data, "version": approved.version}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.title) == ("submitted", "Fête interculturelle du quartier")


@pytest.mark.django_db
def test_a_stale_edit_names_the_fields_another_person_changed(client, world):
    activity = submitted_activity(world)
    coordinator, partner = world["coordinator"], world["partner"]
    read_at = activity.version
    client.force_login(coordinator)  # the table's coordination corrects the title meanwhile
    client.post(
        reverse("activities:update", args=[activity.pk]),
        {**edit_data(world, read_at, "Fête du quartier"), "description": "Une belle soirée."},
    )
    client.force_login(partner)
    response = client.post(
        reverse("activities:update", args=[activity.pk]),
        edit_data(world, read_at, "Fête des familles"),
    )
    text = page_text(response)
    assert "(modifiée par coordination@example.org le " in text
    assert (
        "titre : « Fête interculturelle » → « Fête du quartier » ; participants : 40 → 52." in text
    )
    assert Activity.objects.get(pk=activity.pk).title == "Fête du quartier"


@pytest.mark.django_db
def test_saving_again_after_a_stale_edit_keeps_both_peoples_changes(client, world):
    """The partner changed the title; meanwhile the coordination corrected the description
    and the participants. The refused form shows both; saving it again undoes neither."""
    activity = submitted_activity(world)
    read_at = activity.version
    client.force_login(world["coordinator"])
    client.post(
        reverse("activities:update", args=[activity.pk]),
        {**edit_data(world, read_at, "Fête interculturelle"), "description": "Corrigée."},
    )
    client.force_login(world["partner"])
    as_read = {
        **edit_data(world, read_at, "Fête des familles"),
        "description": "Une belle soirée.",
        "participants": "40",
    }
    text = page_text(client.post(reverse("activities:update", args=[activity.pk]), as_read))
    assert 'value="Fête des familles"' in text  # the partner's own change stays
    assert ">\nCorrigée.</textarea>" in text and 'name="participants" value="52"' in text

    current = Activity.objects.get(pk=activity.pk)
    resent = {**as_read, "description": "Corrigée.", "participants": "52"}
    response = client.post(
        reverse("activities:update", args=[activity.pk]), {**resent, "version": current.version}
    )
    assert response.status_code == 302
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.description, saved.participants) == (
        "Fête des familles",
        "Corrigée.",
        52,
    )


@pytest.mark.django_db
def test_an_approval_of_a_version_no_longer_current_is_refused(client, world):
    activity = submitted_activity(world)
    read_at = activity.version  # the coordinator opens the activity
    client.force_login(world["partner"])  # the partner corrects it meanwhile
    client.post(
        reverse("activities:update", args=[activity.pk]),
        edit_data(world, read_at, "Fête interculturelle (52 personnes)"),
    )
    mail.outbox.clear()
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("activities:approve", args=[activity.pk]), {"version": read_at}, follow=True
    )
    text = page_text(response)
    assert (
        f"{CHANGED} (modifiée par partenaire@example.org le " in text
        and "titre : « Fête interculturelle » → « Fête interculturelle (52 personnes) »" in text
        and "Elle n'a pas été approuvée : relisez-la avant de décider." in text
    ), text
    activity.refresh_from_db()
    assert (activity.status, activity.reviewed_by) == ("submitted", None)
    assert mail.outbox == []
    # The page now carries the current version: approving it approves what is shown.
    assert f'name="version" value="{activity.version}"' in response.content.decode()
    client.post(reverse("activities:approve", args=[activity.pk]), {"version": activity.version})
    activity.refresh_from_db()
    assert (activity.status, activity.title) == ("approved", "Fête interculturelle (52 personnes)")


@pytest.mark.parametrize(
    ("name", "data"),
    [("activities:approve", {}), ("activities:return", {"comment": "Précisez le lieu."})],
)
@pytest.mark.django_db
def test_a_review_that_does_not_say_which_version_it_read_is_refused(client, world, name, data):
    activity = submitted_activity(world)
    client.force_login(world["coordinator"])
    response = client.post(reverse(name, args=[activity.pk]), data, follow=True)
    assert "Cette page n'était plus à jour : relisez l'activité, puis recommencez." in page_text(
        response
    )
    assert Activity.objects.get(pk=activity.pk).status == "submitted"
