from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from actionplans.models import Axis, BudgetLine, Indicator, Measure, Objective, Plan, Target
from actionplans.services import plan_years_sync
from events.models import Event
from municipalities.models import Mrc, Municipality, Region
from partners.models import Committee, Membership, Organisation, Person, Table
from partners.roles import ministry_group

MONTREAL = ZoneInfo("America/Montreal")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    password = factory.django.Password("secret-password")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "17"
    name = "Centre-du-Québec"


class MrcFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mrc

    name = factory.Sequence(lambda n: f"MRC numéro {n}")
    slug = factory.Sequence(lambda n: f"mrc-{n}")
    region = factory.SubFactory(RegionFactory)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Municipalité {n}")
    slug = factory.Sequence(lambda n: f"municipalite-{n}")
    mrc = factory.SubFactory(MrcFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisme {n}")
    slug = factory.Sequence(lambda n: f"organisme-{n}")
    kind = Organisation.Kind.COMMUNITY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title = "Intervenante"
    organisation = factory.SubFactory(OrganisationFactory)


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Table immigration {n}")
    slug = factory.Sequence(lambda n: f"table-{n}")
    carrier = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.MRC)

    @factory.post_generation
    def mrcs(self, create, extracted, **kwargs):
        if create:
            self.mrcs.set(extracted or [MrcFactory()])


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    table = factory.SubFactory(TableFactory)
    name = factory.Sequence(lambda n: f"Comité {n}")
    kind = Committee.Kind.COORDINATION


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    table = factory.SubFactory(TableFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    table = factory.SubFactory(TableFactory)
    title = factory.Sequence(lambda n: f"Plan d'action {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    start_date = date(2022, 4, 1)
    end_date = date(2025, 3, 31)
    status = Plan.Status.PUBLISHED

    @factory.post_generation
    def with_years(self, create, extracted, **kwargs):
        if create:
            plan_years_sync(plan=self)


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe d'intervention {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    axis = factory.SubFactory(AxisFactory)
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Objectif spécifique {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    objective = factory.SubFactory(ObjectiveFactory)
    number = factory.Sequence(lambda n: f"9.9.{n + 1}")
    title = factory.Sequence(lambda n: f"Moyen d'action {n}")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    measure = factory.SubFactory(MeasureFactory)
    staff_amount = 11340
    staff_hours = 90
    other_amount = 6000
    funding_source = "PAC-OBNL"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    measure = factory.SubFactory(MeasureFactory)
    label = "Nombre d'activités"
    unit = "activités"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    value = 19
    text = "19 activités"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    table = factory.SubFactory(TableFactory)
    title = factory.Sequence(lambda n: f"Jeudi Immigration {n}")
    slug = factory.Sequence(lambda n: f"evenement-{n}")
    start = factory.LazyFunction(lambda: datetime(2030, 2, 6, 10, 0, tzinfo=MONTREAL))
    end = factory.LazyAttribute(lambda event: event.start + timedelta(hours=1))


def coordinator_of(table, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    table.coordinators.add(user)
    return user


def ministry_user(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(ministry_group())
    return user


def measure_in(plan, number, **kwargs):
    """A measure placed in ``plan`` (creating an axis and objective there)."""
    axis = plan.axes.first() or AxisFactory(plan=plan, number=1)
    objective = axis.objectives.first() or ObjectiveFactory(axis=axis, number="1.1")
    return MeasureFactory(objective=objective, number=number, **kwargs)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.Activity"

    measure = factory.SubFactory(MeasureFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    author = factory.SubFactory(UserFactory)
    date = date(2023, 6, 15)
    title = factory.Sequence(lambda n: f"Activité {n}")
    participants = 20
    status = "approved"


def partner_of(organisation, **kwargs):
    """A non-staff account whose person belongs to ``organisation``."""
    user = UserFactory(**kwargs)
    PersonFactory(organisation=organisation, user=user)
    return user
