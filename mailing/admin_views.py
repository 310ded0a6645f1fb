"""Admin pages that are not plain model forms: the CSV import, « Ajouter les membres de la
table », a message's preview, « Envoyer » and « Annoncer à la liste d'envoi »."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event
from mailing import imports, selectors, services
from mailing.forms import IMPORT_CONSENT_WORDING, ImportForm, SendForm, TableChoiceForm
from mailing.models import Subscriber
from mailing.sending import build_email


def _context(request, model_admin, title, **values):
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        **values,
    }


def _may_add(request, model_admin):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied


def import_view(request, *, model_admin):
    """Upload → the preview with each row's outcome → the consent box and « Importer »: one
    transaction; a file with a malformed address imports nothing."""
    _may_add(request, model_admin)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        table = form.cleaned_data["table"]
        preview = imports.preview_import(table, form.cleaned_data["content"])
        if "confirm" in request.POST and preview.usable:
            if not form.cleaned_data["consent"]:
                form.add_error("consent", _("Cochez la case : sans consentement, pas d'envoi."))
            else:
                with translation.override("fr"):
                    wording = str(IMPORT_CONSENT_WORDING)
                added = services.subscribers_import(
                    table=table,
                    rows=preview.new_rows,
                    filename=form.cleaned_data["filename"] or "?",
                    by=request.user,
                    consent_wording=wording,
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)s adresse importée dans la liste de %(table)s.",
                        "%(count)s adresses importées dans la liste de %(table)s.",
                        len(added),
                    )
                    % {"count": len(added), "table": table},
                )
                return redirect(reverse("admin:mailing_subscriber_changelist"))
        if not request.POST.get("content"):  # the next step carries the file's text
            form = ImportForm(
                {
                    **request.POST.dict(),
                    "content": form.cleaned_data["content"],
                    "filename": form.cleaned_data["filename"],
                },
                user=request.user,
            )
            form.is_valid()
    return TemplateResponse(
        request,
        "admin/mailing/subscriber/import.html",
        _context(
            request, model_admin, _("Importer une liste d'adresses"), form=form, preview=preview
        ),
        status=400 if preview is not None and not preview.usable else 200,
    )


def add_members_view(request, *, model_admin):
    """« Ajouter les membres de la table »: who would be added, then the button that does it."""
    _may_add(request, model_admin)
    form = TableChoiceForm(request.POST or request.GET or None, user=request.user)
    people = None
    if form.is_bound and form.is_valid():
        table = form.cleaned_data["table"]
        if request.method == "POST" and "confirm" in request.POST:
            added = services.subscribers_add_members(table=table, by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)s personne ajoutée à la liste de %(table)s.",
                    "%(count)s personnes ajoutées à la liste de %(table)s.",
                    len(added),
                )
                % {"count": len(added), "table": table},
            )
            return redirect(reverse("admin:mailing_subscriber_changelist"))
        people = services.members_to_add(table)
    return TemplateResponse(
        request,
        "admin/mailing/subscriber/add_members.html",
        _context(
            request, model_admin, _("Ajouter les membres de la table"), form=form, people=people
        ),
    )


def preview_view(request, message, model_admin):
    """The message as a subscriber receives it (the unsubscribe link is a sample's)."""
    # Never a real subscriber's: a click on the preview's link must unsubscribe nobody.
    sample = Subscriber(pk=0, table=message.table, email="exemple@exemple.ca")
    email = build_email(message, sample)
    return TemplateResponse(
        request,
        "admin/mailing/message/preview.html",
        _context(
            request,
            model_admin,
            _("Aperçu : %(subject)s") % {"subject": message.subject},
            message=message,
            email=email,
            html=email.alternatives[0][0],
            recipients=selectors.recipients(message).count(),
        ),
    )


def send_view(request, message, model_admin):
    """« Envoyer »: the exact number of recipients, then the queue. Sent once."""
    if not request.user.has_perm("mailing.send_message", message):
        raise PermissionDenied
    change_url = reverse("admin:mailing_message_change", args=[message.pk])
    if not message.is_draft:
        messages.error(request, _("Ce message a déjà été envoyé : il ne part qu'une fois."))
        return redirect(change_url)
    count = selectors.recipients(message).count()
    form = SendForm(request.POST or None, initial={"recipients": count})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["recipients"] != count:
            messages.warning(
                request, _("La liste a changé depuis l'affichage : vérifiez le nombre ci-dessous.")
            )
            form = SendForm(initial={"recipients": count})
        elif count == 0:
            messages.error(request, _("Personne ne recevrait ce message : rien n'est envoyé."))
        else:
            try:
                services.message_queue(message=message, by=request.user)
            except services.MessageNotDraft:
                messages.error(request, _("Ce message a déjà été envoyé : il ne part qu'une fois."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Le message part vers %(count)s abonné : suivez l'envoi ci-dessous.",
                        "Le message part vers %(count)s abonnés : suivez l'envoi ci-dessous.",
                        count,
                    )
                    % {"count": count},
                )
            return redirect(change_url)
    return TemplateResponse(
        request,
        "admin/mailing/message/send.html",
        _context(
            request,
            model_admin,
            _("Envoyer : %(subject)s") % {"subject": message.subject},
            message=message,
            form=form,
            count=count,
            change_url=change_url,
        ),
    )


def announce_view(request, event_id, model_admin):
    """« Annoncer à la liste d'envoi » (a POST from the event's page): a draft, then its page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = get_object_or_404(
        Event.objects.readable_by(request.user).select_related("municipality"), pk=event_id
    )
    if not request.user.has_perm("mailing.add_message", event):
        raise PermissionDenied
    message = services.message_announce(event=event, by=request.user)
    messages.success(
        request, _("Le brouillon de l'annonce est prêt : relisez-le, puis envoyez-le.")
    )
    if not event.is_public:
        messages.warning(
            request,
            _("Cet événement n'est pas public : l'annonce ne donne pas de lien vers sa page."),
        )
    return redirect(reverse("admin:mailing_message_change", args=[message.pk]))
