"""Every change leaves a readable trace: each model of the admin has a history page that shows
who changed what, field by field, under the field's translated name and with human values."""

import html
import re
from datetime import datetime

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from actionplans.models import ActualExpense, Measure, PlanExpense, Target
from activities.services import activity_approve
from common.admin import ReadableHistoryMixin
from events.models import EventSeries
from kits.models import CopyBlock, Kit, KitAdoption
from mailing.models import Message as MailingMessage
from mailing.models import Subscriber
from meetings.models import DatePoll, Meeting, PollSlot
from partners.models import Invitation
from partners.services import invitation_decline
from tests.factories import (
    MONTREAL,
    ActivityFactory,
    BudgetLineFactory,
    CommitteeFactory,
    EventFactory,
    IndicatorFactory,
    MembershipFactory,
    MrcFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    RegionFactory,
    TableFactory,
    TargetFactory,
    UserFactory,
    coordinator_of,
    measure_in,
)

pytestmark = pytest.mark.django_db

# Models of the admin without a history of their own, and why. Anything else registered in the
# admin must keep one (the test below fails for a new model until it has, or is listed here).
WITHOUT_HISTORY = {
    # Their rows hold TOTP secrets and recovery seeds: a history would copy them.
    "mfa.Authenticator": "secrets",
    # Its domain is rewritten from SITE_URL at every migration (portal.site_domain).
    "sites.Site": "derived from the settings",
    # The worker's bookkeeping: nobody changes a task result.
    "django_tasks_database.DBTaskResult": "internal",
}


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="admin@example.org",
        first_name="Alice",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def su_client(client, superuser):
    client.force_login(superuser)
    return client


def admin_url(obj, page, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk, *args])


def _put(data, key, field, value):
    if isinstance(field, forms.FileField) or field.disabled:
        return
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        for index, part in enumerate(widget.decompress(value)):
            data[f"{key}_{index}"] = "" if part is None else str(part)
    elif isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
    elif isinstance(value, list | tuple):
        data[key] = [str(item) for item in value]
    else:
        data[key] = "" if value is None else str(value)


def form_data(response):
    """What the change page's form would send back untouched, inlines included."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, form[name].value())
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.forms:
            for name, field in inline_form.fields.items():
                _put(data, inline_form.add_prefix(name), field, inline_form[name].value())
    return data


def change_in_admin(client, obj, **changes):
    """Open ``obj``'s change page, change the fields ``changes`` names, save."""
    url = admin_url(obj, "change")
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response)
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = value
    response = client.post(url, data)
    errors = response.context and [
        form.errors for form in [response.context.get("adminform").form] if form.errors
    ]
    assert response.status_code == 302, errors or response.context.get("errors")


