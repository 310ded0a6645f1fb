"""Link previews (Open Graph) of a table and of a plan: a generated picture with the name, the
period and the plan's progress, cached under a key that names the data it shows."""

import hashlib

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.progress import plans_percent
from actionplans.models import Plan
from common import og_image

SITE = "Tables immigration"


def plan_percent(plan):
    """The plan's mean completion (as the page's bars), or None before any numeric target."""
    return plans_percent([plan])[plan.pk]


def plan_stamp(plan):
    """What the picture of ``plan`` depends on, as a cache key part: its content version and
    the time of its last change (bumped on every write it shows), and the day (the progress
    follows the date)."""
    return f"v{plan.content_version}:{plan.content_changed_at.isoformat()}:{timezone.localdate()}"


def _progress_label(percent):
    return _("Avancement : %(percent)s %%") % {"percent": percent}


def plan_card(plan):
    percent = plan_percent(plan)
    return og_image.card_png(
        site=SITE,
        title=plan.title,
        lines=[plan.table.name, str(plan.period_label)],
        progress=percent,
        progress_label=_progress_label(percent) if percent is not None else "",
    )


def table_card(table, plan):
    """The table's name, its territory and its current plan (``plan``, or None) with progress."""
    territory = ", ".join(mrc.name for mrc in table.mrcs.all())
    lines = [territory] if territory else []
    percent = None
    if plan is not None:
        lines.append(_("Plan d'action : %(period)s") % {"period": plan.period_label})
        percent = plan_percent(plan)
    return og_image.card_png(
        site=SITE,
        title=table.name,
        lines=lines,
        progress=percent,
        progress_label=_progress_label(percent) if percent is not None else "",
    )


def _key(*parts):
    return "og:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def plan_image_response(plan):
    key = _key("plan", plan.pk, translation.get_language(), plan_stamp(plan))
    return og_image.png_response(key, lambda: plan_card(plan))


def table_image_response(table):
    """The table's card; its current plan is its latest published one."""
    plans = Plan.objects.published().filter(table=table).select_related("table")
    plan = plans.prefetch_related("years").order_by("-start_date").first()
    names = [mrc.name for mrc in table.mrcs.all()]
    stamp = (plan.pk, plan_stamp(plan)) if plan else None
    key = _key("table", table.pk, translation.get_language(), table.name, names, stamp)
    return og_image.png_response(key, lambda: table_card(table, plan))
