from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect

from activities import services
from activities.models import Activity, Attachment, IndicatorValue
from common.admin import HistoryAdmin, RuleBookTabularInline, ScopedRelatedFilter


class IndicatorValueInline(RuleBookTabularInline):
    model = IndicatorValue
    fields = ["indicator", "value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(HistoryAdmin):
    """Activities are declared and reviewed on the portal's pages, through the workflow
    (``activities.services``); here coordinators search them, read their history and delete
    them, softly. Nothing here changes a status or bypasses a review."""

    list_display = ["date", "title", "measure", "organisation", "status", "is_deleted"]
    list_filter = ["status", "is_deleted", ("measure__objective__axis__plan", ScopedRelatedFilter)]
    list_select_related = ["measure", "organisation"]
    search_fields = ["title", "description", "measure__number", "organisation__name"]
    date_hierarchy = "date"
    inlines = [IndicatorValueInline]
    history_related = [(Attachment, "activity")]
    # The back office's tables, soft-deleted activities included (filter "supprimée").
    scope = "readable_by"
    fields = [
        "measure",
        "organisation",
        "author",
        "date",
        "title",
        "description",
        "municipalities",
        "participants",
        "participants_immigrant",
        "participants_host",
        "amount_spent",
        "event",
        "status",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "is_deleted",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _lock_reason(self, request, object_id):
        activity = self.get_object(request, unquote(object_id))
        if activity is None:
            return ""
        try:
            services.activity_open_check(activity)
        except services.ActivityLocked as error:
            return str(error)
        return ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if reason := self._lock_reason(request, object_id):
            messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        """An activity of a locked period is not deleted: back to it, with the reason (the
        rule book refuses the permission too, so nothing reaches the service)."""
        if reason := self._lock_reason(request, object_id):
            messages.error(request, reason)
            return redirect("admin:activities_activity_change", object_id)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.activity_delete(activity=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            try:
                services.activity_delete(activity=activity, user=request.user)
            except services.ActivityLocked as error:
                self.message_user(request, f"{activity} : {error}", messages.ERROR)
