from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from actionplans.admin_views import plan_import_view
from partners.models import Committee, Invitation, Meeting, Membership, Organisation, Person, Table
from portal.admin_base import (
    RoleAdmin,
    ScopedRelatedFilter,
    ScopedTabularInline,
    TableScopedAdmin,
)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["first_name", "last_name", "title", "email", "phone"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(RoleAdmin):
    list_display = ["name", "acronym", "kind", "municipality", "is_listed"]
    list_filter = ["kind", "is_listed", "territory"]
    list_select_related = ["municipality"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory", "municipality"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(RoleAdmin):
    list_display = ["__str__", "title", "organisation", "email"]
    list_select_related = ["organisation"]
    list_filter = ["organisation__kind"]
    search_fields = [
        "first_name",
        "last_name",
        "title",
        "organisation__name",
        "organisation__acronym",
    ]
    autocomplete_fields = ["organisation", "user"]


class CommitteeInline(ScopedTabularInline):
    model = Committee
    fields = ["name", "kind", "municipality"]
    autocomplete_fields = ["municipality"]
    show_change_link = True


class TableMembershipInline(ScopedTabularInline):
    model = Membership
    fields = ["organisation", "person", "role"]
    autocomplete_fields = ["organisation", "person"]
    verbose_name_plural = _("Organisations membres de la table")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(committee__isnull=True)


@admin.register(Table)
class TableAdmin(TableScopedAdmin):
    table_lookup = ""
    list_display = ["name", "carrier", "territory"]
    list_select_related = ["carrier"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["carrier", "mrcs", "coordinators"]
    inlines = [CommitteeInline, TableMembershipInline]
    fields = [
        "name",
        "slug",
        "carrier",
        "mrcs",
        "description",
        "website",
        "meeting_cadence",
        "coordinators",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mrcs")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/importer-un-plan/",
                self.admin_site.admin_view(self.import_plan_view),
                name="partners_table_import_plan",
            ),
            *super().get_urls(),
        ]

    def import_plan_view(self, request, object_id):
        table = self.get_object(request, object_id)
        if not self.has_change_permission(request, table):
            raise PermissionDenied
        return plan_import_view(request, table=table, model_admin=self)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["coordinators"]

    @admin.display(description=_("territoire"))
    def territory(self, table):
        return ", ".join(mrc.name for mrc in table.mrcs.all())


class CommitteeMembershipInline(ScopedTabularInline):
    model = Membership
    fields = ["table", "organisation", "person", "role"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(Committee)
class CommitteeAdmin(TableScopedAdmin):
    table_lookup = "table"
    list_display = ["name", "kind", "table", "municipality"]
    list_filter = ["kind", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "municipality"]
    search_fields = ["name", "mandate"]
    autocomplete_fields = ["municipality"]
    inlines = [CommitteeMembershipInline]


@admin.register(Membership)
class MembershipAdmin(TableScopedAdmin):
    table_lookup = "table"
    list_display = ["organisation", "table", "committee", "person", "role"]
    list_filter = [("table", ScopedRelatedFilter)]
    list_select_related = ["organisation", "table", "committee", "person__organisation"]
    search_fields = ["organisation__name", "role"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(Meeting)
class MeetingAdmin(TableScopedAdmin, SimpleHistoryAdmin):
    table_lookup = "table"
    list_display = ["starts_at", "table", "committee", "mode"]
    list_filter = ["mode", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "committee"]
    search_fields = ["agenda", "minutes"]
    date_hierarchy = "starts_at"


@admin.register(Invitation)
class InvitationAdmin(TableScopedAdmin):
    """Who was invited, by whom, and whether they came in (invitations are sent from
    "Mon espace → Inviter une personne" or ``manage.py invite``)."""

    table_lookup = "table"
    list_display = [
        "email",
        "organisation",
        "role",
        "table",
        "invited_by",
        "created_at",
        "accepted_at",
    ]
    list_filter = ["role", ("table", ScopedRelatedFilter)]
    list_select_related = ["organisation", "table", "invited_by"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [
        "email",
        "organisation",
        "role",
        "table",
        "user",
        "invited_by",
        "created_at",
        "accepted_at",
    ]

    def has_add_permission(self, request):
        return False
