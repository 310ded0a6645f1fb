"""axe-core on every back-office page a coordinator reaches: 0 serious, 0 critical.

The pages are read from the admin registry (each model's list, add, change and history page,
and every extra page its ``get_urls`` adds), not from a hand list: a new model or tool is
checked the day it is registered. At run time the rule book says which of them the
coordinator (and, for the read-only pages, the ministry) may open; the others must be
refused (403 or 404). Each page is its own test; the data is built once for the module, with real
objects whose inlines are filled, and one live server serves every visit (a transactional
flush per page would make the module last minutes).
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.test.utils import modify_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from actionplans import services
from actionplans.models import ActualExpense, BudgetLine, Measure
from events.models import Registration
from mailing.models import Message, Subscriber
from meetings.models import (
    Attendance,
    DatePoll,
    Decision,
    FollowUp,
    Meeting,
    MeetingDocument,
    PollParticipant,
    PollSlot,
)
from partners.models import Membership, Person
from tests.builders import BEAUCE_DOCUMENT, populated_site
from tests.e2e.axe import serious_violations
from tests.factories import EventFactory

# Each test holds a transaction (rolled back) and reads nothing in it: the module's data is
# committed before, and the live server's thread reads it. SQLite's transactions here are
# IMMEDIATE, so a page that writes (the spreadsheet import's dry run) is checked in its own
# module (test_back_office_imports_a11y.py).
pytestmark = pytest.mark.django_db

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
STANDARD_VIEWS = ("changelist", "add", "change")
# Pages of one template for every model, checked once (a measure's, with its indicators and
# budget lines): the history, a version in it, the deletion's confirmation; and the
# superuser's password form.
OTHER_VIEWS = ("history", "delete", "simple_history", "password_change")
# Extra admin URLs that answer a file, not a page (checked by their own tests).
FILES = {"actionplans_plan_export", "events_event_attendance_export"}
# Extra admin URLs reached by a POST only (the import-export confirmation step, the button
# « Annoncer à la liste d'envoi » of an event).
POST_ONLY = {"actionplans_measure_process_import", "mailing_message_announce"}


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _standard_pages():
    return [
        pytest.param(model._meta.label_lower, view, id=f"{model._meta.label_lower}-{view}")
        for model, _model_admin in _registered()
        for view in STANDARD_VIEWS
    ]


def _tool_names():
    names = []
    for model, model_admin in _registered():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if (
                name
                and name.startswith(prefix)
                and name[len(prefix) :] not in STANDARD_VIEWS + OTHER_VIEWS
            ):
                if name not in FILES | POST_ONLY:
                    names.append(name)
    return sorted(names)


def _tool_args(world):
    """How to reach each extra admin page with the module's data: a new tool without an entry
    here fails its test (say how to open it)."""
    return {
        "actionplans_measure_import": [],
        "actionplans_measure_split_line": [world.measure.pk, world.line.pk],
        "actionplans_plan_outline": [world.plan.pk],
        "actionplans_plan_import": [world.table.pk],
        "mailing_message_preview": [world.draft_message.pk],
        "mailing_message_send": [world.draft_message.pk],
        "mailing_subscriber_add_members": [],
        "mailing_subscriber_import": [],
        "meetings_datepoll_choose": [world.poll.pk, world.slot.pk],
        "meetings_datepoll_results": [world.poll.pk],
        "meetings_datepoll_send": [world.poll.pk],
        "meetings_meeting_convene": [world.meeting.pk],
        "meetings_meeting_send_minutes": [world.meeting.pk],
    }


def _filled_table(plan, coordinator):
    """The plan's table with a bit of every kind the back office edits, inlines filled."""
    table = plan.table
    measure = Measure.objects.filter(objective__axis__plan=plan).order_by("number").first()
    line = BudgetLine.objects.filter(measure=measure).first()
    ActualExpense.objects.create(plan=plan, budget_line=line, date=plan.start_date, amount=10)
    organisation = measure.leads.get()
    person = Person.objects.filter(organisation=organisation).first()
    Membership.objects.create(table=table, organisation=organisation, person=person)
    meeting = Meeting.objects.get(table=table)
    meeting.minutes = "Présents : **tous**."
    meeting.save()
    MeetingDocument.objects.create(
        meeting=meeting, title="Ordre du jour", file=ContentFile(b"%PDF-1.4", name="odj.pdf")
    )
    Attendance.objects.create(
        meeting=meeting, person=person, organisation=organisation, name="Lucie", email=person.email
    )
    Decision.objects.create(meeting=meeting, text="Le calendrier est adopté.")
    FollowUp.objects.create(meeting=meeting, text="Réserver la salle", organisation=organisation)
    poll = DatePoll.objects.create(
        table=table,
        title="Rencontre d'avril",
        closes_on=timezone.localdate() + timedelta(days=10),
        created_by=coordinator,
    )
    soon = timezone.now() + timedelta(days=20)
    slot = PollSlot.objects.create(poll=poll, starts_at=soon, ends_at=soon + timedelta(hours=2))
    PollParticipant.objects.create(poll=poll, person=person, name="Lucie", email=person.email)
    event = EventFactory(table=table, registration_required=True, capacity=30)
    Registration.objects.create(
        event=event, name="Lucie", email="lucie@example.org", status=Registration.Status.CONFIRMED
    )
    Subscriber.objects.create(
        table=table,
        email="abonne@example.org",
        status=Subscriber.Status.SUBSCRIBED,
        source=Subscriber.Source.COORDINATION,
        consented_at=timezone.now(),
        consent_evidence="Demandé en personne.",
    )
    draft_message = Message.objects.create(
        table=table, subject="Jeudi Immigration de mars", body="Bonjour **à tous**."
    )
    Message.objects.create(
        table=table,
        subject="Nouvelles de février",
        body="Texte",
        status=Message.Status.SENDING,
    )
    measure.title = "Accueillir les familles nouvellement arrivées"
    measure.save()
    draft = services.plan_duplicate_next_cycle(plan=plan, user=coordinator)
    return SimpleNamespace(
        table=table,
        plan=plan,
        draft=draft,
        measure=measure,
        measure_version=measure.history.earliest().history_id,
        line=line,
        meeting=meeting,
        poll=poll,
        slot=slot,
        event=event,
        draft_message=draft_message,
    )


