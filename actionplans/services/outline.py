"""« Plan complet »: a plan built item by item. Each write is checked by the models'
clean() (numbers, years of the plan, a budget line's year and source under a locked period)
and recorded in the history with its author, as an admin save is."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from actionplans.models import (
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    Plan,
)
from actionplans.selectors import plan_renumbering
from actionplans.services.locks import plan_rows_lock
from actionplans.services.targets import indicator_targets_set
from actionplans.services.versions import plan_content_batch
from common import audit

RENUMBER_REASON = gettext_noop("Plan renuméroté")  # read translated
MOVE_REASON = gettext_noop("Ordre changé")


class OutlineError(ValueError):
    """A change of the outline that cannot be made; the message is for the coordinator."""


def _checked_save(instance, *, user, reason=None, exclude=None):
    instance.full_clean(exclude=exclude)
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


@transaction.atomic
def axis_add(*, plan: Plan, number: int, title: str, user) -> Axis:
    return _checked_save(Axis(plan=plan, number=number, title=title), user=user)


@transaction.atomic
def axis_change(*, axis: Axis, number: int, title: str, user) -> Axis:
    axis.number, axis.title = number, title
    return _checked_save(axis, user=user)


@transaction.atomic
def objective_add(*, axis: Axis, number: str, title: str, user) -> Objective:
    position = max((o.position for o in axis.objectives.all()), default=0) + 1
    objective = Objective(axis=axis, number=number, title=title, position=position)
    return _checked_save(objective, user=user)


@transaction.atomic
def objective_change(*, objective: Objective, number: str, title: str, user) -> Objective:
    objective.number, objective.title = number, title
    return _checked_save(objective, user=user)


@transaction.atomic
def measure_add(*, measure: Measure, leads=(), partners=(), years=(), user) -> Measure:
    """Save a new measure (its fields set by the form) at the end of its objective."""
    siblings = measure.objective.measures.all()
    measure.position = max((m.position for m in siblings), default=0) + 1
    return measure_change(measure=measure, leads=leads, partners=partners, years=years, user=user)


@transaction.atomic
def measure_change(*, measure: Measure, leads=(), partners=(), years=(), user) -> Measure:
    """Save ``measure`` and its links (leads, partners, plan years): one history entry."""
    _checked_save(measure, user=user)
    measure.leads.set(leads)
    measure.partners.set(partners)
    measure.years.set(years)
    return measure


@transaction.atomic
def indicator_save(*, indicator: Indicator, texts_by_year: dict, user) -> list:
    """Save ``indicator`` and its targets (``{PlanYear or None: text}``, as
    :func:`indicator_targets_set`); returns the targets' warnings."""
    if indicator.pk is None and not indicator.position:
        indicator.position = indicator.measure.indicators.count()
    _checked_save(indicator, user=user)
    return indicator_targets_set(indicator=indicator, texts_by_year=texts_by_year, user=user)


@transaction.atomic
def indicator_delete(*, indicator: Indicator, user) -> None:
    if indicator.values.exists():
        raise OutlineError(
            _(
                "L'indicateur « %(indicator)s » a des valeurs déclarées dans des activités : "
                "il ne peut pas être supprimé."
            )
            % {"indicator": indicator.label}
        )
    indicator._history_user = user
    indicator.delete()


@transaction.atomic
def budget_line_save(*, line: BudgetLine, user) -> BudgetLine:
    """Save a measure's budget line; its ``clean()`` refuses a year or a source that a locked
    period's expenses hold, as the measure's admin page does."""
    return _checked_save(line, user=user)


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, user) -> None:
    if line.actual_expenses.exists():
        raise OutlineError(
            _(
                "La ligne « %(line)s » a des dépenses réelles : rattachez-les à une autre ligne "
                "avant de la supprimer."
            )
            % {"line": line}
        )
    line._history_user = user
    line.delete()


def _swap(items, item, direction):
    """``items`` reordered with ``item`` one place up (``direction`` "up") or down; the same
    list when it is already first or last."""
    items = list(items)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return items
    items[index], items[other] = items[other], items[index]
    return items


def _positions_set(items, *, user):
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item._history_user = user
            item._change_reason = MOVE_REASON
            item.save(update_fields=["position"])


@transaction.atomic
def axis_move(*, axis: Axis, direction: str, user) -> None:
    """Swap ``axis`` with the one before or after it: axes are ordered by their number, so
    they exchange numbers (« Renuméroter » then renumbers what they hold)."""
    plan_rows_lock([axis.plan_id])
    axes = list(Axis.objects.filter(plan_id=axis.plan_id).order_by("number"))
    moved = _swap(axes, axis, direction)
    _numbers_set(Axis, moved, [axis.number for axis in axes], user=user, reason=MOVE_REASON)


@transaction.atomic
def objective_move(*, objective: Objective, direction: str, user) -> None:
    plan_rows_lock(Axis.objects.filter(pk=objective.axis_id).values("plan_id"))
    _positions_set(_swap(objective.axis.objectives.all(), objective, direction), user=user)


@transaction.atomic
def measure_move(*, measure: Measure, direction: str, user) -> None:
    """Move ``measure`` up or down among its objective's current measures."""
    plan_rows_lock(Axis.objects.filter(objectives=measure.objective_id).values("plan_id"))
    siblings = Measure.objects.filter(objective_id=measure.objective_id).current()
    _positions_set(_swap(siblings.order_by("position", "id"), measure, direction), user=user)


def _numbers_set(model, items, numbers, *, user, reason):
    """Give ``items`` the ``numbers`` (same order) in two steps, so that two items that swap
    numbers never hold the same one at once (unique per plan, axis or objective); only the
    items whose number changes are written, and recorded in the history."""
    changed = [
        (item, number) for item, number in zip(items, numbers, strict=True) if item.number != number
    ]
    if not changed:
        return
    # A temporary number no item holds; the history records only the final one.
    for index, (item, _number) in enumerate(changed):
        temporary = 30000 + index if model is Axis else f"~{item.pk}"
        model.objects.filter(pk=item.pk).update(number=temporary)
    for item, number in changed:
        item.number = number
        item._history_user = user
        item._change_reason = reason
        item.save(update_fields=["number"])


@transaction.atomic
def plan_renumber(*, plan: Plan, user) -> int:
    """Number the plan from its current order: axes 1..n, objectives a.b, measures a.b.c
    (archived measures keep their number). Refused (``OutlineError``) when an archived
    measure holds a number the plan's current measures would take. Returns how many items
    changed number."""
    plan_rows_lock([plan.pk])
    numbered = plan_renumbering(plan)
    by_model = {model: ([], []) for model in (Axis, Objective, Measure)}
    for item, number in numbered:
        items, numbers = by_model[type(item)]
        items.append(item)
        numbers.append(number)
    measure_numbers = by_model[Measure][1]
    archived = set(Measure.objects.of_plan(plan).archived().values_list("number", flat=True))
    if taken := sorted(archived & set(measure_numbers)):
        raise OutlineError(
            _(
                "Un moyen d'action archivé porte le numéro %(numbers)s : renumérotez-le ou "
                "changez le numéro à la main avant de renuméroter le plan."
            )
            % {"numbers": ", ".join(taken)}
        )
    changed = sum(item.number != number for item, number in numbered)
    with plan_content_batch(plan):  # one bump of the plan's version, not one per item
        for model, (items, numbers) in by_model.items():
            _numbers_set(model, items, numbers, user=user, reason=RENUMBER_REASON)
    audit.record("plan.renumber", plan=plan.pk, table=plan.table_id, changed=changed)
    return changed
