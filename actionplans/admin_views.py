"""Admin pages that are not plain model forms: "Importer un plan" on a table."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from actionplans.forms import PlanImportForm
from actionplans.imports.documents import import_document
from actionplans.imports.parsing import PlanParseError


def plan_import_view(request, *, table, model_admin):
    """Step 1 (``preview``): upload or paste, see the structured plan. Step 2 (``confirm``):
    the same text, carried in the form, becomes a draft plan in one transaction."""
    form = PlanImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = form.cleaned_data["preview"]
        if "confirm" in request.POST:
            try:
                plan = import_document(
                    table=table,
                    preview=preview,
                    title=form.cleaned_data["title"],
                    slug=form.cleaned_data["slug"],
                    start_date=form.cleaned_data["start_date"],
                )
            except PlanParseError as error:  # what only the plan's own years reveal
                form.add_error(None, error.messages)
                preview = None
            else:
                messages.success(
                    request,
                    _("Le plan « %(title)s » a été importé : %(count)s moyens d'action.")
                    % {"title": plan.title, "count": len(preview.parsed.measures)},
                )
                return redirect(reverse("admin:actionplans_plan_change", args=[plan.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Importer un plan pour %(table)s") % {"table": table},
        "table": table,
        "form": form,
        "preview": preview,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "actionplans/plan_import.html", context)
