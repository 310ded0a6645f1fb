"""The coordinators' side of the list: subscribers with their consent (read-only once given),
the CSV import and « Ajouter les membres de la table », messages with their preview, sending
and progress, and « Annoncer à la liste d'envoi » from an event."""

from django.contrib import admin, messages
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import HistoryAdmin, ScopedRelatedFilter
from mailing import admin_views, services
from mailing.models import Delivery, Message, Subscriber

CONSENT_FIELDS = [
    "status",
    "source",
    "consented_at",
    "consent_evidence",
    "confirmed_at",
    "unsubscribed_at",
    "bounced_at",
    "bounce_reason",
    "created_at",
]


@admin.register(Subscriber)
class SubscriberAdmin(HistoryAdmin):
    list_display = ["email", "name", "organisation", "status", "source", "consented_at", "table"]
    list_filter = ["status", "source", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "organisation"]
    search_fields = ["email", "name", "organisation__name"]
    autocomplete_fields = ["organisation", "municipality"]
    actions = ["unsubscribe_selected", "mark_bounced_selected"]
    change_list_template = "admin/mailing/subscriber/change_list.html"
    # Reverting would subscribe again an address that unsubscribed: the history is read only.
    revert_allowed = False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["table", "email", "name", "organisation", "municipality", "consent_evidence"]
        return ["table", "email", "name", "organisation", "municipality", *CONSENT_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        # The consent, once recorded, is evidence: nobody rewrites it, nor the address.
        return [] if obj is None else ["table", "email", *CONSENT_FIELDS]

    def save_model(self, request, obj, form, change):
        if not change:
            services.subscriber_prepare_added(subscriber=obj, by=request.user)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="mailing_subscriber_import",
            ),
            path(
                "membres/",
                self.admin_site.admin_view(self.add_members_view),
                name="mailing_subscriber_add_members",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return admin_views.import_view(request, model_admin=self)

    def add_members_view(self, request):
        return admin_views.add_members_view(request, model_admin=self)

    @admin.action(description=_("Désabonner (la personne l'a demandé)"), permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = sum(
            services.subscriber_unsubscribe(
                subscriber=subscriber,
                reason=_("Désabonné par la coordination à la demande de la personne"),
            )
            for subscriber in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)s adresse désabonnée.", "%(count)s adresses désabonnées.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Marquer en erreur (courriel revenu)"), permissions=["change"])
    def mark_bounced_selected(self, request, queryset):
        count = 0
        for subscriber in queryset.exclude(status=Subscriber.Status.BOUNCED):
            count += services.subscriber_mark_bounced(
                subscriber=subscriber, reason=str(_("Marquée en erreur par la coordination"))
            )
        self.message_user(
            request,
            ngettext(
                "%(count)s adresse marquée en erreur.",
                "%(count)s adresses marquées en erreur.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Message)
class MessageAdmin(HistoryAdmin):
    list_display = ["subject", "table", "segment", "status", "recipients_count", "sent_at"]
    list_filter = ["status", "segment", ("table", ScopedRelatedFilter)]
    list_select_related = ["table"]
    search_fields = ["subject", "body"]
    change_form_template = "admin/mailing/message/change_form.html"
    # Reverting a sent message to its draft would let it go out twice.
    revert_allowed = False
    fieldsets = [
        (None, {"fields": ["table", "subject", "body"]}),
        (
            _("Destinataires"),
            {
                "fields": ["segment", "committee", "municipality", "organisation_kind"],
                "description": _(
                    "Seules les adresses abonnées reçoivent le message : jamais celles qui "
                    "attendent leur confirmation, se sont désabonnées ou sont en erreur."
                ),
            },
        ),
        (_("Annonce"), {"fields": ["event"]}),
        (_("Envoi"), {"fields": ["status", "created_by", "queued_at", "sent_at"]}),
    ]
    autocomplete_fields = ["municipality"]

    def get_readonly_fields(self, request, obj=None):
        progress = ["status", "created_by", "queued_at", "sent_at"]
        if obj is not None and not obj.is_draft:
            return [
                "table",
                "subject",
                "body",
                "segment",
                "committee",
                "municipality",
                "organisation_kind",
                "event",
                *progress,
            ]
        return progress

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_send": obj.is_draft and request.user.has_perm("mailing.send_message", obj),
            "failures": obj.deliveries.filter(status=Delivery.Status.FAILED).select_related(
                "subscriber"
            )[:20],
            "in_progress": obj.status in (Message.Status.QUEUED, Message.Status.SENDING),
            "now": timezone.now(),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/apercu/",
                self.admin_site.admin_view(self.preview_view),
                name="mailing_message_preview",
            ),
            path(
                "<path:object_id>/envoyer/",
                self.admin_site.admin_view(self.send_view),
                name="mailing_message_send",
            ),
            path(
                "annoncer/<int:event_id>/",
                self.admin_site.admin_view(self.announce_view),
                name="mailing_message_announce",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        return admin_views.preview_view(request, self.get_object(request, object_id), self)

    def send_view(self, request, object_id):
        return admin_views.send_view(request, self.get_object(request, object_id), self)

    def announce_view(self, request, event_id):
        return admin_views.announce_view(request, event_id, self)
