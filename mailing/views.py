"""The list's public pages: subscribing from the table's page (double opt-in), confirming and
unsubscribing by signed links without an account, and the archive of messages sent to the
whole list."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common import links as signed_links
from mailing import links, selectors, services
from mailing.forms import CONSENT_WORDING, SubscribeForm
from mailing.models import Subscriber
from partners.models import Table


@login_not_required
@require_http_methods(["GET", "POST"])
def subscribe(request, table_slug):
    """The table page's form, posted here; shown alone again when something is missing. The
    answer is the same whatever the address's state: it reveals no subscription."""
    table = get_object_or_404(Table, slug=table_slug)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    requested = False
    if form.is_bound and form.is_valid():
        with translation.override("fr"):  # the evidence keeps the French wording
            wording = str(CONSENT_WORDING)
        services.subscriber_request(
            table=table,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            consent_wording=wording,
        )
        requested = True
    return render(
        request,
        "mailing/subscribe.html",
        {"table": table, "form": form, "requested": requested},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The double opt-in's link: a button (a mail scanner's GET confirms nothing), once."""
    try:
        subscriber = links.subscriber_to_confirm(token)
    except signed_links.InvalidLink as error:
        return signed_links.refused(request, error)
    if subscriber.status != Subscriber.Status.PENDING and request.method == "GET":
        return signed_links.refused(
            request, message=_("Ce lien a déjà servi : cette inscription n'attend plus rien.")
        )
    confirmed = False
    if request.method == "POST":
        confirmed = services.subscriber_confirm(subscriber=subscriber)
        if not confirmed:
            return signed_links.refused(
                request, message=_("Ce lien a déjà servi : cette inscription n'attend plus rien.")
            )
    return render(
        request, "mailing/confirm.html", {"subscriber": subscriber, "confirmed": confirmed}
    )


@csrf_exempt  # RFC 8058: mail clients POST « List-Unsubscribe=One-Click » without a token
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button; POST (the button, or a mail client's one click) unsubscribes. The
    signed token is the only key: nothing else on this URL writes."""
    try:
        subscriber = links.subscriber_to_unsubscribe(token)
    except signed_links.InvalidLink as error:
        return signed_links.refused(request, error)
    done = subscriber.status == Subscriber.Status.UNSUBSCRIBED
    if request.method == "POST":
        services.subscriber_unsubscribe(
            subscriber=subscriber, reason=_("Désabonnement par le lien du courriel")
        )
        done = True
    return render(request, "mailing/unsubscribe.html", {"subscriber": subscriber, "done": done})


def _table(slug):
    return get_object_or_404(Table.objects.only("pk", "name", "slug"), slug=slug)


@login_not_required
def archive(request, table_slug):
    table = _table(table_slug)
    archived = selectors.archive(table).only("pk", "subject", "sent_at", "table_id")
    return render(request, "mailing/archive.html", {"table": table, "archived": archived})


@login_not_required
def archive_detail(request, table_slug, pk):
    table = _table(table_slug)
    message = selectors.archive(table).filter(pk=pk).first()
    if message is None:
        raise Http404
    message.table = table
    return render(request, "mailing/archive_detail.html", {"table": table, "message": message})
