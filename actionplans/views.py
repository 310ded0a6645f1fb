from django.contrib.auth.decorators import login_not_required

from actionplans import selectors
from actionplans.exports import plan as exports
from common.responses import file_response


@login_not_required
def plan_json(request, slug):
    """Open data: a published plan as nested JSON (format documented in the README)."""
    plan = selectors.published_plan_or_404(slug)
    response = file_response(*exports.plan_export(plan, "json"), inline=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response
