from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin, RuleBookTabularInline, ScopedRelatedFilter
from common.responses import file_response
from events import exports, services
from events.models import Event, EventSeries, Registration


@admin.register(EventSeries)
class EventSeriesAdmin(HistoryAdmin):
    list_display = ["title", "table"]
    list_select_related = ["table"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}


class RegistrationInline(RuleBookTabularInline):
    """The event's registrations, where the coordinator records who came. People register
    (and cancel) themselves on the public page, so rows are neither added nor deleted here."""

    model = Registration
    fields = ["name", "organisation", "email", "status", "attended"]
    readonly_fields = ["name", "organisation", "email", "status"]
    ordering = ["created_at", "pk"]
    verbose_name_plural = _("inscriptions (présences à noter après l'événement)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["title", "start", "table", "municipality", "kind", "is_public"]
    list_filter = ["kind", "audience", "is_public", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "municipality"]
    search_fields = ["title", "description", "location"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipality", "organisers", "measures"]
    readonly_fields = ["registration_counts"]
    inlines = [RegistrationInline]
    fieldsets = [
        (None, {"fields": ["table", "series", "title", "slug", "kind", "audience", "is_public"]}),
        (_("Quand et où"), {"fields": ["start", "end", "location", "online_url", "municipality"]}),
        (
            _("Inscriptions"),
            {
                "fields": [
                    "registration_required",
                    "capacity",
                    "registration_closes_at",
                    "registration_counts",
                ]
            },
        ),
        (None, {"fields": ["description", "organisers", "measures"]}),
    ]

    @admin.display(description=_("inscrits"))
    def registration_counts(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        Status = Registration.Status
        counts = obj.registrations.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
        )
        text = _("%(confirmed)s confirmées, %(waiting)s en liste d'attente, %(cancelled)s annulées")
        return text % counts

    def save_related(self, request, form, formsets, change):
        """A capacity raised (or removed) gives the free places to the people waiting."""
        super().save_related(request, form, formsets, change)
        if change and form.instance.registration_required:
            services.registrations_promote(event=form.instance)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/presences.xlsx",
                self.admin_site.admin_view(self.attendance_export_view),
                name="events_event_attendance_export",
            ),
            *super().get_urls(),
        ]

    def attendance_export_view(self, request, object_id):
        """« Exporter les présences »: whoever reads the event (its table's coordinators, the
        ministry); another table's coordinator gets a 404."""
        return file_response(*exports.attendance_xlsx(self.get_object(request, object_id)))
