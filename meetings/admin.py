from django.contrib import admin

from common.admin import HistoryAdmin, ScopedRelatedFilter
from meetings.admin_minutes import MinutesAdminMixin
from meetings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(MinutesAdminMixin, HistoryAdmin):
    list_display = ["starts_at", "name", "table", "committee", "mode", "convened_at"]
    list_filter = ["mode", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "committee"]
    search_fields = ["title", "agenda", "minutes"]
    date_hierarchy = "starts_at"
