"""A confirmation sent twice (a double click, the back button, two tabs) imports once: one
plan from a plan document, one application of a spreadsheet; the second submission is told.

The simultaneous cases run in threads with real transactions, on the configured database
(SQLite by default, PostgreSQL with ``DATABASE_URL=postgres://…``)."""

import html
import re
import threading
from pathlib import Path

import pytest
import tablib
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from actionplans.exports.plan import plan_export
from actionplans.imports.documents import import_document, preview_document
from actionplans.models import Indicator, Measure, Plan

BEAUCE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"
IMPORTED = "Le plan « Plan Beauce » a été importé : 27 moyens d'action."
TWICE = (
    "Le plan « Plan Beauce » a déjà été importé : ce formulaire a été envoyé deux fois, et "
    "rien n'a été créé de plus."
)
SHEET_TWICE = (
    "Ce tableur a déjà été importé : la confirmation a été envoyée deux fois, et rien n'a été "
    "changé de plus."
)


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def text_of(response):
    return html.unescape(response.content.decode())


def posted_by(page):
    """What the browser sends from the page's confirmation form: its hidden fields."""
    form = page.split('class="import-form"', 1)[1].split("</form>", 1)[0]
    data = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }
    return {**data, "confirm": "1"}


def confirmation(client, table):
    """Step 1 of the plan import: the preview's confirmation form, as the browser would send it."""
    upload = SimpleUploadedFile("plan.txt", BEAUCE.read_bytes(), content_type="text/plain")
    url = reverse("admin:actionplans_plan_import", args=[table.pk])
    preview = client.post(url, {"document": upload, "title": "Plan Beauce", "preview": "1"})
    return url, posted_by(preview.content.decode())


def simultaneously(*requests):
    """Run each request in its own thread, started together at a barrier; return responses."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, request):
        try:
            prepared = request()
            barrier.wait(timeout=30)
            responses[index] = prepared()
        except Exception as error:  # noqa: BLE001  a failed request is an outcome, checked
            responses[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db
def test_a_plan_import_confirmed_twice_creates_one_plan(client, coordinator_a, table_a):
    client.force_login(coordinator_a)
    url, data = confirmation(client, table_a)
    assert data["slug"] == "plan-beauce"  # fixed at the preview, so both sendings name one plan
    first = client.post(url, data, follow=True)
    plan = Plan.objects.get()
    assert IMPORTED in text_of(first)
    before = row_counts()
    second = client.post(url, data, follow=True)
    assert second.redirect_chain[-1][0] == reverse("admin:actionplans_plan_change", args=[plan.pk])
    assert TWICE in text_of(second)
    assert row_counts() == before


@pytest.mark.django_db
def test_the_same_title_imported_again_from_a_new_preview_is_a_second_plan(
    client, coordinator_a, table_a
):
    """Only the same confirmation is a double submission: a new preview is a new plan."""
    client.force_login(coordinator_a)
    url, data = confirmation(client, table_a)
    client.post(url, data)
    url, again = confirmation(client, table_a)
    assert again["slug"] == "plan-beauce-2"
    assert IMPORTED in text_of(client.post(url, again, follow=True))
    assert sorted(Plan.objects.values_list("slug", flat=True)) == ["plan-beauce", "plan-beauce-2"]


@pytest.mark.django_db(transaction=True)
def test_a_plan_import_confirmed_twice_at_once_creates_one_plan(coordinator_a, table_a):
    client = Client()
    client.force_login(coordinator_a)
    url, data = confirmation(client, table_a)

    def confirm():
        browser = Client()
        browser.force_login(coordinator_a)
        return lambda: browser.post(url, data, follow=True)

    responses = simultaneously(confirm, confirm)
    plan = Plan.objects.get()
    assert Measure.objects.of_plan(plan).count() == 27
    pages = [text_of(response) for response in responses]
    assert sorted(IMPORTED in page for page in pages) == [False, True], responses
    assert sorted(TWICE in page for page in pages) == [False, True]
    change = reverse("admin:actionplans_plan_change", args=[plan.pk])
    assert [response.redirect_chain[-1][0] for response in responses] == [change, change]


@pytest.fixture
def beauce(table_a):
    preview = preview_document(data=BEAUCE.read_bytes())
    return import_document(table=table_a, preview=preview, title="Plan Beauce", slug="beauce")


def sheet_confirmation(client, plan):
    """Step 1 of the spreadsheet import, with a new indicator for 1.1.1 (a row to create)."""
    dataset = tablib.Dataset().load(plan_export(plan, "xlsx")[2], format="xlsx")
    values = list(dataset[0])
    column = dataset.headers.index("Indicateurs")
    values[column] = f"{values[column]}\nNombre de familles jumelées".strip()
    dataset[0] = values
    url = reverse("admin:actionplans_measure_import")
    formats = client.get(url).context["form"].fields["format"].choices
    xlsx = next(value for value, label in formats if label.lower() == "xlsx")
    upload = SimpleUploadedFile("plan.xlsx", dataset.export("xlsx"))
    preview = client.post(url, {"import_file": upload, "format": xlsx, "plan": plan.pk})
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.content.decode()[:3000]
    return reverse("admin:actionplans_measure_process_import"), {**confirm.initial, "plan": plan.pk}


def new_indicators(plan):
    return Indicator.objects.filter(
        measure__in=Measure.objects.of_plan(plan), label="Nombre de familles jumelées"
    ).count()


@pytest.mark.django_db
def test_a_spreadsheet_confirmed_twice_is_imported_once(client, coordinator_a, beauce):
    client.force_login(coordinator_a)
    url, data = sheet_confirmation(client, beauce)
    first = client.post(url, data, follow=True)
    assert SHEET_TWICE not in text_of(first)
    assert new_indicators(beauce) == 1
    before = row_counts()
    second = client.post(url, data, follow=True)
    assert SHEET_TWICE in text_of(second)
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_a_spreadsheet_confirmed_twice_at_once_is_imported_once(coordinator_a, beauce):
    client = Client()
    client.force_login(coordinator_a)
    url, data = sheet_confirmation(client, beauce)

    def confirm():
        browser = Client()
        browser.force_login(coordinator_a)
        return lambda: browser.post(url, data, follow=True)

    responses = simultaneously(confirm, confirm)
    assert all(response.status_code == 200 for response in responses), responses
    assert sorted(SHEET_TWICE in text_of(response) for response in responses) == [False, True]
    assert new_indicators(beauce) == 1


@pytest.mark.django_db(transaction=True)
def test_two_spreadsheets_with_the_same_change_confirmed_at_once_add_it_once(coordinator_a, beauce):
    """Two coordinators, two uploads, one plan: the imports take turns, and the second finds
    the first one's indicator instead of adding it again."""
    client = Client()
    client.force_login(coordinator_a)
    confirmations = [sheet_confirmation(client, beauce) for _ in range(2)]

    def confirm(url, data):
        def prepare():
            browser = Client()
            browser.force_login(coordinator_a)
            return lambda: browser.post(url, data, follow=True)

        return prepare

    responses = simultaneously(*(confirm(url, data) for url, data in confirmations))
    assert all(response.status_code == 200 for response in responses), responses
    assert not any(SHEET_TWICE in text_of(response) for response in responses)
    assert new_indicators(beauce) == 1
