"""Bigger data sets for query-budget tests, benchmarks and backups."""

from datetime import datetime
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile

from actionplans.imports.documents import import_document, preview_document
from actionplans.models import Plan, PlanExpense, Target
from activities.models import Activity, Attachment
from activities.services import activity_approve
from events.models import EventSeries
from kits.models import CopyBlock, Kit, KitAdoption, KitAsset
from meetings.models import Meeting
from partners.models import Committee, Invitation, Membership
from tests.factories import (
    MONTREAL,
    ActivityFactory,
    AxisFactory,
    BudgetLineFactory,
    EventFactory,
    IndicatorFactory,
    MeasureFactory,
    MunicipalityFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    coordinator_of,
    ministry_user,
    partner_of,
)


def management(prefix, total, initial):
    """A formset's management form as a browser posts it: ``total`` rows, ``initial`` of
    them existing objects."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def plan_with_measures(*, table=None, measures=6, slug=None, **plan_kwargs):
    """A published plan with 2 axes, measures spread over 2 objectives each, with leads,
    partners, schedule, a budget line, an indicator and a target per year."""
    kwargs = {"table": table} if table else {}
    if slug:
        kwargs["slug"] = slug
    plan = PlanFactory(**kwargs, **plan_kwargs)
    years = list(plan.years.all())
    organisations = [OrganisationFactory(description="Accueil") for _ in range(3)]
    town = MunicipalityFactory(mrc=plan.table.mrcs.first())
    for organisation in organisations:
        organisation.territory.add(town.mrc)
    objectives = []
    for axis_number in (1, 2):
        axis = AxisFactory(plan=plan, number=axis_number)
        for objective_number in (1, 2):
            objectives.append(
                ObjectiveFactory(axis=axis, number=f"{axis_number}.{objective_number}")
            )
    for index in range(measures):
        objective = objectives[index % len(objectives)]
        measure = MeasureFactory(objective=objective, number=f"{objective.number}.{index + 1}")
        measure.leads.set(organisations[:1])
        measure.partners.set(organisations[1:])
        measure.years.set(years)
        BudgetLineFactory(measure=measure)
        indicator = IndicatorFactory(measure=measure)
        Target.objects.bulk_create(
            Target(indicator=indicator, year=year, value=19, text="19 activités") for year in years
        )
        EventFactory(table=plan.table, municipality=town).measures.add(measure)
        report = ActivityFactory(measure=measure, organisation=organisations[0])
        report.municipalities.add(town)
        report.values.create(indicator=indicator, value=3)
    return plan


def populated_site():
    """A bit of everything a site holds, files included: a table with its committee, members
    and a meeting; a plan (measures, indicators, targets, budget, expenses); activities reviewed
    (with their history) and an attachment; an event series; a kit with a text, an asset file
    and an adoption; accounts with verified e-mails, a group's permissions, a TOTP authenticator
    with recovery codes; an admin log entry and a session. Returns the plan."""
    plan = plan_with_measures(slug="plan-sauvegarde", measures=4)
    table, measure = plan.table, plan.axes.first().objectives.first().measures.first()
    PlanExpense.objects.create(plan=plan, kind="management", label="Frais de gestion", amount=13000)
    organisation = measure.leads.get()
    town = measure.events.first().municipality
    committee = Committee.objects.create(table=table, name="Comité de coordination")
    Membership.objects.create(table=table, committee=committee, organisation=organisation)
    Meeting.objects.create(
        table=table, committee=committee, starts_at=datetime(2024, 3, 5, 9, 30, tzinfo=MONTREAL)
    )
    coordinator = coordinator_of(table, username="coordination@example.org")
    partner = partner_of(organisation, username="partenaire@example.org")
    ministry = ministry_user(username="ministere@example.org")
    for user in (coordinator, partner, ministry):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    Authenticator.objects.create(
        user=coordinator,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "0123456789abcdef", "used_mask": 3},
    )
    editors = Group.objects.create(name="Rédaction")
    editors.permissions.set(Permission.objects.filter(codename__in=["view_plan", "change_plan"]))
    coordinator.groups.add(editors)
    coordinator.user_permissions.add(Permission.objects.get(codename="view_activity"))
    Invitation.objects.create(
        email="nouvelle@example.org",
        organisation=organisation,
        role="partner",
        table=table,
        user=UserFactory(username="nouvelle@example.org"),
    )
    reviewed = ActivityFactory(
        measure=measure,
        organisation=organisation,
        author=partner,
        title="Fête des voisins interculturelle",
        status=Activity.Status.SUBMITTED,
        participants=48,
    )
    reviewed.values.create(indicator=measure.indicators.get(), value=2)
    reviewed.municipalities.add(town)
    activity_approve(activity=reviewed, reviewer=UserFactory(is_superuser=True))
    Attachment.objects.create(
        activity=reviewed,
        file=ContentFile(b"%PDF-1.4 affiche de la fete", name="affiche.pdf"),
        original_name="Affiche de la fête.pdf",
        content_type="application/pdf",
        size=27,
    )
    EventSeries.objects.create(table=table, title="Jeudis Immigration", slug="jeudis")
    kit = Kit.objects.create(
        table=table, number=1, title="Semaine de l'accueil", slug="semaine", is_published=True
    )
    CopyBlock.objects.create(kit=kit, kind="website", body="Bienvenue à {municipalite} !")
    KitAsset.objects.create(
        kit=kit,
        kind="logo",
        title="Logo",
        file=ContentFile(bytes(range(256)) * 4, name="logo.png"),
        content_type="image/png",
        size=1024,
    )
    KitAdoption.objects.create(kit=kit, municipality=town, status="done", marked_by=coordinator)
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Plan),
        object_id=str(plan.pk),
        object_repr=str(plan),
        action_flag=CHANGE,
        change_message="Titre modifié",
    )
    session = SessionStore()
    session["who"] = coordinator.pk
    session.create()
    return plan


BEAUCE_DOCUMENT = Path(settings.BASE_DIR) / "fixtures" / "plans" / "beauce-2022-2025.txt"


def imported_beauce(table):
    """The Beauce plan (seed 001) imported for ``table`` as its coordinator would, published."""
    plan = import_document(
        table=table,
        preview=preview_document(data=BEAUCE_DOCUMENT.read_bytes()),
        title="Plan Beauce",
        slug="beauce",
    )
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    return plan
