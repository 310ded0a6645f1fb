"""Writes on action plans. Views, admin and commands call these; they hold the rules."""

import re
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from actionplans.budget import line_years, spread
from actionplans.imports import revisions
from actionplans.imports.limits import field_limit_errors
from actionplans.imports.organisations import (
    OrganisationChoice,
    OrganisationChoiceError,
    OrganisationMatcher,
    fold,
    measure_links,
)
from actionplans.imports.parsing import PlanParseError, plan_period_error
from actionplans.imports.targets import fit_targets, value_in_box
from actionplans.models import (
    ActualExpense,
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    PeriodLock,
    Plan,
    PlanExpense,
    PlanYear,
    Target,
)
from actionplans.models.money import funding_source_of
from actionplans.rules import period_open_check
from common import audit
from common.formatting import format_date, in_sentence
from common.history import record_links
from common.slugs import unique_slug


def _add_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def plan_year_periods(start: date, end: date):
    """Consecutive twelve-month periods from ``start``, the last one ending on ``end``."""
    periods = []
    current = start
    while current <= end:
        period_end = min(_add_year(current) - timedelta(days=1), end)
        periods.append((current, period_end))
        current = period_end + timedelta(days=1)
    return periods


@transaction.atomic
def plan_years_sync(*, plan: Plan):
    """Make the plan's years match its dates: year 1 starts on the plan's first day.

    Years past the new end are deleted only when nothing refers to them.
    """
    periods = plan_year_periods(plan.start_date, plan.end_date)
    existing = {year.number: year for year in plan.years.all()}
    for number, (start, end) in enumerate(periods, start=1):
        year = existing.pop(number, None)
        if year is None:
            PlanYear.objects.create(plan=plan, number=number, start_date=start, end_date=end)
        elif (year.start_date, year.end_date) != (start, end):
            year.start_date, year.end_date = start, end
            year.save(update_fields=["start_date", "end_date"])
    for year in existing.values():
        if not (
            year.targets.exists()
            or year.measures.exists()
            or year.budget_lines.exists()
            or year.plan_expenses.exists()
        ):
            year.delete()


def _record_as(instance, reason, user):
    """The history entry of ``instance``'s next write: its reason, and its author when the
    caller names one (otherwise the request's, from simple_history's middleware)."""
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user


@transaction.atomic
def indicator_targets_set(*, indicator: Indicator, texts_by_year: dict, reason=None, user=None):
    """Write the targets of ``indicator``: ``{PlanYear or None: "text as written"}``; ``reason``
    is the change reason their history gives (a plan revision names itself).

    ``None`` as key is the target for the whole plan. An empty text removes that target.
    The numeric value is read from the text (``imports.targets.value_in_box``: « An 2 : 3
    capsules » in year 2 is 3). Returns the warnings of the texts that have no value although
    they hold numbers (« 3 à 5 rencontres »), for the page to show.
    """
    warnings = []
    current = {target.year_id: target for target in indicator.targets.all()}
    for year, text in texts_by_year.items():
        year_id = year.pk if year else None
        text = (text or "").strip()
        target = current.get(year_id)
        if not text:
            if target:
                _record_as(target, reason, user)
                target.delete()
            continue
        value, problems = value_in_box(text, year)
        warnings += problems
        if target is None:
            target = Target(indicator=indicator, year=year, text=text, value=value)
            _record_as(target, reason, user)
            target.save()
        elif (target.text, target.value) != (text, value):
            target.text, target.value = text, value
            _record_as(target, reason, user)
            target.save(update_fields=["text", "value"])
    return warnings


def _organisation_choices_check(*, table, choices, organisations):
    """Refuse, before anything is written, a choice that names an organisation of another
    table or would create one whose name another table's organisation holds."""
    from partners.models import Organisation

    own = {organisation.pk for organisation in organisations}
    problems = []
    for choice in choices:
        if choice.action == OrganisationChoice.MAP and choice.organisation_id not in own:
            problems.append(
                _("« %(name)s » : l'organisation choisie n'est pas une organisation de %(table)s.")
                % {"name": choice.text, "table": table}
            )
        elif choice.action == OrganisationChoice.CREATE:
            same_name = Organisation.objects.filter(name__iexact=choice.name.strip()).first()
            if same_name is not None and same_name.pk not in own:
                problems.append(
                    _(
                        "« %(name)s » : une organisation d'une autre table porte déjà ce nom ; "
                        "donnez un autre nom à la nouvelle organisation."
                    )
                    % {"name": choice.name}
                )
    if problems:
        raise OrganisationChoiceError(problems)


