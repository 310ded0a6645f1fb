from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import HistoryAdmin, RuleBookTabularInline, ScopedRelatedFilter
from meetings import admin_polls
from meetings.admin_minutes import MinutesAdminMixin
from meetings.convocations import convene, when
from meetings.documents import check_document
from meetings.members import members_of, members_without_address
from meetings.models import (
    Attendance,
    DatePoll,
    Meeting,
    MeetingDocument,
    PollParticipant,
    PollSlot,
)
from meetings.poll_forms import PollSlotForm, PollSlotFormSet


class MeetingDocumentForm(forms.ModelForm):
    class Meta:
        model = MeetingDocument
        fields = ["title", "file"]
        # No "Currently: <link>": the stored file has no public address; « Télécharger » does.
        widgets = {"file": forms.FileInput}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and hasattr(upload, "content_type"):  # a new upload
            check_document(upload)
        return upload


class MeetingDocumentInline(RuleBookTabularInline):
    model = MeetingDocument
    form = MeetingDocumentForm
    fields = ["title", "file", "download", "uploaded_at"]
    readonly_fields = ["download", "uploaded_at"]

    @admin.display(description=gettext_lazy("fichier déposé"))
    def download(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("meetings:document", args=[obj.pk]), _("Télécharger")
        )


class AttendanceInline(RuleBookTabularInline):
    """The convocations sent: answers given by the members (read-only), and after the meeting
    whether each person came (the only thing the coordinator records here)."""

    model = Attendance
    fields = [
        "name",
        "organisation",
        "email",
        "answer",
        "represented_by",
        "answered_at",
        "attended",
    ]
    readonly_fields = ["name", "organisation", "email", "answer", "represented_by", "answered_at"]
    verbose_name_plural = gettext_lazy("Convocations, réponses et présences")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(Meeting)
class MeetingAdmin(MinutesAdminMixin, HistoryAdmin):
    list_display = ["starts_at", "meeting_name", "table", "committee", "mode", "convened_at"]
    list_filter = ["mode", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "committee"]
    search_fields = ["title", "agenda", "minutes"]
    date_hierarchy = "starts_at"
    inlines = [MeetingDocumentInline, AttendanceInline]
    readonly_fields = ["convened_at", "answers"]
    fieldsets = [
        (gettext_lazy("Quoi"), {"fields": ["table", "committee", "title"]}),
        (gettext_lazy("Quand"), {"fields": ["starts_at", "ends_at"]}),
        (gettext_lazy("Où"), {"fields": ["mode", "location", "online_url"]}),
        (gettext_lazy("Ordre du jour"), {"fields": ["agenda"]}),
        (gettext_lazy("Calendrier public"), {"fields": ["is_public"]}),
        (gettext_lazy("Convocation"), {"fields": ["convened_at", "answers"]}),
        (gettext_lazy("Compte rendu"), {"fields": ["minutes", "minutes_sent_at"]}),
    ]

    @admin.display(description=gettext_lazy("rencontre"), ordering="title")
    def meeting_name(self, obj):
        return obj.name

    @admin.display(description=gettext_lazy("réponses"))
    def answers(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        counts = dict(obj.attendances.values_list("answer").annotate(count=Count("pk")).order_by())
        attended = obj.attendances.filter(attended=True).count()
        parts = [(label, counts.get(value, 0)) for value, label in Attendance.Answer.choices]
        parts.append((_("Présence constatée"), attended))
        return format_html_join(" · ", "{} : {}", parts)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/convoquer/",
                self.admin_site.admin_view(self.convene_view),
                name="meetings_meeting_convene",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        meeting = self.get_object(request, object_id)
        extra_context["can_convene"] = request.user.has_perm("meetings.convene_meeting", meeting)
        return super().change_view(request, object_id, form_url, extra_context)

    def convene_view(self, request, object_id):
        """« Convoquer les membres »: who will receive it, then a button that sends it."""
        meeting = self.get_object(request, object_id)  # another table's meeting: 404
        if not request.user.has_perm("meetings.convene_meeting", meeting):
            raise PermissionDenied
        change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
        members = members_of(meeting.table, meeting.committee)
        ended = meeting.end < timezone.now()
        if request.method == "POST":
            if ended:
                self.message_user(
                    request,
                    _("Cette rencontre a déjà eu lieu : aucune convocation n'a été envoyée."),
                    messages.ERROR,
                )
            elif not members:
                self.message_user(
                    request,
                    _("Cette rencontre n'a aucun membre à convoquer : rien n'a été envoyé."),
                    messages.WARNING,
                )
            else:
                sent = convene(meeting, by=request.user)
                self.message_user(
                    request,
                    _("Convocation envoyée à %(count)s membre(s).") % {"count": len(sent)},
                    messages.SUCCESS,
                )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Convoquer les membres"),
            "opts": self.opts,
            "meeting": meeting,
            "when": when(meeting),
            "members": members,
            "unreachable": members_without_address(meeting.table, meeting.committee),
            "ended": ended,
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/meetings/meeting/convene.html", context)


class PollSlotInline(RuleBookTabularInline):
    """The proposed dates: a day, a start and an end, in Montreal time."""

    model = PollSlot
    form = PollSlotForm
    formset = PollSlotFormSet
    fields = ["day", "start", "end"]
    extra = 3


class PollParticipantInline(RuleBookTabularInline):
    """Who received the poll (added by « Envoyer le sondage », never by hand)."""

    model = PollParticipant
    fields = ["name", "email", "answered_at"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("membres invités")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DatePoll)
class DatePollAdmin(HistoryAdmin):
    list_display = ["title", "table", "committee", "closes_on", "sent_at", "meeting"]
    list_filter = [("table", ScopedRelatedFilter)]
    list_select_related = ["table", "committee", "meeting"]
    search_fields = ["title", "description"]
    fields = ["table", "committee", "title", "description", "closes_on"]
    readonly_fields = ["created_by", "sent_at", "meeting"]
    inlines = [PollSlotInline, PollParticipantInline]

    def get_fields(self, request, obj=None):
        return self.fields + (self.readonly_fields if obj is not None else [])

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/envoyer/",
                self.admin_site.admin_view(self.send_view),
                name="meetings_datepoll_send",
            ),
            path(
                "<path:object_id>/resultats/",
                self.admin_site.admin_view(self.results_view),
                name="meetings_datepoll_results",
            ),
            path(
                "<path:object_id>/choisir/<int:slot_id>/",
                self.admin_site.admin_view(self.choose_view),
                name="meetings_datepoll_choose",
            ),
            *super().get_urls(),
        ]

    def _poll(self, request, object_id):
        return self.get_object(request, object_id)  # another table's poll: 404

    def send_view(self, request, object_id):
        poll = self._poll(request, object_id)
        return admin_polls.poll_send_view(request, poll=poll, model_admin=self)

    def results_view(self, request, object_id):
        poll = self._poll(request, object_id)
        return admin_polls.poll_results_view(request, poll=poll, model_admin=self)

    def choose_view(self, request, object_id, slot_id):
        poll = self._poll(request, object_id)
        return admin_polls.poll_choose_view(request, poll=poll, slot_id=slot_id, model_admin=self)
