"""What importing a revised plan document into an existing plan would change.

Axes and objectives are matched by number (a new title is a change), measures by number across
the plan: a measure of the document that the plan lacks is *added*, one the plan has is
*changed* field by field, one the document no longer lists is *removed* (archived when
activities were declared for it, deleted otherwise). Nothing here writes:
:func:`actionplans.services.plan_revise` applies a :class:`PlanRevision`.

A parsed measure and a stored measure are both turned into :class:`MeasureValues` by
:func:`parsed_values` and :func:`stored_values`, the only two functions that know the shape of
either side; the comparison, the preview and the writes read those values only.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionplans.models import Axis, Indicator, Measure, Objective
from common.formatting import format_date, format_hours, format_money


@dataclass(frozen=True)
class BudgetValues:
    staff_amount: Decimal = Decimal(0)
    staff_hours: Decimal = Decimal(0)
    other_amount: Decimal = Decimal(0)
    description: str = ""
    funding_source: str = ""

    @property
    def total(self):
        return self.staff_amount + self.other_amount

    def __str__(self):
        parts = []
        if self.staff_amount:
            parts.append(_("RH %(amount)s") % {"amount": format_money(self.staff_amount, 2)})
        if self.staff_hours:
            parts.append(format_hours(self.staff_hours))
        if self.other_amount:
            parts.append(_("autres %(amount)s") % {"amount": format_money(self.other_amount, 2)})
        if self.description:
            parts.append(self.description)
        if self.funding_source:
            parts.append(self.funding_source)
        if self.staff_amount and self.other_amount:
            parts.append(_("total %(amount)s") % {"amount": format_money(self.total, 2)})
        return ", ".join(parts)


@dataclass(frozen=True)
class IndicatorValues:
    label: str
    targets: tuple  # ((year number or None, text), …), whole-plan target first

    @property
    def targets_text(self):
        return " ; ".join(
            (_("An %(number)s : %(text)s") % {"number": number, "text": text}) if number else text
            for number, text in self.targets
        )

    def __str__(self):
        targets = self.targets_text
        return f"{self.label} ({targets})" if targets else self.label


@dataclass(frozen=True)
class MeasureValues:
    """What a revision compares and writes of a measure, the same for both sides."""

    objective: str  # the objective's number
    title: str
    responsibility: str
    schedule_text: str
    years: tuple  # plan year numbers
    is_continuous: bool
    budget_lines: tuple  # (BudgetValues, …)
    indicators: tuple  # (IndicatorValues, …), matched by position
    outside_pac: bool | None  # None: the document does not say


def _targets(targets):
    """``{year number or None: text}`` in a fixed order, empty texts left out."""
    items = [(number, (text or "").strip()) for number, text in targets.items()]
    return tuple(sorted(((n, t) for n, t in items if t), key=lambda item: item[0] or 0))


def parsed_values(measure, objective_number):
    """A :class:`~actionplans.imports.parsing.ParsedMeasure` fitted to the plan's years (its
    targets placed on them, as ``plan_import`` does), as :class:`MeasureValues`."""
    budget_lines = tuple(
        BudgetValues(
            staff_amount=line.staff_amount,
            staff_hours=line.staff_hours,
            other_amount=line.other_amount,
            description=line.description,
            funding_source=line.funding_source,
        )
        for line in measure.budget_lines
    )
    indicators = tuple(
        IndicatorValues(
            label=indicator.label,
            targets=_targets({year: target.text for year, target in indicator.targets.items()}),
        )
        for indicator in measure.indicators
    )
    return MeasureValues(
        objective=objective_number,
        title=measure.title,
        responsibility=measure.responsibility,
        schedule_text=measure.schedule_text,
        years=tuple(sorted(measure.years)),
        is_continuous=measure.is_continuous,
        budget_lines=budget_lines,
        indicators=indicators,
        outside_pac=getattr(measure, "outside_pac", None),
    )


def lines_as_written(lines):
    """A measure's stored budget lines as its plan document writes them: the lines the
    coordination split per year (same description and source text) summed back into one, so
    that a split is not taken for a change of the document's budget."""
    written = {}
    for line in lines:
        key = (line.description, line.funding_source) if line.year_id else ("line", line.pk)
        values = written.get(key)
        if values is None:
            written[key] = BudgetValues(
                staff_amount=line.staff_amount,
                staff_hours=line.staff_hours,
                other_amount=line.other_amount,
                description=line.description,
                funding_source=line.funding_source,
            )
        else:
            written[key] = replace(
                values,
                staff_amount=values.staff_amount + line.staff_amount,
                staff_hours=values.staff_hours + line.staff_hours,
                other_amount=values.other_amount + line.other_amount,
            )
    return tuple(written.values())