def _organisation_choices_apply(*, table, choices, organisations):
    """``{fold(name as written): organisation id}`` for the names mapped or created.

    A created organisation becomes a member of the table, kept out of the public directory
    until someone fills in and lists it; a name the table already holds (the same choice made
    on an earlier import) is linked, not created twice.
    """
    from partners.models import Membership, Organisation

    by_name = {fold(organisation.name): organisation.pk for organisation in organisations}
    chosen = {}
    for choice in choices:
        if choice.action == OrganisationChoice.MAP:
            chosen[choice.key] = choice.organisation_id
            continue
        name = " ".join(choice.name.split())
        if fold(name) not in by_name:
            organisation = Organisation.objects.create(
                name=name,
                slug=unique_slug(Organisation, name, fallback="organisation", max_length=190),
                acronym=choice.acronym.strip(),
                is_listed=False,
            )
            Membership.objects.create(table=table, organisation=organisation)
            audit.record("organisation.create", organisation=organisation.pk, table=table.pk)
            by_name[fold(name)] = organisation.pk
        chosen[choice.key] = by_name[fold(name)]
    return chosen


def _fit_to_plan_years(measure, periods):
    """Keep the schedule years the plan has (``periods``: its years' ``(start, end)``) and
    place the targets on them (``imports.targets.fit_targets``: rates on every year, fiscal
    years on the year holding their 1 April); the rest becomes a warning and, for targets,
    text of the whole-plan target."""
    years = range(1, len(periods) + 1)
    outside = [number for number in measure.years if number not in years]
    if outside:
        measure.warnings.append(
            _("Échéance hors du plan : an(s) %(years)s.") % {"years": ", ".join(map(str, outside))}
        )
        measure.years = [number for number in measure.years if number in years]
    for indicator in measure.indicators:
        indicator.targets, warnings = fit_targets(indicator.targets, periods)
        measure.warnings += warnings


def _import_warnings(measure):
    warnings = list(measure.warnings)
    if measure.outside_pac and measure.outside_pac_reason:
        warnings.append(_("Hors demande PAC : %(reason)s") % {"reason": measure.outside_pac_reason})
    if not warnings:
        return ""
    lines = "\n".join(f"- {warning}" for warning in warnings)
    return f"{_('Avertissements d’importation :')}\n{lines}"


class PlanSlugTaken(Exception):
    """Another plan holds the slug: most often the same import, confirmed twice at once."""


@transaction.atomic
def plan_import(
    *, table, parsed, title, slug, start_date=None, end_date=None, organisation_choices=()
):
    """Create a draft plan from a :class:`~actionplans.imports.parsing.ParsedPlan`, in one transaction.

    Bulk inserts keep the number of queries independent of the plan's size. Lead and partner
    organisations are the table's own, recognised in the responsibility text by acronym or name
    (the first one named is the lead), or as the coordinator chose for the names that match
    none (``organisation_choices``: :class:`OrganisationChoice`, mapped or created); the text
    itself is kept as written.

    Raises :class:`PlanParseError` (its messages are for the coordinator) when the dates cannot
    be a plan's or a value does not fit its field; nothing is written then.
    """
    from partners.models import Organisation

    start = start_date or parsed.start_date
    end = end_date or parsed.end_date
    if start is None:
        raise ValueError(_("La date de début du plan est introuvable : précisez-la."))
    if problem := plan_period_error(start, None):
        raise PlanParseError([problem])
    if end is None:
        end = _add_year(_add_year(_add_year(start))) - timedelta(days=1)
    if problem := plan_period_error(start, end):
        raise PlanParseError([problem])
    periods = plan_year_periods(start, end)
    for measure in parsed.measures:
        _fit_to_plan_years(measure, periods)
    if errors := field_limit_errors(parsed):  # targets moved to the whole plan may grow
        raise PlanParseError(errors)
    organisations = list(Organisation.objects.of_tables([table.pk]).only("pk", "name", "acronym"))
    _organisation_choices_check(
        table=table, choices=organisation_choices, organisations=organisations
    )
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                table=table,
                title=title,
                slug=slug,
                start_date=start,
                end_date=end,
                general_objective=parsed.general_objective,
                notes="\n".join(parsed.notes),
            )
    except IntegrityError as error:
        # The slug is unique: a second, simultaneous confirmation of the same import waits for
        # the first one's plan, then fails here, and creates nothing.
        if Plan.objects.filter(slug=slug).exists():
            raise PlanSlugTaken(slug) from error
        raise
    plan_years_sync(plan=plan)
    years = {year.number: year for year in plan.years.all()}
    chosen = _organisation_choices_apply(
        table=table, choices=organisation_choices, organisations=organisations
    )
    matcher = OrganisationMatcher(organisations)

    axes = bulk_create_with_history(
        [Axis(plan=plan, number=axis.number, title=axis.title) for axis in parsed.axes], Axis
    )
    objectives = bulk_create_with_history(
        [
            Objective(axis=axis, number=objective.number, title=objective.title, position=position)
            for axis, parsed_axis in zip(axes, parsed.axes, strict=True)
            for position, objective in enumerate(parsed_axis.objectives, start=1)
        ],
        Objective,
    )
    parsed_measures = [
        (objective, position, measure)
        for objective, parsed_objective in zip(objectives, parsed.objectives, strict=True)
        for position, measure in enumerate(parsed_objective.measures, start=1)
    ]
    measures = _measures_create(parsed_measures, years=years, matcher=matcher, chosen=chosen)
    bulk_create_with_history(
        [
            PlanExpense(plan=plan, kind=expense.kind, label=expense.label, amount=expense.amount)
            for expense in parsed.expenses
        ],
        PlanExpense,
    )
    audit.record("plan.import", plan=plan.pk, table=table.pk, measures=len(measures))
    return plan