def _addresses(user):
    """For each registered model and standard view, the address ``user`` opens (an object the
    admin's own queryset gives), and apart, the addresses the rule book refuses them (an object
    of the model seen by nobody's scope: its first row)."""
    request = RequestFactory().get("/")
    request.user = user
    addresses, refused = {}, {}
    for model, model_admin in _registered():
        label = model._meta.label_lower
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        anything = model._default_manager.order_by("pk").first()
        opened = {}
        if model_admin.has_view_permission(request):
            opened["changelist"] = reverse(f"{prefix}_changelist")
            obj = model_admin.get_queryset(request).first()
            assert obj is not None, f"no {label} for {user}: add one to _filled_table()"
            opened["change"] = reverse(f"{prefix}_change", args=[obj.pk])
        if model_admin.has_add_permission(request):
            opened["add"] = reverse(f"{prefix}_add")
        for view in STANDARD_VIEWS:
            if view in opened:
                addresses[(label, view)] = opened[view]
            elif view == "change" and anything is not None:
                refused[(label, view)] = reverse(f"{prefix}_change", args=[anything.pk])
            else:  # no row at all (the task queue's, run at once by the tests): its list
                refused[(label, view)] = reverse(
                    f"{prefix}_{'changelist' if view == 'change' else view}"
                )
    return addresses, refused


def _logged_in(browser, server_url, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=True, viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}]
    )
    return context