def stored_values(measure, indicator_count=None):
    """A stored :class:`~actionplans.models.Measure` (with ``objective``, ``years``,
    ``budget_lines`` and ``indicators__targets__year`` fetched) as :class:`MeasureValues`.

    Only the first ``indicator_count`` indicators are compared: indicators the document no
    longer lists are kept, as the spreadsheet import keeps them (activities may hold values).
    """
    indicators = list(measure.indicators.all())
    if indicator_count is not None:
        indicators = indicators[:indicator_count]
    return MeasureValues(
        objective=measure.objective.number,
        title=measure.title,
        responsibility=measure.responsibility,
        schedule_text=measure.schedule_text,
        years=tuple(sorted(year.number for year in measure.years.all())),
        is_continuous=measure.is_continuous,
        budget_lines=lines_as_written(measure.budget_lines.all()),
        indicators=tuple(
            IndicatorValues(
                label=indicator.label,
                targets=_targets(
                    {
                        target.year.number if target.year else None: target.text
                        for target in indicator.targets.all()
                    }
                ),
            )
            for indicator in indicators
        ),
        outside_pac=measure.outside_pac,
    )


def _schedule(values):
    if values.schedule_text:
        return values.schedule_text
    if values.is_continuous:
        return _("En continu")
    return ", ".join(str(number) for number in values.years) or "—"


def _lines(items):
    return " ; ".join(str(item) for item in items) or "—"


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


def field_changes(before, after):
    """``[FieldChange]`` from one :class:`MeasureValues` to another, in readable French."""
    yes_no = {True: _("oui"), False: _("non")}
    compared = [
        (_("Objectif"), before.objective, after.objective, str),
        (_("Titre"), before.title, after.title, str),
        (_("Responsables et partenaires"), before.responsibility, after.responsibility, str),
        (
            _("Échéance"),
            (before.schedule_text, before.years, before.is_continuous),
            (after.schedule_text, after.years, after.is_continuous),
            None,
        ),
        (_("Budget"), before.budget_lines, after.budget_lines, _lines),
    ]
    changes = []
    for label, old, new, shown in compared:
        if old == new:
            continue
        if shown is None:
            changes.append(FieldChange(label, _schedule(before), _schedule(after)))
        else:
            changes.append(FieldChange(label, shown(old) or "—", shown(new) or "—"))
    count = max(len(before.indicators), len(after.indicators))
    for position in range(count):
        old = before.indicators[position] if position < len(before.indicators) else None
        new = after.indicators[position] if position < len(after.indicators) else None
        if old == new:
            continue
        label = _("Indicateur %(number)s") % {"number": position + 1}
        if old is not None and new is not None and old.label == new.label:
            label = _("Cibles de « %(label)s »") % {"label": new.label}
            changes.append(FieldChange(label, old.targets_text or "—", new.targets_text or "—"))
        else:
            changes.append(FieldChange(label, str(old or "—"), str(new or "—")))
    if after.outside_pac is not None and before.outside_pac != after.outside_pac:
        changes.append(
            FieldChange(
                _("Hors demande PAC"), yes_no[before.outside_pac], yes_no[after.outside_pac]
            )
        )
    return changes


@dataclass
class MeasureRevision:
    """One measure the revision adds, changes or removes."""

    number: str
    title: str
    measure: Measure | None = None  # the stored measure (changed, removed, restored)
    parsed: object = None  # the ParsedMeasure (added, changed)
    values: MeasureValues | None = None  # what the document says (added, changed)
    changes: list = field(default_factory=list)  # [FieldChange] (changed)
    activities: int = 0  # declared for the stored measure (removed)
    restored: bool = False  # added back: the plan kept it archived, with its activities

    @property
    def archives(self):
        """Removed with activities: archived, kept with them, rather than deleted."""
        return self.activities > 0

    @property
    def fate(self):
        if self.restored:
            return _("archivé le %(date)s : sera rétabli") % {
                "date": format_date(self.measure.archived_at)
            }
        if self.archives:
            return ngettext(
                "a %(count)s activité : sera archivé",
                "a %(count)s activités : sera archivé",
                self.activities,
            ) % {"count": self.activities}
        return _("sera supprimé")