def _measures_create(parsed_measures, *, years, matcher, chosen=None):
    """Create measures with their schedule, organisations, budget, indicators and targets from
    ``[(Objective, position, ParsedMeasure fitted to the plan's years)]``, in bulk; ``years``:
    ``{number: PlanYear}``. Returns the measures, in order."""
    measures = bulk_create_with_history(
        [
            Measure(
                objective=objective,
                number=measure.number,
                title=measure.title,
                position=position,
                responsibility=measure.responsibility,
                schedule_text=measure.schedule_text,
                is_continuous=measure.is_continuous,
                outside_pac=measure.outside_pac,
                notes=_import_warnings(measure),
            )
            for objective, position, measure in parsed_measures
        ],
        Measure,
    )
    pairs = list(zip(measures, (parsed for _, _, parsed in parsed_measures), strict=True))
    Measure.years.through.objects.bulk_create(
        Measure.years.through(measure_id=measure.pk, planyear_id=years[number].pk)
        for measure, parsed_measure in pairs
        for number in parsed_measure.years
    )
    leads, partners = [], []
    for measure, parsed_measure in pairs:
        lead_ids, partner_ids = measure_links(parsed_measure.responsibility, matcher, chosen or {})
        leads += [
            Measure.leads.through(measure_id=measure.pk, organisation_id=pk) for pk in lead_ids
        ]
        partners += [
            Measure.partners.through(measure_id=measure.pk, organisation_id=pk)
            for pk in partner_ids
        ]
    Measure.leads.through.objects.bulk_create(leads)
    Measure.partners.through.objects.bulk_create(partners)
    record_links(Measure, [measure.pk for measure in measures])
    bulk_create_with_history(
        [
            BudgetLine(
                measure=measure,
                staff_amount=line.staff_amount,
                staff_hours=line.staff_hours,
                other_amount=line.other_amount,
                description=line.description,
                funding_source=line.funding_source,
                source=funding_source_of(line.funding_source),
            )
            for measure, parsed_measure in pairs
            for line in parsed_measure.budget_lines
        ],
        BudgetLine,
    )
    with_indicator = [
        (measure, position, indicator)
        for measure, parsed_measure in pairs
        for position, indicator in enumerate(parsed_measure.indicators)
    ]
    indicators = bulk_create_with_history(
        [
            Indicator(measure=measure, label=indicator.label, position=position)
            for measure, position, indicator in with_indicator
        ],
        Indicator,
    )
    bulk_create_with_history(
        [
            Target(
                indicator=indicator,
                year=years.get(number) if number else None,
                text=target.text,
                value=target.value,
            )
            for indicator, (_measure, _position, parsed_indicator) in zip(
                indicators, with_indicator, strict=True
            )
            for number, target in parsed_indicator.targets.items()
        ],
        Target,
    )
    return measures


def measure_organisations_link(*, measure):
    """Link a measure created from a spreadsheet row to its table's organisations named in its
    responsibility text, as a document import does (the first named leads)."""
    from partners.models import Organisation

    organisations = Organisation.objects.of_tables([measure.objective.axis.plan.table_id])
    matcher = OrganisationMatcher(list(organisations.only("pk", "name", "acronym")))
    leads, partners = measure_links(measure.responsibility, matcher, {})
    measure.leads.set(leads)
    measure.partners.set(partners)
    record_links(Measure, [measure.pk])


def _first_budget_line_set(measure, budget):
    if "funding_source" in budget:
        budget = {**budget, "source": funding_source_of(budget["funding_source"])}
    line = measure.budget_lines.first()
    if line is None and any(budget.values()):
        BudgetLine.objects.create(measure=measure, **budget)
    elif line is not None:
        changed = [name for name, value in budget.items() if getattr(line, name) != value]
        if changed:
            for name in changed:
                setattr(line, name, budget[name])
            line.full_clean()
            line.save(update_fields=changed)


@transaction.atomic
def measure_sheet_update(*, measure, years, budget, indicators):
    """Apply a spreadsheet row to a measure, writing only what differs.

    ``years``: PlanYear objects; ``budget``: staff_amount, staff_hours, other_amount,
    funding_source of the measure's first budget line, or None to leave its budget lines;
    ``indicators``: ``[(label, {PlanYear or
    None: target text})]`` matched to the measure's indicators by position. Indicators the
    sheet no longer lists are kept (remove them in the admin, where their history is visible).
    Returns the warnings of targets read without a value (see :func:`indicator_targets_set`).
    """
    if {year.pk for year in years} != {year.pk for year in measure.years.all()}:
        measure.years.set(years)
    if budget is not None:  # None: a measure budgeted on several lines, left as it is
        _first_budget_line_set(measure, budget)
    existing = list(measure.indicators.all())
    warnings = []
    for position, (label, texts) in enumerate(indicators):
        if position < len(existing):
            indicator = existing[position]
            if indicator.label != label:
                indicator.label = label
                indicator.save(update_fields=["label"])
        else:
            indicator = Indicator.objects.create(measure=measure, label=label, position=position)
        warnings += indicator_targets_set(indicator=indicator, texts_by_year=texts)
    return warnings