@pytest.fixture(scope="module")
def back_office(browser, django_db_setup, django_db_blocker):
    """The data, a live server and logged-in pages for the whole module; the database is
    emptied at the end, as a transactional test leaves it."""
    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        plan = populated_site()
        user_model = plan.table.coordinators.model
        coordinator = user_model.objects.get(username="coordination@example.org")
        ministry = user_model.objects.get(username="ministere@example.org")
        world = _filled_table(plan, coordinator)
        server = LiveServer("localhost")
        contexts = {
            (role, name): _logged_in(browser, server.url, user, viewport)
            for role, user in (("coordinator", coordinator), ("ministry", ministry))
            for name, viewport in (("desktop", DESKTOP), ("phone", PHONE))
        }
        pages = {key: context.new_page() for key, context in contexts.items()}
        yield SimpleNamespace(
            url=server.url,
            world=world,
            addresses={"coordinator": _addresses(coordinator), "ministry": _addresses(ministry)},
            pages=pages,
        )
        for context in contexts.values():
            context.close()
        server.stop()
        call_command("flush", interactive=False, verbosity=0)


def _address(back_office, role, label, view):
    """The page's address; None once checked that the rule book refuses it to ``role`` (a
    page the role may not open is part of the tour too: it must answer 403 or 404)."""
    addresses, refused = back_office.addresses[role]
    if (label, view) in addresses:
        return addresses[(label, view)]
    path = refused[(label, view)]
    status = back_office.pages[(role, "desktop")].goto(f"{back_office.url}{path}").status
    assert status in (403, 404), f"{role} {path}: {status}, expected a refusal"
    return None


def _visit(back_office, role, path, screen="desktop"):
    page = back_office.pages[(role, screen)]
    response = page.goto(f"{back_office.url}{path}")
    assert response.status == 200, f"{path}: {response.status}"
    return page


def _errors(page):
    return [
        page.url,
        *page.locator(
            ".errornote, .errorlist, .messagelist, #content h1, #content h2, .import-error, .validation-error-list"
        ).all_inner_texts(),
    ]


def _assert_accessible(page):
    found = serious_violations(page)
    assert found == [], "\n".join([page.url, *found])


def _assert_no_sideways_scroll(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1 && !e.closest('.scroll-x, .results, .tabular'))"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)]"
    )
    scroll_width, window_width, culprits = widths
    assert scroll_width <= window_width, f"{page.url}: {scroll_width} > {window_width} {culprits}"


def test_the_admin_index_is_accessible(back_office):
    page = _visit(back_office, "coordinator", reverse("admin:index"))
    assert page.get_by_role("heading", name="Gestion des tables et des plans d'action").count()
    _assert_accessible(page)


@pytest.mark.parametrize(("label", "view"), _standard_pages())
def test_each_model_page_a_coordinator_opens_is_accessible(back_office, label, view):
    if path := _address(back_office, "coordinator", label, view):
        _assert_accessible(_visit(back_office, "coordinator", path))


@pytest.mark.parametrize("name", _tool_names())
def test_each_admin_tool_page_is_accessible(back_office, name):
    tool_args = _tool_args(back_office.world)
    assert name in tool_args, f"{name}: say in _tool_args() how to open it"
    page = _visit(back_office, "coordinator", reverse(f"admin:{name}", args=tool_args[name]))
    _assert_accessible(page)


@pytest.mark.parametrize(
    ("label", "view"),
    [param for param in _standard_pages() if param.values[1] == "change"],
)
def test_each_read_only_page_of_the_ministry_is_accessible(back_office, label, view):
    if path := _address(back_office, "ministry", label, view):
        _assert_accessible(_visit(back_office, "ministry", path))


@pytest.mark.parametrize("view", ["history", "simple_history", "delete"])
def test_a_measure_s_history_version_and_deletion_pages_are_accessible(back_office, view):
    world = back_office.world
    args = [world.measure.pk] + ([world.measure_version] if view == "simple_history" else [])
    page = _visit(
        back_office, "coordinator", reverse(f"admin:actionplans_measure_{view}", args=args)
    )
    _assert_accessible(page)


def test_the_plan_outline_with_a_measure_form_open_is_accessible(back_office):
    world = back_office.world
    outline = reverse("admin:actionplans_plan_outline", args=[world.plan.pk])
    page = _visit(back_office, "coordinator", f"{outline}?modifier=mesure-{world.measure.pk}")
    assert page.get_by_role("button", name="Enregistrer").count() == 1
    _assert_accessible(page)


