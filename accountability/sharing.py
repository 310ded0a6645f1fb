"""Link previews (Open Graph) of a table and of a plan: a generated picture with the name, the
period and the plan's progress, cached under a key that names the data it shows."""

import hashlib

from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from accountability.progress import Rollup, plan_progress
from actionplans.models import Plan
from activities.models import Activity
from common import og_image

SITE = "Tables immigration"


def plan_percent(plan):
    """The plan's mean completion (as the page's bars), or None before any numeric target."""
    _axes, progress, _rollups = plan_progress(plan)
    return Rollup(measures=list(progress.values())).percent


def plan_stamp(plan):
    """What the picture of ``plan`` depends on, as a cache key part. Until plans carry a
    version bumped on every write (``Plan.content_version``), it is the plan's own fields and
    its approved activities (their number and latest review); a target changed without any
    activity waits for the cache to expire (a week)."""
    version = getattr(plan, "content_version", None)
    if version is not None:
        return f"v{version}"
    approved = (
        Activity.objects.approved()
        .of_plan(plan)
        .aggregate(count=Count("pk"), latest=Max("reviewed_at"))
    )
    latest = approved["latest"].timestamp() if approved["latest"] else 0
    return f"{plan.title}|{plan.start_date}|{plan.end_date}|{approved['count']}|{latest}"


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
