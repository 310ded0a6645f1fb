from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin, RuleBookTabularInline, ScopedRelatedFilter
from meetings import admin_polls
from meetings.models import DatePoll, Meeting, PollParticipant, PollSlot
from meetings.poll_forms import PollSlotForm, PollSlotFormSet


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ["starts_at", "name", "table", "committee", "mode", "convened_at"]
    list_filter = ["mode", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "committee"]
    search_fields = ["title", "agenda", "minutes"]
    date_hierarchy = "starts_at"


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
    verbose_name_plural = _("membres invités")

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