def test_the_public_preview_of_a_draft_plan_is_accessible(back_office):
    page = _visit(back_office, "coordinator", back_office.world.draft.get_absolute_url())
    assert "Brouillon" in page.locator("body").inner_text()
    _assert_accessible(page)


def test_the_plan_import_preview_is_accessible(back_office):
    page = _visit(
        back_office,
        "coordinator",
        reverse("admin:actionplans_plan_import", args=[back_office.world.table.pk]),
    )
    page.get_by_label("Titre du plan").fill("Plan Beauce 2025")
    page.locator("input[type=file]").first.set_input_files(str(BEAUCE_DOCUMENT))
    with page.expect_navigation():
        page.locator("#content form [type=submit]").first.click()
    assert page.get_by_role("button", name="Confirmer et créer le plan").count(), _errors(page)
    _assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(lambda world: reverse("admin:index"), id="index"),
        pytest.param(lambda world: reverse("admin:actionplans_measure_changelist"), id="list"),
        pytest.param(
            lambda world: reverse("admin:actionplans_measure_change", args=[world.measure.pk]),
            id="measure",
        ),
        pytest.param(
            lambda world: reverse("admin:partners_table_change", args=[world.table.pk]),
            id="table",
        ),
        pytest.param(
            lambda world: reverse("admin:meetings_meeting_change", args=[world.meeting.pk]),
            id="meeting",
        ),
    ],
)
def test_on_a_phone_nothing_scrolls_the_page_sideways(back_office, path):
    page = _visit(back_office, "coordinator", path(back_office.world), screen="phone")
    _assert_no_sideways_scroll(page)
    _assert_accessible(page)


@pytest.mark.parametrize(
    "label",
    [
        "actionplans.measure",
        "actionplans.plan",
        "partners.table",
        "meetings.meeting",
        "meetings.datepoll",
        "events.event",
        "kits.kit",
        "activities.activity",
    ],
)
def test_inline_tables_fit_1280_px_without_scrolling(back_office, label):
    page = _visit(back_office, "coordinator", _address(back_office, "coordinator", label, "change"))
    _assert_no_sideways_scroll(page)
    too_wide = page.evaluate(
        "() => [...document.querySelectorAll('.inline-group .tabular')]"
        ".filter(box => box.scrollWidth > box.clientWidth + 1)"
        ".map(box => `${box.closest('.inline-group').id}: ${box.scrollWidth} > ${box.clientWidth}`)"
    )
    assert too_wide == []


FOCUS_RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const rgb = (color) => (color.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  let around = element.parentElement;
  while (around && (rgb(getComputedStyle(around).backgroundColor)[3] === 0)) {
    around = around.parentElement;
  }
  const background = around ? rgb(getComputedStyle(around).backgroundColor) : [255, 255, 255];
  return {
    what: `${element.tagName.toLowerCase()}#${element.id}.${element.className} ${(element.textContent || element.value || '').trim().slice(0, 30)}`,
    width: parseFloat(style.outlineWidth),
    style: style.outlineStyle,
    contrast: ratio(rgb(style.outlineColor), background.slice(0, 3)),
  };
}"""


@pytest.mark.parametrize("label", ["actionplans.measure", "partners.table"])
def test_focus_is_visible_on_every_element_reached_by_keyboard(back_office, label):
    """Tab through the page (header, sidebar, form, inlines, buttons): each element shows a
    ring of at least 2 px whose colour stands 3:1 against what surrounds it."""
    page = _visit(back_office, "coordinator", _address(back_office, "coordinator", label, "change"))
    faint, seen = [], set()
    for _ in range(120):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["what"] in seen or ring["what"].startswith("body#"):  # past the last one
            continue
        seen.add(ring["what"])
        if ring["style"] == "none" or ring["width"] < 2 or ring["contrast"] < 3:
            faint.append(ring)
    assert len(seen) > 40
    assert faint == []