@transaction.atomic
def objective_sheet_get_or_create(
    *, plan: Plan, axis_number: int, axis_title: str, objective_number: str, objective_title: str
) -> Objective:
    """The objective a new measure of a spreadsheet goes under, created (and its axis, when the
    plan has no axis of that number) at the end of the plan's order. The titles only serve to
    create: an existing axis or objective keeps its own."""
    axis = Axis.objects.filter(plan=plan, number=axis_number).first()
    if axis is None:
        axis = Axis.objects.create(plan=plan, number=axis_number, title=axis_title)
    objective = Objective.objects.filter(axis=axis, number=objective_number).first()
    if objective is None:
        last = Objective.objects.filter(axis__plan=plan).order_by("-position").first()
        objective = Objective.objects.create(
            axis=axis,
            number=objective_number,
            title=objective_title,
            position=last.position + 1 if last else 0,
        )
    return objective


REVISION_REASON = gettext_noop("Révision du plan (document importé)")  # read translated


def plan_revision(*, plan, parsed):
    """What importing ``parsed`` into ``plan`` would change: a
    :class:`~actionplans.imports.revisions.PlanRevision` (nothing is written).

    ``parsed`` is fitted to the plan's years first, as a new plan's would be; raises
    :class:`PlanParseError` when a value does not fit its field.
    """
    periods = [(year.start_date, year.end_date) for year in plan.years.order_by("number")]
    for measure in parsed.measures:
        _fit_to_plan_years(measure, periods)
    if errors := field_limit_errors(parsed):
        raise PlanParseError(errors)
    return revisions.compare(plan, parsed)


