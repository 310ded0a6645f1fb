from django.contrib import admin

from municipalities.models import Mrc, Municipality, Region
from portal import permissions
from portal.admin_base import (
    RoleAdmin,
    TableScopedAdmin,
)


@admin.register(Region)
class RegionAdmin(RoleAdmin):
    coordinators_edit = False
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Mrc)
class MrcAdmin(RoleAdmin):
    coordinators_edit = False
    list_display = ["name", "region", "geographic_code"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(TableScopedAdmin):
    """Coordinators keep the municipalities of their territory up to date (contact, website)."""

    table_lookup = "mrc__tables"
    list_display = ["name", "mrc", "geographic_code", "contact"]
    list_filter = ["mrc__region", "mrc"]
    list_select_related = ["mrc", "contact__organisation"]
    search_fields = ["name", "geographic_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["contact"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def may_view(self, user, obj):
        """A municipality belongs to every table whose territory covers its MRC."""
        if permissions.sees_all_tables(user):
            return True
        return obj.mrc.tables.filter(pk__in=permissions.coordinated_table_ids(user)).exists()

    def may_manage(self, user, obj):
        return user.is_superuser or (permissions.is_coordinator(user) and self.may_view(user, obj))
