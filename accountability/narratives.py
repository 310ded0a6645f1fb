"""The texts of the report, written per period: reading them for a report or the writing page,
saving them, and reading back their versions.

A period's texts are one general narrative (achievements, difficulties, adjustments) and one
narrative per axis (``Narrative``, unique per plan, period and axis). Only the plan's own
periods (``plan_periods``: the whole plan, each year, each half-year) are written; a report
for any other range finds none.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accountability.models import Narrative
from actionplans.periods import plan_periods

# The general narrative's texts, in the order the report prints them.
GENERAL_FIELDS = ("achievements", "difficulties", "adjustments")
AXIS_FIELD = "text"


@dataclass
class ReportNarratives:
    """A period's texts as the report prints them."""

    general: Narrative | None = None
    by_axis: dict = field(default_factory=dict)  # {axis id: Narrative}
    # The period is one of the plan's own, where texts are written: an empty text is one
    # still to write (the full version says so), not one nobody can write.
    writable: bool = False

    @property
    def has_general(self):
        return self.general is not None and any(
            getattr(self.general, name) for name in GENERAL_FIELDS
        )

    def axis_text(self, axis_id):
        narrative = self.by_axis.get(axis_id)
        return narrative.text if narrative is not None else ""

    @property
    def axis_texts(self):
        """``{axis id: text}`` (the template's ``dictkey`` gives None for an axis without)."""
        return {axis_id: narrative.text for axis_id, narrative in self.by_axis.items()}

    @property
    def general_texts(self):
        """``[(heading, text)]`` of the general narrative, in the report's order."""
        labels = {
            "achievements": _("Réalisations"),
            "difficulties": _("Difficultés"),
            "adjustments": _("Ajustements"),
        }
        return [
            (labels[name], getattr(self.general, name) if self.general else "")
            for name in GENERAL_FIELDS
        ]


def is_plan_period(plan, period):
    return period.key in {key for key, _label in plan_periods(plan)}


def report_narratives(plan, period):
    """The texts written for ``period`` (one query)."""
    result = ReportNarratives(writable=is_plan_period(plan, period))
    for narrative in Narrative.objects.of_period(plan, period):
        if narrative.axis_id is None:
            result.general = narrative
        else:
            result.by_axis[narrative.axis_id] = narrative
    return result


def narratives_save(*, plan, period, texts, user):
    """Save a period's texts together: ``texts`` maps ``None`` (the general narrative) to
    ``{"achievements": …, "difficulties": …, "adjustments": …}`` (a text not named is left as
    it is) and each axis id to its narrative. A text left as it was makes no new version; a
    narrative never written and left empty is not created. Returns the narratives that
    changed, each with one new version recorded under ``user``."""
    axes = {axis.pk: axis for axis in plan.axes.all()}
    changed = []
    with transaction.atomic():
        rows = Narrative.objects.of_period(plan, period).order_by().select_for_update()
        existing = {narrative.axis_id: narrative for narrative in rows}
        for axis_id, values in texts.items():
            if axis_id is not None and axis_id not in axes:
                raise ValueError(f"axis {axis_id} is not an axis of {plan}")
            if axis_id is None:
                if unknown := set(values) - set(GENERAL_FIELDS):
                    raise ValueError(f"not a text of the general narrative: {sorted(unknown)}")
                values = {name: _clean(value) for name, value in values.items()}
            else:
                values = {AXIS_FIELD: _clean(values)}
            narrative = existing.get(axis_id)
            if narrative is None:
                if not any(values.values()):
                    continue
                narrative = Narrative(
                    plan=plan,
                    axis=axes.get(axis_id),
                    period_start=period.start,
                    period_end=period.end,
                    period_key=period.key,
                )
            elif all(getattr(narrative, name) == value for name, value in values.items()):
                continue
            for name, value in values.items():
                setattr(narrative, name, value)
            narrative._history_user = user
            narrative.save()
            changed.append(narrative)
    return changed


def _clean(text):
    """As typed, without the blank lines and spaces around it, and with one kind of line end."""
    return (text or "").replace("\r\n", "\n").strip()


@dataclass
class Version:
    text: str
    user: str
    date: object


@dataclass
class TextHistory:
    """One text's versions: the current one's author and date, and the earlier ones."""

    current: Version | None = None
    previous: list = field(default_factory=list)  # newest first


def narrative_histories(plan, period):
    """``{(axis id or None, field name): TextHistory}`` for every text written for ``period``,
    from the narratives' history (one query): a version is a record where that text changed."""
    records = (
        Narrative.history.filter(
            plan=plan, period_start=period.start, period_end=period.end, history_type__in=["+", "~"]
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    versions = {}
    for record in records:
        names = GENERAL_FIELDS if record.axis_id is None else (AXIS_FIELD,)
        for name in names:
            text = getattr(record, name)
            found = versions.setdefault((record.axis_id, name), [])
            if (found and found[-1].text == text) or (not found and not text):
                continue
            user = record.history_user
            found.append(
                Version(
                    text=text,
                    user=(user.get_full_name() or user.get_username()) if user else "",
                    date=record.history_date,
                )
            )
    return {
        key: TextHistory(current=found[-1], previous=found[-2::-1])
        for key, found in versions.items()
        if found
    }
