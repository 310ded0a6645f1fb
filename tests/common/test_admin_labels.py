"""Inputs without a <label> of their own get an accessible name: a tabular inline's cells say
their column and row, a date-and-time field's two boxes say which is which."""

import re

from django.urls import reverse

from meetings.models import Meeting
from tests.factories import BudgetLineFactory, IndicatorFactory


def _aria_labels(response):
    return re.findall(r'aria-label="([^"]+)"', response.content.decode())


def test_a_measure_s_inline_cells_say_their_column_and_row(client, coordinator_a, measure_a):
    BudgetLineFactory(measure=measure_a)
    BudgetLineFactory(measure=measure_a)
    IndicatorFactory(measure=measure_a)
    client.force_login(coordinator_a)

    labels = _aria_labels(
        client.get(reverse("admin:actionplans_measure_change", args=[measure_a.pk]))
    )

    assert "Heures (ligne 2)" in labels
    assert "Supprimer (ligne 2)" in labels
    assert "Heures (nouvelle ligne)" in labels  # the row « Ajouter » copies
    assert "Heures (ligne 3)" not in labels


def test_a_meeting_s_start_says_which_box_is_the_date_and_which_the_time(
    client, coordinator_a, table_a
):
    meeting = Meeting.objects.create(table=table_a, starts_at="2030-01-01T10:00-05:00")
    client.force_login(coordinator_a)

    labels = _aria_labels(client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])))

    assert "Début, date" in labels
    assert "Début, heure" in labels