def _save_changed(instance, **values):
    """Set and save the fields of ``instance`` that differ from ``values``, with the revision as
    the reason its history gives."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance._change_reason = REVISION_REASON
        instance.save(update_fields=changed)


def _revision_create(model, **fields):
    instance = model(**fields)
    instance._change_reason = REVISION_REASON
    instance.save()
    return instance


def _measure_revise(measure, values, *, objective, years):
    """Write :class:`~actionplans.imports.revisions.MeasureValues` into a stored measure, in
    place: its pk, activities, indicator values and history stay. Budget lines and indicators
    are matched by position; indicators the document no longer lists are kept."""
    fields = {
        "objective_id": objective.pk,
        "title": values.title,
        "responsibility": values.responsibility,
        "schedule_text": values.schedule_text,
        "is_continuous": values.is_continuous,
        "archived_at": None,
    }
    if values.outside_pac is not None:
        fields["outside_pac"] = values.outside_pac
    _save_changed(measure, **fields)
    wanted = [years[number] for number in values.years if number in years]
    if {year.pk for year in wanted} != {year.pk for year in measure.years.all()}:
        measure.years.set(wanted)
    lines = list(measure.budget_lines.all())
    if revisions.lines_as_written(lines) != tuple(values.budget_lines):
        _budget_revise(measure, lines, values.budget_lines)
    indicators = list(measure.indicators.all())
    for position, wanted_indicator in enumerate(values.indicators):
        if position < len(indicators):
            indicator = indicators[position]
            _save_changed(indicator, label=wanted_indicator.label)
        else:
            indicator = _revision_create(
                Indicator, measure=measure, label=wanted_indicator.label, position=position
            )
        texts = {target.year: "" for target in indicator.targets.all()}  # listed no more
        texts.update(
            {
                years.get(number) if number else None: text
                for number, text in wanted_indicator.targets
            }
        )
        indicator_targets_set(indicator=indicator, texts_by_year=texts, reason=REVISION_REASON)


def _budget_revise(measure, lines, budget_lines):
    """The document's budget lines in place of the measure's, by position. The source a
    coordinator chose stays on a line kept; a line that has actual expenses is never removed
    (the revision is refused, nothing written, with the reason)."""
    for position, budget in enumerate(budget_lines):
        amounts = {
            "staff_amount": budget.staff_amount,
            "staff_hours": budget.staff_hours,
            "other_amount": budget.other_amount,
            "description": budget.description,
            "funding_source": budget.funding_source,
        }
        if position < len(lines):
            _save_changed(lines[position], **amounts)
        else:
            source = funding_source_of(budget.funding_source)
            _revision_create(BudgetLine, measure=measure, source=source, **amounts)
    for line in lines[len(budget_lines) :]:
        if line.actual_expenses.exists():
            raise PlanParseError(
                [
                    _(
                        "Le moyen d'action %(number)s : la révision retire une ligne budgétaire qui "
                        "a des dépenses réelles (%(line)s). Rattachez ces dépenses à une autre ligne "
                        "avant de réviser le plan."
                    )
                    % {"number": measure.number, "line": line}
                ]
            )
        line._change_reason = REVISION_REASON
        line.delete()


@transaction.atomic
def plan_revise(*, plan, parsed):
    """Apply a revised plan document to ``plan``, in one transaction: the
    :class:`~actionplans.imports.revisions.PlanRevision` of :func:`plan_revision`, computed
    again here so that a confirmation sent twice finds nothing left to do the second time.

    Measures are matched by number and updated in place; added ones are created as
    :func:`plan_import` creates them; removed ones are archived when activities were declared
    for them (they keep them), deleted otherwise. Axes and objectives are matched by number; a
    removed one is deleted once nothing is left in it. Returns the applied revision.
    """
    from partners.models import Organisation

    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    revision = plan_revision(plan=plan, parsed=parsed)
    if revision.is_empty and not revision.positions:
        return revision
    years = {year.number: year for year in plan.years.all()}
    axes = {axis.number: axis for axis in plan.axes.all()}
    objectives = {
        (objective.axis.number, objective.number): objective
        for objective in Objective.objects.filter(axis__plan=plan).select_related("axis")
    }
    objective_of = {}  # parsed objective's id → Objective
    for parsed_axis in parsed.axes:
        axis = axes.get(parsed_axis.number)
        if axis is None:
            axis = Axis.objects.create(
                plan=plan, number=parsed_axis.number, title=parsed_axis.title
            )
        else:
            _save_changed(axis, title=parsed_axis.title)
        for position, parsed_objective in enumerate(parsed_axis.objectives, start=1):
            objective = objectives.get((parsed_axis.number, parsed_objective.number))
            if objective is None:
                objective = Objective.objects.create(
                    axis=axis,
                    number=parsed_objective.number,
                    title=parsed_objective.title,
                    position=position,
                )
            else:
                _save_changed(objective, title=parsed_objective.title, position=position)
            objective_of[id(parsed_objective)] = objective

    revised = {item.number: item for item in [*revision.added, *revision.changed]}
    new = []
    for parsed_objective in parsed.objectives:
        objective = objective_of[id(parsed_objective)]
        for position, parsed_measure in enumerate(parsed_objective.measures, start=1):
            item = revised.get(parsed_measure.number)
            if item is None:
                continue
            if item.measure is None:
                new.append((objective, position, parsed_measure))
            else:
                _measure_revise(item.measure, item.values, objective=objective, years=years)
                revision.positions[item.measure.pk] = position
    organisations = Organisation.objects.of_tables([plan.table_id]).only("pk", "name", "acronym")
    _measures_create(new, years=years, matcher=OrganisationMatcher(list(organisations)))
    Measure.objects.bulk_update(  # one query; the order is not in the history
        [Measure(pk=pk, position=position) for pk, position in revision.positions.items()],
        ["position"],
    )

    now = timezone.now()
    for item in revision.removed:
        if item.archives:
            _save_changed(item.measure, archived_at=now)
        else:
            item.measure.delete()
    gone = [heading for heading in revision.headings if heading.after is None]
    for heading in sorted(gone, key=lambda heading: heading.kind != "objective"):
        children = (
            heading.stored.measures if heading.kind == "objective" else heading.stored.objectives
        )
        if not children.exists():
            heading.stored.delete()
    audit.record(
        "plan.revise",
        plan=plan.pk,
        table=plan.table_id,
        added=len(revision.added),
        changed=len(revision.changed),
        archived=revision.archived_count,
        deleted=len(revision.removed) - revision.archived_count,
    )
    return revision


def plan_rows_lock(plan_ids):
    """Lock the rows of the plans ``plan_ids`` (ids or a subquery) until the transaction ends:
    locking a period and writing what is dated in it take turns on the plan's row."""
    list(Plan.objects.select_for_update().filter(pk__in=plan_ids).values_list("pk", flat=True))


class PeriodAlreadyLocked(Exception):
    """A period overlapping one that is locked; the message names the lock."""


@transaction.atomic
def period_lock(*, plan: Plan, start: date, end: date, reason: str, user) -> PeriodLock:
    """Lock ``plan``'s dates from ``start`` to ``end``: what is dated in them can no longer
    change (``actionplans.rules``). Refused (``PeriodAlreadyLocked``) while an active lock
    overlaps them; the plan's row is locked meanwhile, so two submissions cannot both pass."""
    plan_rows_lock([plan.pk])
    overlapping = (
        PeriodLock.objects.active()
        .filter(plan=plan, start_date__lte=end, end_date__gte=start)
        .first()
    )
    if overlapping is not None:
        raise PeriodAlreadyLocked(
            _(
                "La période %(period)s est déjà verrouillée (%(reason)s, le %(date)s) : "
                "rouvrez-la avant de la soumettre de nouveau."
            )
            % {
                "period": in_sentence(overlapping.label),
                "reason": overlapping.reason,
                "date": format_date(overlapping.locked_at),
            }
        )
    lock = PeriodLock(
        plan=plan,
        start_date=start,
        end_date=end,
        reason=reason,
        locked_at=timezone.now(),
        locked_by=user,
    )
    lock._history_user = user
    lock._change_reason = reason
    lock.full_clean()
    lock.save()
    audit.record("period.lock", plan=plan.pk, lock=lock.pk)
    return lock