def label(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


def history_text(client, obj):
    """The history table of ``obj``'s history page, as text."""
    response = client.get(admin_url(obj, "history"))
    assert response.status_code == 200
    content = response.content.decode()
    region = content[content.index('id="change-history"') :]
    text = html.unescape(re.sub(r"<[^>]+>", " ", region))
    return " ".join(text.split()), content


# --- one change per model of the admin ------------------------------------------------------
# Each returns (the object, [what its history page must say]); the change is made through the
# admin's change page, or through the service when the admin does not change that model.

CHANGES = {}


def changes(label_):
    def register(function):
        CHANGES[label_] = function
        return function

    return register


@changes("auth.User")
def _user(client, superuser):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = UserFactory(first_name="Anne")
    group = Group.objects.create(name="Rédaction")
    change_in_admin(client, user, first_name="Annie", is_staff="on", groups=[str(group.pk)])
    return user, [
        f"{label(User, 'first_name')} : Anne → Annie",
        f"{label(User, 'is_staff')} : Non → Oui",
        f"{label(User, 'groups')} : ajout de Rédaction",
    ]


@changes("auth.Group")
def _group(client, superuser):
    group = Group.objects.create(name="Rédaction")
    permission = Permission.objects.get(codename="view_plan")
    change_in_admin(client, group, name="Relecture", permissions=[str(permission.pk)])
    return group, [
        f"{label(Group, 'name')} : Rédaction → Relecture",
        f"{label(Group, 'permissions')} : ajout de {permission}",
    ]


@changes("account.EmailAddress")
def _email_address(client, superuser):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.create(
        user=UserFactory(), email="nouvelle@example.org", verified=False, primary=True
    )
    change_in_admin(client, address, verified="on")
    return address, [f"{label(EmailAddress, 'verified')} : Non → Oui"]


@changes("municipalities.Region")
def _region(client, superuser):
    region = RegionFactory(code="04", name="Mauricie")
    change_in_admin(client, region, name="Mauricie et Centre")
    return region, [f"{label(type(region), 'name')} : Mauricie → Mauricie et Centre"]


@changes("municipalities.Mrc")
def _mrc(client, superuser):
    mrc = MrcFactory(name="Bécancour")
    change_in_admin(client, mrc, website="https://mrcbecancour.example.org")
    return mrc, [f"{label(type(mrc), 'website')} : — → https://mrcbecancour.example.org"]


@changes("municipalities.Municipality")
def _municipality(client, superuser):
    town = MunicipalityFactory(name="Fortierville")
    person = PersonFactory(first_name="Chloé", last_name="Contact", organisation__acronym="MF")
    change_in_admin(client, town, contact=str(person.pk))
    return town, [f"{label(type(town), 'contact')} : — → Chloé Contact — MF"]


@changes("partners.Organisation")
def _organisation(client, superuser):
    organisation = OrganisationFactory(name="Accueil Beauce")
    mrc = MrcFactory(name="Beauce-Centre")
    change_in_admin(
        client, organisation, kind="reception", is_listed=False, territory=[str(mrc.pk)]
    )
    model = type(organisation)
    return organisation, [
        f"{label(model, 'kind')} : Organisme communautaire → Organisme d'accueil et d'intégration",
        f"{label(model, 'is_listed')} : Oui → Non",
        f"{label(model, 'territory')} : ajout de Beauce-Centre",
    ]


@changes("partners.Person")
def _person(client, superuser):
    person = PersonFactory(first_name="Paul", title="Agent", organisation__acronym="CJE")
    account = UserFactory(username="paul@example.org")
    change_in_admin(client, person, title="Conseiller", user=str(account.pk))
    model = type(person)
    return person, [
        f"{label(model, 'title')} : Agent → Conseiller",
        f"{label(model, 'user')} : — → paul@example.org",
    ]


@changes("partners.Table")
def _table(client, superuser):
    table = TableFactory(name="Table Beauce", mrcs=[MrcFactory(name="Robert-Cliche")])
    added = MrcFactory(name="Beauce-Sartigan")
    coordinator = UserFactory(username="coordination@example.org", is_staff=True)
    change_in_admin(
        client,
        table,
        mrcs=[str(mrc.pk) for mrc in [*table.mrcs.all(), added]],
        coordinators=[str(coordinator.pk)],
    )
    model = type(table)
    return table, [
        f"{label(model, 'mrcs')} : ajout de Beauce-Sartigan",
        f"{label(model, 'coordinators')} : ajout de coordination@example.org",
    ]


@changes("partners.Committee")
def _committee(client, superuser):
    committee = CommitteeFactory(name="Comité des élus")
    change_in_admin(client, committee, kind="elected")
    return committee, [
        f"{label(type(committee), 'kind')} : Comité de coordination → Comité des élus"
    ]


@changes("partners.Membership")
def _membership(client, superuser):
    membership = MembershipFactory(role="")
    change_in_admin(client, membership, role="Présidence")
    return membership, [f"{label(type(membership), 'role')} : — → Présidence"]


@changes("meetings.Meeting")
def _meeting(client, superuser):
    meeting = Meeting.objects.create(
        table=TableFactory(), starts_at=datetime(2025, 2, 6, 9, 30, tzinfo=MONTREAL)
    )
    change_in_admin(client, meeting, mode="virtual")
    return meeting, [f"{label(Meeting, 'mode')} : En présentiel → Virtuel"]


@changes("mailing.Subscriber")
def _subscriber(client, superuser):
    subscriber = Subscriber.objects.create(
        table=TableFactory(),
        email="abonne@example.org",
        name="Ancien nom",
        source=Subscriber.Source.COORDINATION,
        status=Subscriber.Status.SUBSCRIBED,
        consented_at=timezone.now(),
        consent_evidence="Demandé en personne.",
    )
    change_in_admin(client, subscriber, name="Nouveau nom")
    return subscriber, [f"{label(Subscriber, 'name')} : Ancien nom → Nouveau nom"]


@changes("mailing.Message")
def _mailing_message(client, superuser):
    message = MailingMessage.objects.create(table=TableFactory(), subject="Avant", body="Texte")
    change_in_admin(client, message, subject="Après")
    return message, [f"{label(MailingMessage, 'subject')} : Avant → Après"]


@changes("meetings.DatePoll")
def _datepoll(client, superuser):
    poll = DatePoll.objects.create(table=TableFactory(), title="Rencontre", closes_on="2031-02-20")
    PollSlot.objects.create(
        poll=poll,
        starts_at=datetime(2031, 3, 6, 10, tzinfo=MONTREAL),
        ends_at=datetime(2031, 3, 6, 12, tzinfo=MONTREAL),
    )
    change_in_admin(client, poll, closes_on="2031-02-27")
    return poll, [f"{label(DatePoll, 'closes_on')} : 20 février 2031 → 27 février 2031"]


@changes("partners.Invitation")
def _invitation(client, superuser):
    """Invitations are answered on the portal's pages (the admin only reads them)."""
    user = UserFactory(username="invitee@example.org")
    invitation = Invitation.objects.create(
        email=user.email,
        organisation=OrganisationFactory(),
        role="partner",
        user=user,
        needs_answer=True,
    )
    invitation_decline(invitation, user=user)
    invitation.refresh_from_db()
    return invitation, [f"{label(Invitation, 'declined_at')} : — → "]


@changes("actionplans.Plan")
def _plan(client, superuser):
    plan = PlanFactory(status="draft")
    change_in_admin(
        client,
        plan,
        status="published",
        **{
            "expenses-TOTAL_FORMS": "1",
            "expenses-0-kind": "management",
            "expenses-0-label": "Frais de gestion",
            "expenses-0-amount": "13000",
            "expenses-0-source": "pac",
            "expenses-0-plan": str(plan.pk),
        },
    )
    return plan, [
        f"{label(type(plan), 'status')} : Brouillon → Publié",
        f"{capfirst(PlanExpense._meta.verbose_name)} « Frais de gestion »",
        f"{label(PlanExpense, 'amount')} : 13 000 $",
    ]


@changes("actionplans.ActualExpense")
def _actual_expense(client, superuser):
    line = BudgetLineFactory(measure=measure_in(PlanFactory(), "1.1.1"))
    expense = ActualExpense.objects.create(
        plan=line.measure.objective.axis.plan,
        budget_line=line,
        date=datetime(2023, 5, 10).date(),
        amount=10,
        description="Graphiste",
    )
    change_in_admin(client, expense, amount="1250.50")
    return expense, [f"{label(ActualExpense, 'amount')} : 10 $ → 1 250,50 $"]


@changes("actionplans.Axis")
def _axis(client, superuser):
    axis = measure_in(PlanFactory(), "1.1.1").objective.axis
    change_in_admin(client, axis, title="Accueil et intégration")
    return axis, [f"{label(type(axis), 'title')} : {axis.title} → Accueil et intégration"]


@changes("actionplans.Objective")
def _objective(client, superuser):
    objective = measure_in(PlanFactory(), "1.1.1").objective
    change_in_admin(client, objective, title="Mieux accueillir")
    return objective, [f"{label(type(objective), 'title')} : {objective.title} → Mieux accueillir"]


@changes("actionplans.Measure")
def _measure(client, superuser):
    """A measure's page edits its links, its indicators with their targets and its budget
    lines: every one of those changes is on the measure's history."""
    plan = PlanFactory()
    measure = measure_in(plan, "1.1.1")
    line = BudgetLineFactory(measure=measure, staff_amount=11340)
    indicator = IndicatorFactory(measure=measure)
    year = plan.years.get(number=1)
    TargetFactory(indicator=indicator, year=year, text="19 activités")
    lead = OrganisationFactory(name="Carrefour jeunesse-emploi", acronym="CJE")
    change_in_admin(
        client,
        measure,
        outside_pac="on",
        leads=[str(lead.pk)],
        years=[str(year.pk)],
        **{
            "budget_lines-0-staff_amount": "12000",
            "indicators-0-target_year_1": "20 activités",
        },
    )
    return measure, [
        f"{label(Measure, 'outside_pac')} : Non → Oui",
        f"{label(Measure, 'leads')} : ajout de Carrefour jeunesse-emploi (CJE)",
        f"{label(Measure, 'years')} : ajout de {year}",
        f"{capfirst(line._meta.verbose_name)} « PAC-OBNL »",
        f"{label(type(line), 'staff_amount')} : 11 340 $ → 12 000 $",
        f"{capfirst(indicator._meta.verbose_name)} « {indicator.label} »",
        f"{year} : 19 activités → 20 activités",
    ]


@changes("actionplans.Target")
def _target(client, superuser):
    target = TargetFactory(text="19 activités", value=19)
    change_in_admin(client, target, text="À déterminer", value="")
    return target, [
        f"{label(Target, 'text')} : 19 activités → À déterminer",
        f"{label(Target, 'value')} : 19 → —",
    ]


@changes("actionplans.Indicator")
def _indicator(client, superuser):
    indicator = IndicatorFactory()
    change_in_admin(client, indicator, is_cumulative=False)
    return indicator, [f"{label(type(indicator), 'is_cumulative')} : Oui → Non"]


@changes("events.EventSeries")
def _series(client, superuser):
    series = EventSeries.objects.create(table=TableFactory(), title="Jeudis", slug="jeudis")
    change_in_admin(client, series, title="Jeudis Immigration")
    return series, [f"{label(EventSeries, 'title')} : Jeudis → Jeudis Immigration"]


@changes("events.Event")
def _event(client, superuser):
    event = EventFactory()
    organiser = OrganisationFactory(name="Maison de la famille")
    change_in_admin(client, event, is_public=False, organisers=[str(organiser.pk)])
    model = type(event)
    return event, [
        f"{label(model, 'is_public')} : Oui → Non",
        f"{label(model, 'organisers')} : ajout de Maison de la famille",
    ]


@changes("kits.Kit")
def _kit(client, superuser):
    kit = Kit.objects.create(table=TableFactory(), number=1, title="Accueil", slug="accueil")
    block = CopyBlock.objects.create(kit=kit, kind="website", body="Bienvenue !")
    change_in_admin(client, kit, is_published="on", **{"blocks-0-body": "Bienvenue à tous !"})
    return kit, [
        f"{label(Kit, 'is_published')} : Non → Oui",
        f"{capfirst(CopyBlock._meta.verbose_name)} « {block} »",
        f"{label(CopyBlock, 'body')} : Bienvenue ! → Bienvenue à tous !",
    ]


@changes("kits.KitAdoption")
def _adoption(client, superuser):
    kit = Kit.objects.create(table=TableFactory(), number=1, title="Accueil", slug="accueil")
    adoption = KitAdoption.objects.create(
        kit=kit, municipality=MunicipalityFactory(), status="in_progress"
    )
    change_in_admin(client, adoption, status="done", done_on="2025-02-06")
    return adoption, [
        f"{label(KitAdoption, 'status')} : En cours → Fait",
        f"{label(KitAdoption, 'done_on')} : — → 6 février 2025",
    ]


@changes("activities.Activity")
def _activity(client, superuser):
    """Activities change through their review on the portal's pages, never in the admin."""
    activity = ActivityFactory(status="submitted", title="Fête interculturelle")
    activity_approve(activity=activity, reviewer=superuser)
    model = type(activity)
    return activity, [
        f"{label(model, 'status')} : Soumise, à réviser → Approuvée",
        f"{label(model, 'reviewed_by')} : — → Alice Admin",
        "Approuvée",
    ]


def _admin_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", _admin_models(), ids=lambda model: model._meta.label)
def test_every_model_of_the_admin_shows_its_changes(su_client, superuser, model):
    label_ = model._meta.label
    if label_ in WITHOUT_HISTORY:
        assert not hasattr(model, "history"), f"{label_} has a history now: take it off the list"
        return
    assert hasattr(model, "history"), f"{label_} keeps no history"
    assert isinstance(admin.site._registry[model], ReadableHistoryMixin)
    assert label_ in CHANGES, f"no change described for {label_}: add one above"

    obj, expected = CHANGES[label_](su_client, superuser)
    text, content = history_text(su_client, obj)

    for line in expected:
        assert line in text, f"{line!r} not in the history of {label_}:\n{text}"
    for word in ("None", "False", "True", "CHANGES", "Changes"):
        assert not re.search(rf"\b{word}\b", text), (word, text)
    assert re.search(r"\d{1,2}(er)? \w+ \d{4} à \d{1,2} h", text), text  # 6 février 2025 à 9 h


# --- how the history reads -----------------------------------------------------------------


def test_the_history_reads_in_english_under_en(su_client, superuser):
    indicator = IndicatorFactory()
    change_in_admin(su_client, indicator, is_cumulative=False)
    url = admin_url(indicator, "history").replace("/fr/", "/en/", 1)
    response = su_client.get(url)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    with translation.override("en"):
        field = label(type(indicator), "is_cumulative")
    with translation.override("fr"):
        assert field != label(type(indicator), "is_cumulative")  # not the French name
    assert f"{field}: Yes → No" in text
    assert "Date and time" in text and "Change" in text
    assert not re.search(r"\b(Oui|Non|Modification|None|True|False)\b", text), text


def test_values_are_shown_as_text_never_as_markup(su_client):
    organisation = OrganisationFactory(name="Accueil")
    change_in_admin(su_client, organisation, description="<script>alert(1)</script>")
    response = su_client.get(admin_url(organisation, "history"))
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_deleted_budget_line_stays_on_the_measure_history(su_client):
    measure = measure_in(PlanFactory(), "1.1.1")
    BudgetLineFactory(measure=measure, funding_source="PAC-OBNL")
    change_in_admin(su_client, measure, **{"budget_lines-0-DELETE": "on"})
    assert not measure.budget_lines.exists()

    text, _content = history_text(su_client, measure)
    assert "Ligne budgétaire « PAC-OBNL » Suppression" in text


def test_one_save_of_the_page_is_one_entry_links_included(su_client):
    measure = measure_in(PlanFactory(), "1.1.1")
    first, second = OrganisationFactory(name="Premier"), OrganisationFactory(name="Second")
    measure.leads.set([first])
    before = measure.history.count()

    change_in_admin(su_client, measure, title="Nouveau titre", leads=[str(second.pk)])

    assert measure.history.count() == before + 1
    text, _content = history_text(su_client, measure)
    assert "Organisations responsables : ajout de Second ; retrait de Premier" in text
    assert "Moyen d'action : " in text and "→ Nouveau titre" in text


def test_a_link_changed_from_the_other_side_is_recorded_on_the_measure(su_client):
    measure = measure_in(PlanFactory(), "1.1.1")
    organisation = OrganisationFactory(name="Service d'accueil")
    organisation_records = organisation.history.count()

    organisation.led_measures.add(measure)
    organisation.led_measures.clear()

    assert organisation.history.count() == organisation_records
    text, _content = history_text(su_client, measure)
    assert "Organisations responsables : ajout de Service d'accueil" in text
    assert "Organisations responsables : retrait de Service d'accueil" in text


def test_accepting_an_invitation_is_in_the_histories(su_client):
    from allauth.account.models import EmailAddress

    from partners.services import invitation_accept, invitation_create

    invitation, _link = invitation_create(
        email="nouvelle@example.org", organisation=OrganisationFactory(), role="partner"
    )
    invitation_accept(user=invitation.user, password="un-mot-de-passe-solide-2025")

    text, _content = history_text(su_client, invitation)
    assert f"{label(Invitation, 'accepted_at')} : — → " in text
    address = EmailAddress.objects.get(user=invitation.user)
    text, _content = history_text(su_client, address)
    assert f"{label(EmailAddress, 'verified')} : Non → Oui" in text


def test_a_login_is_not_a_change_of_the_account(client):
    user = UserFactory()
    records = user.history.count()
    client.force_login(user)
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == records


def test_an_imported_plan_keeps_its_links_from_the_first_record(table_a):
    from django.core.management import call_command

    from tests.actionplans.test_import import BEAUCE

    call_command("import_plan", str(BEAUCE), "--table", table_a.slug, "--slug", "beauce")
    measure = Measure.objects.filter(objective__axis__plan__slug="beauce", years__isnull=False)[0]
    created = measure.history.get(history_type="+")
    assert {row.planyear_id for row in created.years.all()} == {
        year.pk for year in measure.years.all()
    }
    assert created.years.exists()


def test_history_starts_with_the_state_of_existing_rows(su_client):
    """The data migration's helper: a row without records gets one (its state, by nobody);
    a row with records and newly tracked links gets one with its links."""
    from django.apps import apps

    from common.history import BASELINE_REASON, start_history
    from partners.models import Table

    mrc = MrcFactory(name="Les Appalaches")
    carrier = OrganisationFactory()
    (silent,) = Table.objects.bulk_create([Table(name="Sans histoire", slug="s", carrier=carrier)])
    silent.mrcs.through.objects.create(table_id=silent.pk, mrc_id=mrc.pk)
    silent.history.all().delete()
    recorded = TableFactory(mrcs=[mrc])
    recorded.history.all().delete()
    recorded.save()

    start_history(apps, "partners.Table")

    first = silent.history.get()
    assert (first.history_type, first.history_change_reason) == ("+", BASELINE_REASON)
    assert first.history_user is None and [row.mrc_id for row in first.mrcs.all()] == [mrc.pk]
    latest = recorded.history.first()
    assert (latest.history_type, latest.history_change_reason) == ("~", BASELINE_REASON)
    assert [row.mrc_id for row in latest.mrcs.all()] == [mrc.pk]

    text, _content = history_text(su_client, silent)
    assert "Début de l'historique" in text and "Territoire (MRC) : Les Appalaches" in text


# --- reverting -------------------------------------------------------------------------------


def test_a_coordinator_reverting_a_person_keeps_its_account(client, su_client, table_a):
    """The account a person speaks for is the superusers' to set: a revert by a coordinator
    brings back the rest of the version, not the account it had."""
    organisation = table_a.carrier
    person = PersonFactory(organisation=organisation, title="Agente", user=None)
    change_in_admin(su_client, person, title="Conseillère")
    account = UserFactory(username="compte@example.org")
    change_in_admin(su_client, person, user=str(account.pk))
    version = person.history.get(title="Agente", history_type="+")

    coordinator = coordinator_of(table_a)
    client.force_login(coordinator)
    url = admin_url(person, "simple_history", version.pk)
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    person.refresh_from_db()
    assert person.title == "Agente"
    assert person.user == account


def test_an_account_is_never_reverted(su_client, superuser):
    user = UserFactory(first_name="Anne")
    change_in_admin(su_client, user, first_name="Annie", is_staff="on")
    version = user.history.get(history_type="+")
    url = admin_url(user, "simple_history", version.pk)

    response = su_client.get(url)
    assert response.status_code == 200
    assert "Version de : " in response.content.decode()
    assert su_client.post(url, form_data(response)).status_code == 403
    user.refresh_from_db()
    assert (user.first_name, user.is_staff) == ("Annie", True)


# --- what it costs ---------------------------------------------------------------------------


def test_the_history_page_costs_the_same_however_long_the_history(
    su_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure_with_changes(count):
        measure = measure_in(PlanFactory(), "1.1.1")
        line = BudgetLineFactory(measure=measure)
        target = TargetFactory(indicator=IndicatorFactory(measure=measure))
        for number in range(count):
            organisation = OrganisationFactory(name=f"Organisme {count}-{number}")
            measure.leads.add(organisation)
            measure.title = f"Titre {number}"
            measure.save()
            line.staff_amount = number
            line.save()
            target.text = f"{number} activités"
            target.save()
        return measure

    short, long = measure_with_changes(2), measure_with_changes(20)
    with CaptureQueriesContext(connection) as queries:
        history_text(su_client, short)
    with django_assert_max_num_queries(len(queries)):
        text, _content = history_text(su_client, long)
    assert "Titre 18 → Titre 19" in text and "ajout de Organisme 20-19" in text
