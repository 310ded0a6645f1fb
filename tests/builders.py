"""Bigger data sets for query-budget tests and benchmarks."""

from actionplans.models import Target
from tests.factories import (
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
)


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
