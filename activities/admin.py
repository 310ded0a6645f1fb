from django.contrib import admin, messages

from actionplans.admin import LockedPeriodAdmin
from activities import services
from activities.models import Activity, Attachment, IndicatorValue
from common.admin import RuleBookTabularInline, ScopedRelatedFilter


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
class ActivityAdmin(LockedPeriodAdmin):
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

    def lock_reason(self, activity):
        try:
            services.activity_open_check(activity)
        except services.ActivityLocked as error:
            return str(error)
        return ""

    def delete_model(self, request, obj):
        services.activity_delete(activity=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            try:
                services.activity_delete(activity=activity, user=request.user)
            except services.ActivityLocked as error:
                self.message_user(request, f"{activity} : {error}", messages.ERROR)