class ReopenError(Exception):
    """A reopening that cannot be done; the message is for the user."""


@transaction.atomic
def period_reopen(*, lock: PeriodLock, reason: str, user) -> PeriodLock:
    """Lift ``lock``: what is dated in its period may change again. Who, when and why are
    kept on the lock and in its history; the submission that made it stays as it was sent."""
    reason = (reason or "").strip()
    if not reason:
        raise ReopenError(_("Expliquez pourquoi la période est rouverte."))
    updated = PeriodLock.objects.filter(pk=lock.pk, reopened_at__isnull=True).update(
        reopened_at=timezone.now(), reopened_by=user, reopen_reason=reason
    )
    if not updated:
        raise ReopenError(_("Cette période a déjà été rouverte."))
    lock.refresh_from_db()
    lock._history_user = user
    lock._change_reason = _("Rouverte : %(reason)s") % {"reason": reason}
    lock.save()  # the history's row for the reopening, with who and why
    audit.record("period.reopen", plan=lock.plan_id, lock=lock.pk)
    return lock


@transaction.atomic
def actual_expense_save(*, expense: ActualExpense, user) -> ActualExpense:
    """Record or change an actual expense. Refused (``PeriodLocked``) if its date, or the
    date it had, is in a locked period."""
    days = [expense.date]
    if expense.pk is not None:
        days += ActualExpense.objects.filter(pk=expense.pk).values_list("date", flat=True)
    plan_rows_lock([expense.plan_id])
    period_open_check(expense.plan_id, *days)
    expense.full_clean()
    expense._history_user = user
    expense.save()
    audit.record("expense.save", plan=expense.plan_id, expense=expense.pk)
    return expense


@transaction.atomic
def actual_expense_delete(*, expense: ActualExpense, user) -> None:
    """Delete an actual expense, unless its date is in a locked period (``PeriodLocked``)."""
    plan_rows_lock([expense.plan_id])
    period_open_check(expense.plan_id, expense.date)
    expense._history_user = user
    audit.record("expense.delete", plan=expense.plan_id, expense=expense.pk)
    expense.delete()


SPLIT_REASON = gettext_noop("Ligne budgétaire répartie par année")  # read translated
TENTH = Decimal("0.1")


class BudgetLineSplitError(ValueError):
    pass


def _spread_hours(hours, years):
    """``{year: hours}`` to the tenth of an hour (the field's precision), adding up."""
    share = (Decimal(hours) / len(years)).quantize(TENTH, rounding=ROUND_DOWN)
    shares = dict.fromkeys(years, share)
    shares[years[-1]] = Decimal(hours) - share * (len(years) - 1)
    return shares


def budget_line_split(*, line: BudgetLine) -> list[BudgetLine]:
    """Replace ``line``, planned over its measure's schedule, by one line per year of that
    schedule (all the plan's years for a continuous measure), each amount shared as the
    financial statement already shares it (``budget.spread``), so that the measure's total
    stays the document's to the cent. Its actual expenses move to the line of the year their
    date falls in. Each step is recorded in the history."""
    if line.year_id is not None:
        raise BudgetLineSplitError(_("Cette ligne est déjà rattachée à une année du plan."))
    measure = line.measure
    plan_years = list(measure.objective.axis.plan.years.all())
    years = line_years(line, plan_years)
    if not years:
        raise BudgetLineSplitError(_("Le plan n'a pas encore d'années : rien à répartir."))
    staff, other = spread(line.staff_amount, years), spread(line.other_amount, years)
    hours = _spread_hours(line.staff_hours, years)
    plan_id = measure.objective.axis.plan_id
    # Its expenses move to the new lines: none may be in a locked period (``PeriodLocked``).
    period_open_check(plan_id, *line.actual_expenses.values_list("date", flat=True))
    with transaction.atomic():
        parts = []
        for year in years:
            part = BudgetLine(
                measure=measure,
                description=line.description,
                staff_amount=staff[year],
                staff_hours=hours[year],
                other_amount=other[year],
                funding_source=line.funding_source,
                source=line.source,
                year=year,
            )
            part._change_reason = SPLIT_REASON
            part.save()
            parts.append(part)
        for expense in line.actual_expenses.all():
            part = next(
                (p for p in parts if p.year.start_date <= expense.date <= p.year.end_date), None
            )
            if part is None:  # dated in a year the measure's schedule does not hold
                raise BudgetLineSplitError(
                    _(
                        "La dépense du %(date)s tombe hors de l'échéance du moyen d'action : "
                        "rattachez-la à une autre ligne avant de répartir celle-ci."
                    )
                    % {"date": format_date(expense.date)}
                )
            expense.budget_line = part
            expense._change_reason = SPLIT_REASON
            expense.save(update_fields=["budget_line"])
        line._change_reason = SPLIT_REASON
        line.delete()
    return parts


