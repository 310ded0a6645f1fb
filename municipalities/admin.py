"""Geography in the admin; its rules are in ``partners/rules.py`` (they depend on the tables'
territories)."""

from django.contrib import admin

from common.admin import HistoryAdmin
from municipalities.models import Mrc, Municipality, Region


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Mrc)
class MrcAdmin(HistoryAdmin):
    list_display = ["name", "region", "geographic_code"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(HistoryAdmin):
    """Coordinators keep the municipalities of their territory up to date (contact, website)."""

    list_display = ["name", "mrc", "geographic_code", "contact"]
    list_filter = ["mrc__region", "mrc"]
    list_select_related = ["mrc", "contact__organisation"]
    search_fields = ["name", "geographic_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["contact"]
