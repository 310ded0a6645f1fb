"""Diffusion kits on the public site: read, personalise, copy, download; adoption follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.conditional import conditional_page
from common.responses import file_response, stored_file_response
from kits import exports
from kits.forms import AdoptionForm
from kits.models import Kit, KitAdoption
from kits.placeholders import personalise, personalise_kit
from kits.services import kit_adoption_mark
from municipalities.models import Municipality
from partners.models import Table


def _kit_or_404(slug, user=None):
    """A published kit; its table's coordinators also preview it before publishing."""
    kits = Kit.objects.select_related("table", "organisation").prefetch_related("blocks", "assets")
    kit = get_object_or_404(kits, slug=slug)
    if not kit.is_published and not (user and user.has_perm("kits.change_kit", kit)):
        raise Http404
    return kit


def _territory(kit):
    return (
        Municipality.objects.filter(mrc__tables=kit.table_id).select_related("mrc").order_by("name")
    )


@login_not_required
@conditional_page()
def kit_list(request):
    kits = (
        Kit.objects.published()
        .select_related("table")
        .annotate(done=Count("adoptions", filter=Q(adoptions__status=KitAdoption.Status.DONE)))
        .order_by("table__name", "number")
    )
    return render(request, "kits/kit_list.html", {"kits": kits})


@login_not_required
@conditional_page()
def kit_detail(request, slug):
    kit = _kit_or_404(slug, request.user)
    chosen = request.GET.get("municipalite")
    territory = _territory(kit)
    if chosen:
        # Only a slug reaches the query (PostgreSQL refuses a NUL byte with a server error).
        municipality = territory.filter(slug=chosen).first() if slug_re.match(chosen) else None
        if municipality is not None:
            return redirect("kits:personalised", slug=kit.slug, municipality=municipality.slug)
        messages.error(
            request,
            _(
                "Cette municipalité n'est pas dans le territoire de la trousse : choisissez la "
                "vôtre dans la liste."
            ),
        )
        return render(request, "kits/kit_detail.html", _kit_context(kit, territory), status=404)
    return render(request, "kits/kit_detail.html", _kit_context(kit, territory))


def _kit_context(kit, territory, municipality=None):
    territory = list(territory)
    done = kit.adoptions.filter(status=KitAdoption.Status.DONE, municipality__in=territory).count()
    sections = [
        (_("Quoi ?"), kit.what),
        (_("Quand ?"), kit.when),
        (_("Comment ?"), kit.how),
    ]
    return {
        "kit": kit,
        "territory": territory,
        "done_count": done,
        "municipality": municipality,
        "sections": [
            (title, personalise(kit, municipality, text)[0] if municipality else None, text)
            for title, text in sections
            if text
        ],
    }


@login_not_required
@conditional_page()
def kit_personalised(request, slug, municipality):
    kit = _kit_or_404(slug, request.user)
    territory = _territory(kit)
    municipality = get_object_or_404(
        territory.select_related("contact__organisation"), slug=municipality
    )
    context = _kit_context(kit, territory, municipality)
    context["blocks"] = personalise_kit(kit, municipality)
    adoption = kit.adoptions.filter(municipality=municipality).first()
    context["adoption"] = adoption
    if request.user.has_perm("kits.mark_adoption", KitAdoption(kit=kit, municipality=municipality)):
        context["adoption_form"] = AdoptionForm(
            initial={
                "status": adoption.status if adoption else KitAdoption.Status.DONE,
                "done_on": adoption.done_on if adoption else None,
                "published_url": adoption.published_url if adoption else "",
            }
        )
    return render(request, "kits/kit_personalised.html", context)


@login_required
@require_POST
def adoption_update(request, slug, municipality):
    kit = _kit_or_404(slug)
    municipality = get_object_or_404(_territory(kit), slug=municipality)
    if not request.user.has_perm(
        "kits.mark_adoption", KitAdoption(kit=kit, municipality=municipality)
    ):
        raise PermissionDenied(
            _(
                "Seules les personnes désignées de cette municipalité et la coordination de la table peuvent l'indiquer."
            )
        )
    form = AdoptionForm(request.POST)
    if form.is_valid():
        kit_adoption_mark(
            kit=kit, municipality=municipality, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Merci ! L'adoption de la trousse est enregistrée."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("kits:personalised", slug=kit.slug, municipality=municipality.slug)


@login_not_required
def asset_download(request, slug, asset_pk):
    kit = _kit_or_404(slug, request.user)
    asset = get_object_or_404(kit.assets, pk=asset_pk)
    return stored_file_response(
        asset.file, filename=asset.download_name, content_type=asset.content_type
    )


@login_not_required
def kit_zip(request, slug):
    """The kit's texts and files; ``?municipalite=<slug>``: the texts personalised for it."""
    kit = _kit_or_404(slug, request.user)
    municipality = None
    if chosen := request.GET.get("municipalite"):
        if not slug_re.match(chosen):
            raise Http404
        municipality = get_object_or_404(
            _territory(kit).select_related("contact__organisation"), slug=chosen
        )
    filename, content_type, chunks = exports.kit_zip(kit, municipality)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _coordinated_table(request, table_slug):
    table = get_object_or_404(Table, slug=table_slug)
    if not request.user.has_perm("kits.view_adoption_matrix", table):
        raise PermissionDenied(
            _("Le suivi des trousses est réservé à la coordination de la table.")
        )
    return table


@login_required
def adoption_matrix(request, table_slug):
    table = _coordinated_table(request, table_slug)
    kits, rows = exports.adoption_matrix(table)
    return render(request, "kits/kit_matrix.html", {"table": table, "kits": kits, "rows": rows})


@login_required
def adoption_matrix_xlsx(request, table_slug):
    table = _coordinated_table(request, table_slug)
    return file_response(*exports.adoption_xlsx(table))