# --- The plan outline (« Plan complet »): building a plan item by item ----------------------
# Each write is checked by the models' clean() (numbers, years of the plan, a budget line's
# year and source under a locked period) and recorded in the history with its author, as an
# admin save is.

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
    axes = list(plan.axes.order_by("number"))
    objectives, objective_numbers = [], []
    measures, measure_numbers = [], []
    for axis_number, axis in enumerate(axes, start=1):
        for objective_index, objective in enumerate(axis.objectives.order_by("position", "id"), 1):
            objective_number = f"{axis_number}.{objective_index}"
            objectives.append(objective)
            objective_numbers.append(objective_number)
            current = objective.measures.current().order_by("position", "id")
            for measure_index, measure in enumerate(current, start=1):
                measures.append(measure)
                measure_numbers.append(f"{objective_number}.{measure_index}")
    archived = set(Measure.objects.of_plan(plan).archived().values_list("number", flat=True))
    if taken := sorted(archived & set(measure_numbers)):
        raise OutlineError(
            _(
                "Un moyen d'action archivé porte le numéro %(numbers)s : renumérotez-le ou "
                "changez le numéro à la main avant de renuméroter le plan."
            )
            % {"numbers": ", ".join(taken)}
        )
    changed = sum(
        item.number != number
        for item, number in [
            *zip(axes, range(1, len(axes) + 1), strict=True),
            *zip(objectives, objective_numbers, strict=True),
            *zip(measures, measure_numbers, strict=True),
        ]
    )
    _numbers_set(Axis, axes, list(range(1, len(axes) + 1)), user=user, reason=RENUMBER_REASON)
    _numbers_set(Objective, objectives, objective_numbers, user=user, reason=RENUMBER_REASON)
    _numbers_set(Measure, measures, measure_numbers, user=user, reason=RENUMBER_REASON)
    audit.record("plan.renumber", plan=plan.pk, table=plan.table_id, changed=changed)
    return changed


# --- Publishing and the next cycle -------------------------------------------------------------


@transaction.atomic
def plan_publish(*, plan: Plan, user) -> bool:
    """Put ``plan`` on the public site; ``False`` when it was already there (nothing written)."""
    return _plan_status_set(plan, Plan.Status.PUBLISHED, user)


@transaction.atomic
def plan_unpublish(*, plan: Plan, user) -> bool:
    """Take ``plan`` back to a draft, off the public site; ``False`` when it was one already."""
    return _plan_status_set(plan, Plan.Status.DRAFT, user)


PUBLISH_REASON = gettext_noop("Publié")  # read translated
UNPUBLISH_REASON = gettext_noop("Dépublié")


def _plan_status_set(plan, status, user):
    if plan.status == status:
        return False
    plan.status = status
    plan._change_reason = PUBLISH_REASON if status == Plan.Status.PUBLISHED else UNPUBLISH_REASON
    plan._history_user = user
    plan.save(update_fields=["status"])
    audit.record(f"plan.{status}", plan=plan.pk, user=getattr(user, "pk", None))
    return True


_YEAR_IN_TITLE = re.compile(r"\b(?:19|20)\d{2}\b")


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def plan_next_cycle_dates(plan: Plan) -> tuple[date, date, int]:
    """The next cycle's ``(start, end, years)``: it starts the day after ``plan`` ends and
    lasts as long. A plan of whole years (April 2022 to March 2025) is shifted by those years,
    so its fiscal years stay on April 1st; ``years`` is 0 for a plan of another length, shifted
    by its days."""
    after_end = plan.end_date + timedelta(days=1)
    years = after_end.year - plan.start_date.year
    if years > 0 and _add_years(plan.start_date, years) == after_end:
        return after_end, _add_years(plan.end_date, years), years
    length = after_end - plan.start_date
    return plan.start_date + length, plan.end_date + length, 0


def plan_next_cycle_title(plan: Plan, start: date, end: date) -> str:
    """« Plan d'action 2022-2025 » → « Plan d'action 2025-2028 »: each year written in the title
    moves as the dates do; a title without one gets the new cycle's years."""
    shift = start.year - plan.start_date.year
    if shift and _YEAR_IN_TITLE.search(plan.title):
        title = _YEAR_IN_TITLE.sub(lambda found: str(int(found.group()) + shift), plan.title)
        if title != plan.title:
            return title
    if not shift:
        return _("%(title)s — prochain cycle") % {"title": plan.title}
    return f"{plan.title} {start.year}-{end.year}"


COPY_REASON = gettext_noop("Copié du plan du cycle précédent")  # read translated


