from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin, ScopedRelatedFilter
from events.models import Event, EventSeries


@admin.register(EventSeries)
class EventSeriesAdmin(HistoryAdmin):
    list_display = ["title", "table"]
    list_select_related = ["table"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["title", "start", "table", "municipality", "kind", "is_public"]
    list_filter = ["kind", "audience", "is_public", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "municipality"]
    search_fields = ["title", "description", "location"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipality", "organisers", "measures"]
    fieldsets = [
        (None, {"fields": ["table", "series", "title", "slug", "kind", "audience", "is_public"]}),
        (_("Quand et où"), {"fields": ["start", "end", "location", "online_url", "municipality"]}),
        (None, {"fields": ["description", "organisers", "measures"]}),
    ]
