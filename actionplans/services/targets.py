"""An indicator's targets, written as the plan words them."""

from django.db import transaction

from actionplans.imports.targets import value_in_box
from actionplans.models import (
    Indicator,
    Target,
)


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