@transaction.atomic
def plan_duplicate_next_cycle(*, plan: Plan, user) -> Plan:
    """A draft of ``plan``'s next cycle for the same table: its dates shifted by the plan's
    length (``plan_next_cycle_dates``), its title's years too, and a copy of its axes,
    objectives, current measures (leads, partners, schedule, outside PAC, years mapped to the
    new plan's years by number), indicators with their targets year by year, budget lines and
    plan expenses. Activities, actual expenses and locked periods stay with ``plan``: they are
    what happened, not what is planned. Bulk inserts: the number of queries does not grow with
    the plan."""
    start, end, _years = plan_next_cycle_dates(plan)
    title = plan_next_cycle_title(plan, start, end)[: Plan._meta.get_field("title").max_length]
    new = Plan(
        table=plan.table,
        title=title,
        slug=unique_slug(Plan, title, fallback="plan"),
        start_date=start,
        end_date=end,
        status=Plan.Status.DRAFT,
        funding_programme=plan.funding_programme,
        general_objective=plan.general_objective,
    )
    new._history_user = user
    new._change_reason = COPY_REASON
    new.save()
    plan_years_sync(plan=new)
    years_by_number = {year.number: year for year in new.years.all()}
    number_of = {year.pk: year.number for year in plan.years.all()}

    def year_of(year_id):
        return years_by_number.get(number_of.get(year_id)) if year_id else None

    old_axes = list(plan.axes.order_by("number"))
    axes = bulk_create_with_history(
        [Axis(plan=new, number=axis.number, title=axis.title) for axis in old_axes],
        Axis,
        default_user=user,
    )
    axis_map = {old.pk: created for old, created in zip(old_axes, axes, strict=True)}
    old_objectives = list(Objective.objects.filter(axis__plan=plan).order_by("pk"))
    objectives = bulk_create_with_history(
        [
            Objective(
                axis=axis_map[objective.axis_id],
                number=objective.number,
                title=objective.title,
                position=objective.position,
            )
            for objective in old_objectives
        ],
        Objective,
        default_user=user,
    )
    objective_map = {old.pk: new for old, new in zip(old_objectives, objectives, strict=True)}
    old_measures = list(
        Measure.objects.of_plan(plan)
        .current()
        .prefetch_related("leads", "partners", "years")
        .order_by("pk")
    )
    measures = bulk_create_with_history(
        [
            Measure(
                objective=objective_map[measure.objective_id],
                number=measure.number,
                title=measure.title,
                position=measure.position,
                responsibility=measure.responsibility,
                is_continuous=measure.is_continuous,
                schedule_text=measure.schedule_text,
                outside_pac=measure.outside_pac,
                notes=measure.notes,
            )
            for measure in old_measures
        ],
        Measure,
        default_user=user,
    )
    measure_map = {old.pk: new for old, new in zip(old_measures, measures, strict=True)}
    pairs = list(zip(old_measures, measures, strict=True))
    Measure.years.through.objects.bulk_create(
        Measure.years.through(measure_id=created.pk, planyear_id=year_of(year.pk).pk)
        for old, created in pairs
        for year in old.years.all()
        if year_of(year.pk) is not None
    )
    for field in ("leads", "partners"):
        through = getattr(Measure, field).through
        through.objects.bulk_create(
            through(measure_id=created.pk, organisation_id=organisation.pk)
            for old, created in pairs
            for organisation in getattr(old, field).all()
        )
    record_links(Measure, [measure.pk for measure in measures])
    old_indicators = list(
        Indicator.objects.filter(measure__in=measure_map).prefetch_related("targets").order_by("pk")
    )
    indicators = bulk_create_with_history(
        [
            Indicator(
                measure=measure_map[indicator.measure_id],
                label=indicator.label,
                unit=indicator.unit,
                is_cumulative=indicator.is_cumulative,
                baseline=indicator.baseline,
                position=indicator.position,
            )
            for indicator in old_indicators
        ],
        Indicator,
        default_user=user,
    )
    bulk_create_with_history(
        [
            Target(
                indicator=created,
                year=year_of(target.year_id),
                value=target.value,
                text=target.text,
            )
            for old, created in zip(old_indicators, indicators, strict=True)
            for target in old.targets.all()
            if target.year_id is None or year_of(target.year_id) is not None
        ],
        Target,
        default_user=user,
    )
    bulk_create_with_history(
        [
            BudgetLine(
                measure=measure_map[line.measure_id],
                description=line.description,
                staff_amount=line.staff_amount,
                staff_hours=line.staff_hours,
                other_amount=line.other_amount,
                funding_source=line.funding_source,
                source=line.source,
                year=year_of(line.year_id),
            )
            for line in BudgetLine.objects.filter(measure__in=measure_map).order_by("pk")
        ],
        BudgetLine,
        default_user=user,
    )
    bulk_create_with_history(
        [
            PlanExpense(
                plan=new,
                kind=expense.kind,
                label=expense.label,
                amount=expense.amount,
                source=expense.source,
                year=year_of(expense.year_id),
            )
            for expense in plan.expenses.order_by("pk")
        ],
        PlanExpense,
        default_user=user,
    )
    audit.record("plan.duplicate", plan=plan.pk, new_plan=new.pk, user=getattr(user, "pk", None))
    return new
