"""Admin pages that are not plain model forms: "Importer un plan" on a table."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from actionplans.forms import PlanImportForm, PlanOrganisationsForm
from actionplans.imports.documents import import_document, unique_plan_slug
from actionplans.imports.organisations import OrganisationChoiceError, plan_names
from actionplans.imports.parsing import PlanParseError
from actionplans.models import Plan
from actionplans.services import PlanSlugTaken, plan_revise, plan_revision
from partners.models import Organisation


def _imported_already(request, table):
    """The plan this confirmation already created, if it was sent twice (a double click, the
    back button): the preview fixed its slug, so the same confirmation names the same plan."""
    slug, title = request.POST.get("slug", ""), request.POST.get("title", "")
    if not slug or "\x00" in slug + title:  # not a form this page sent: the form says why
        return None
    plan = Plan.objects.filter(table=table, slug=slug, title=title).first()
    if plan is not None:
        messages.warning(
            request,
            _(
                "Le plan « %(title)s » a déjà été importé : ce formulaire a été envoyé deux "
                "fois, et rien n'a été créé de plus."
            )
            % {"title": plan.title},
        )
    return plan


def _outside_pac_kept(request):
    """The measure numbers ticked « hors demande PAC » in the preview; None when the form
    sent no such choice (then the parser's flags stand)."""
    if "outside_pac_choice" not in request.POST:
        return None
    return set(request.POST.getlist("outside_pac"))


def plan_import_view(request, *, table, model_admin):
    """Step 1 (``preview``): upload or paste, see the structured plan. Step 2 (``confirm``):
    the same text, carried in the form with the slug fixed at step 1, becomes a draft plan in
    one transaction; confirming it twice creates one plan."""
    if request.method == "POST" and "confirm" in request.POST:
        if plan := _imported_already(request, table):
            return redirect(reverse("admin:actionplans_plan_change", args=[plan.pk]))
    form = PlanImportForm(
        request.POST or None, request.FILES or None, table=table, user=request.user
    )
    preview = slug = org_form = matched_names = revision = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data["revised_plan"]:
        return _plan_revision_step(request, form, table=table, model_admin=model_admin)
    if request.method == "POST" and form.is_valid():
        preview = form.cleaned_data["preview"]
        slug = form.cleaned_data["slug"] or unique_plan_slug(form.cleaned_data["title"])
        organisations = list(Organisation.objects.of_tables([table.pk]).order_by("name"))
        matched_names, unmatched_names = plan_names(preview.parsed.measures, organisations)
        org_form = PlanOrganisationsForm(
            request.POST if "confirm" in request.POST else None,
            names=unmatched_names,
            organisations=organisations,
        )
        if "confirm" in request.POST and org_form.is_valid():
            try:
                plan = import_document(
                    table=table,
                    preview=preview,
                    title=form.cleaned_data["title"],
                    slug=slug,
                    start_date=form.cleaned_data["start_date"],
                    outside_pac=_outside_pac_kept(request),
                    organisation_choices=org_form.choices(),
                )
            except OrganisationChoiceError as error:  # the preview stays, with the choices
                org_form.add_error(None, error.messages)
            except PlanParseError as error:  # what only the plan's own years reveal
                form.add_error(None, error.messages)
                preview = None
            except PlanSlugTaken:
                if plan := _imported_already(request, table):
                    return redirect(reverse("admin:actionplans_plan_change", args=[plan.pk]))
                form.add_error("slug", _("Un plan porte déjà cet identifiant."))
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
        "revision": revision,
        "slug": slug,
        "org_form": org_form,
        "matched_names": matched_names,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "actionplans/plan_import.html", context)


def _revision_message(revision):
    return _(
        "Le plan « %(title)s » a été révisé. Moyens d'action ajoutés : %(added)s ; modifiés : "
        "%(changed)s ; retirés : %(removed)s (archivés avec leurs activités : %(archived)s)."
    ) % {
        "title": revision.plan.title,
        "added": len(revision.added),
        "changed": len(revision.changed),
        "removed": len(revision.removed),
        "archived": revision.archived_count,
    }


def _plan_revision_step(request, form, *, table, model_admin):
    """A revised document for one of the table's plans: the preview shows what would change
    (:mod:`actionplans.imports.revisions`); the confirmation applies it. Sent twice, the second
    confirmation finds the plan already revised and changes nothing."""
    plan, preview = form.cleaned_data["revised_plan"], form.cleaned_data["preview"]
    revision = None
    try:
        if "confirm" in request.POST:
            revision = plan_revise(plan=plan, parsed=preview.parsed)
        else:
            revision = plan_revision(plan=plan, parsed=preview.parsed)
    except PlanParseError as error:
        form.add_error(None, error.messages)
        preview = revision = None
    else:
        if "confirm" in request.POST:
            if revision.is_empty:
                messages.warning(
                    request,
                    _(
                        "Le plan « %(title)s » était déjà à jour : ce formulaire a peut-être été "
                        "envoyé deux fois, et rien n'a été changé."
                    )
                    % {"title": plan.title},
                )
            else:
                messages.success(request, _revision_message(revision))
            return redirect(reverse("admin:actionplans_plan_change", args=[plan.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Importer un plan pour %(table)s") % {"table": table},
        "table": table,
        "form": form,
        "preview": preview,
        "revision": revision,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "actionplans/plan_import.html", context)
