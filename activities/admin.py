from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from activities.models import Activity, IndicatorValue
from portal.admin_base import ScopedRelatedFilter, ScopedTabularInline, TableScopedAdmin


class IndicatorValueInline(ScopedTabularInline):
    model = IndicatorValue
    fields = ["indicator", "value"]


@admin.register(Activity)
class ActivityAdmin(TableScopedAdmin, SimpleHistoryAdmin):
    """Reports are written on the web forms; here coordinators search them and read their history."""

    table_lookup = "measure__objective__axis__plan__table"
    list_display = ["date", "title", "measure", "organisation", "status", "is_deleted"]
    list_filter = ["status", "is_deleted", ("measure__objective__axis__plan", ScopedRelatedFilter)]
    list_select_related = ["measure", "organisation"]
    search_fields = ["title", "description", "measure__number", "organisation__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["measure", "municipalities", "event"]
    readonly_fields = ["author", "organisation", "submitted_at", "reviewed_by", "reviewed_at"]
    inlines = [IndicatorValueInline]

    def has_add_permission(self, request):
        return False
