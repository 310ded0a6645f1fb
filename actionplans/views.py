from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from actionplans import exports, selectors
from actionplans.models import Plan


def plan_detail(request, slug):
    plan = get_object_or_404(Plan.objects.published().select_related("table"), slug=slug)
    return render(
        request,
        "actionplans/plan_detail.html",
        {"plan": plan, "axes": selectors.plan_tree(plan), "expenses": list(plan.expenses.all())},
    )


def measure_detail(request, slug, number):
    plan = get_object_or_404(Plan.objects.published().select_related("table"), slug=slug)
    measure = get_object_or_404(selectors.measure_for_page(plan), number=number)
    return render(request, "actionplans/measure_detail.html", {"plan": plan, "measure": measure})


def plan_json(request, slug):
    """Open data: a published plan as nested JSON (format documented in the README)."""
    plan = get_object_or_404(Plan.objects.published().select_related("table"), slug=slug)
    filename, content_type, content = exports.plan_export(plan, "json")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