@dataclass
class HeadingRevision:
    """An axis or an objective added, renamed or removed (matched by number)."""

    kind: str  # "axis" or "objective"
    number: str
    before: str | None  # title in the plan; None when added
    after: str | None  # title in the document; None when removed
    stored: object = None  # the Axis or Objective in the plan

    @property
    def label(self):
        if self.kind == "axis":
            return _("Axe %(number)s") % {"number": self.number}
        return _("Objectif %(number)s") % {"number": self.number}


@dataclass
class PlanRevision:
    plan: object
    parsed: object
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    headings: list = field(default_factory=list)
    positions: dict = field(default_factory=dict)  # {measure pk: position} to fix silently

    @property
    def is_empty(self):
        return not (self.added or self.changed or self.removed or self.headings)

    @property
    def archived_count(self):
        return sum(1 for item in self.removed if item.archives)


def stored_measures(plan):
    """Every measure of ``plan``, archived ones included, with what :func:`stored_values`
    reads and the number of activities declared for each."""
    return list(
        Measure.objects.of_plan(plan)
        .select_related("objective__axis")
        .prefetch_related(
            "years",
            "budget_lines",
            Prefetch("indicators", Indicator.objects.prefetch_related("targets__year")),
        )
        .annotate(activity_count=Count("activities"))
        .in_plan_order()
    )


def _heading_revisions(plan, parsed, measures):
    """Axes and objectives by number: added, renamed, removed. An axis or objective that holds
    only archived measures stays as it is and is not listed."""
    current = [m for m in measures if m.archived_at is None]
    current_objectives, holding_objectives = (
        {m.objective_id for m in current},
        {m.objective_id for m in measures},
    )
    current_axes, holding_axes = (
        {m.objective.axis_id for m in current},
        {m.objective.axis_id for m in measures},
    )
    axes = {axis.number: axis for axis in Axis.objects.filter(plan=plan)}
    objectives = {
        (objective.axis.number, objective.number): objective
        for objective in Objective.objects.filter(axis__plan=plan).select_related("axis")
    }
    headings = []
    for axis in parsed.axes:
        stored = axes.pop(axis.number, None)
        if stored is None or stored.title != axis.title:
            headings.append(
                HeadingRevision(
                    "axis", str(axis.number), stored and stored.title, axis.title, stored
                )
            )
        for objective in axis.objectives:
            stored = objectives.pop((axis.number, objective.number), None)
            if stored is None or stored.title != objective.title:
                headings.append(
                    HeadingRevision(
                        "objective",
                        objective.number,
                        stored and stored.title,
                        objective.title,
                        stored,
                    )
                )
    for objective in objectives.values():
        if objective.pk in current_objectives or objective.pk not in holding_objectives:
            headings.append(
                HeadingRevision("objective", objective.number, objective.title, None, objective)
            )
    for axis in axes.values():
        if axis.pk in current_axes or axis.pk not in holding_axes:
            headings.append(HeadingRevision("axis", str(axis.number), axis.title, None, axis))
    return headings


def compare(plan, parsed):
    """The :class:`PlanRevision` from ``plan`` as stored to ``parsed``.

    ``parsed`` must be fitted to the plan's years first (``plan_revision`` in
    :mod:`actionplans.services` does it).
    """
    measures = stored_measures(plan)
    by_number = {measure.number: measure for measure in measures}
    revision = PlanRevision(plan=plan, parsed=parsed)
    revision.headings = _heading_revisions(plan, parsed, measures)
    for objective in parsed.objectives:
        for position, measure in enumerate(objective.measures, start=1):
            values = parsed_values(measure, objective.number)
            stored = by_number.pop(measure.number, None)
            item = MeasureRevision(
                number=measure.number,
                title=measure.title,
                measure=stored,
                parsed=measure,
                values=values,
            )
            if stored is None or stored.archived_at is not None:
                item.restored = stored is not None
                revision.added.append(item)
                continue
            before = stored_values(stored, indicator_count=len(values.indicators))
            item.changes = field_changes(before, values)
            if item.changes:
                revision.changed.append(item)
            if stored.position != position:
                revision.positions[stored.pk] = position
    for stored in by_number.values():
        if stored.archived_at is None:
            revision.removed.append(
                MeasureRevision(
                    number=stored.number,
                    title=stored.title,
                    measure=stored,
                    activities=stored.activity_count,
                )
            )
    return revision
