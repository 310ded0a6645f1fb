"""Writes that change what a plan's public pages show bump the plan's content version
(:func:`actionplans.services.plan_content_changed`): saves and deletes of the plan's items,
made by the services or the admin, and the links of its measures to organisations and years.
Connected in ``ActionplansConfig.ready``; bulk writes call the service themselves."""

from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_save, pre_delete

from actionplans.models import (
    ActualExpense,
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    Plan,
    PlanExpense,
    PlanYear,
    Target,
)
from actionplans.services.versions import plan_content_changed, plans_of, plans_of_measures
from partners.models import Organisation, Table

PLAN_ITEMS = (Plan, PlanYear, Axis, Objective, Measure, Indicator, Target, BudgetLine, PlanExpense)


def _saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not (created and sender is Plan):  # a new plan has nothing cached
        plan_content_changed(plans=plans_of(sender, [instance.pk]))


def _actual_expense_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        plan_content_changed(plans=Plan.objects.filter(pk=instance.plan_id))


def _bumped_once(marker):
    """Whether ``marker`` (the object or queryset a delete started from) bumped already."""
    if getattr(marker, "_plan_content_changed", False):
        return True
    marker._plan_content_changed = True
    return False


def _deleted(sender, instance, origin=None, **kwargs):
    """A delete bumps once, for what it started from (not once per row of its cascade); nothing
    when a whole plan or table goes. Run before the rows go, while they still lead to their
    plan."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if model in (Plan, Table):
        return
    if model in (*PLAN_ITEMS, ActualExpense) and origin is not None:
        if _bumped_once(origin):
            return
        pks = origin.values("pk") if isinstance(origin, QuerySet) else [origin.pk]
    else:
        model, pks = sender, [instance.pk]
    if model is ActualExpense:
        plans = Plan.objects.filter(actual_expenses__in=pks)
    else:
        plans = plans_of(model, pks)
    plan_content_changed(plans=plans)


def _measure_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        plan_content_changed(plans=plans_of(Measure, [instance.pk]))
    elif action == "pre_clear":
        # An organisation (or a year) taken off every measure it was on.
        field = {
            Measure.leads.through: "leads",
            Measure.partners.through: "partners",
            Measure.years.through: "years",
        }[sender]
        plan_content_changed(plans=plans_of_measures(Measure.objects.filter(**{field: instance})))
    elif pk_set:
        plan_content_changed(plans=plans_of_measures(pk_set))


def _organisation_saved(sender, instance, raw=False, **kwargs):
    """An organisation's name shows on the measures it leads or takes part in."""
    if raw or kwargs.get("created"):
        return
    measures = Measure.objects.filter(Q(leads=instance) | Q(partners=instance))
    plan_content_changed(plans=plans_of_measures(measures.values("pk")))


def _table_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        plan_content_changed(plans=Plan.objects.filter(table=instance))


def connect():
    for model in PLAN_ITEMS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"plan-content-{model.__name__}")
        pre_delete.connect(_deleted, sender=model, dispatch_uid=f"plan-content-{model.__name__}")
    post_save.connect(_actual_expense_saved, sender=ActualExpense, dispatch_uid="plan-content")
    pre_delete.connect(_deleted, sender=ActualExpense, dispatch_uid="plan-content")
    for through in (Measure.leads.through, Measure.partners.through, Measure.years.through):
        m2m_changed.connect(_measure_links_changed, sender=through, dispatch_uid="plan-content")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="plan-content")
    post_save.connect(_table_saved, sender=Table, dispatch_uid="plan-content")
