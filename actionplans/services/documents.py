"""Plans from documents: a plan document imported, a revised one compared and applied, the
plan spreadsheet's rows written back."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

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
from actionplans.imports.targets import fit_targets
from actionplans.models import (
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    Plan,
    PlanExpense,
    Target,
)
from actionplans.models.money import funding_source_of
from actionplans.services.plans import plan_year_periods, plan_years_sync, years_after
from actionplans.services.targets import indicator_targets_set
from actionplans.services.versions import plan_content_batch
from common import audit
from common.history import record_links
from common.slugs import unique_slug


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
        end = years_after(start, 3) - timedelta(days=1)
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
    with plan_content_batch(plan):  # one bump, the bulk inserts sending no signal
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
                Objective(
                    axis=axis, number=objective.number, title=objective.title, position=position
                )
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
                PlanExpense(
                    plan=plan, kind=expense.kind, label=expense.label, amount=expense.amount
                )
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
    removed one is deleted once nothing is left in it. Returns the applied revision. The plan's
    content version is bumped once, when the revision is applied, not once per row written.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    with plan_content_batch(plan):
        return _revision_apply(plan, parsed)


def _revision_apply(plan, parsed):
    from partners.models import Organisation

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
