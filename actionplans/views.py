from django.contrib.auth.decorators import login_not_required

from actionplans import selectors
from actionplans.exports import plan as exports
from common.conditional import conditional_page
from common.responses import file_response


def _published_plan_validator(request, slug):
    found = selectors.published_plan_version(slug)
    return None if found is None else (found[0], found[1])


@login_not_required
@conditional_page(_published_plan_validator)
def plan_json(request, slug):
    """Open data: a published plan as nested JSON (format documented in the README)."""
    plan = selectors.published_plan_or_404(slug)
    response = file_response(*exports.plan_export(plan, "json"), inline=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response
