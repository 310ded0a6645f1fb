from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin, RuleBookTabularInline, ScopedRelatedFilter
from partners.models import Committee, Invitation, Membership, Organisation, Person, Table


class PersonInline(RuleBookTabularInline):
    model = Person
    fields = ["first_name", "last_name", "title", "email", "phone"]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "municipality", "is_listed"]
    list_filter = ["kind", "is_listed", "territory"]
    list_select_related = ["municipality"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory", "municipality"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        """A person's account, and the organisation it speaks for, are the superusers' to set:
        a coordinator who could move a person could read another table's drafts."""
        if request.user.is_superuser:
            return []
        return ["user", "organisation"] if obj is not None else ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.of_tables_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CommitteeInline(RuleBookTabularInline):
    model = Committee
    fields = ["name", "kind", "municipality"]
    autocomplete_fields = ["municipality"]
    show_change_link = True


class TableMembershipInline(RuleBookTabularInline):
    model = Membership
    fields = ["organisation", "person", "role"]
    autocomplete_fields = ["organisation", "person"]
    verbose_name_plural = _("Organisations membres de la table")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(committee__isnull=True)


class TableScopeForm(forms.ModelForm):
    """Refuses, rather than ignores, a change to the fields the user sees read-only: a forged
    POST naming other MRCs, another carrier or other coordinators gets an error and the table
    is not saved."""

    guarded_fields = ()  # set per request by TableAdmin.get_form

    def _current(self, name):
        if self.instance.pk is None:
            return set()
        if name == "carrier":
            return {str(self.instance.carrier_id)}
        return {str(pk) for pk in getattr(self.instance, name).values_list("pk", flat=True)}

    def clean(self):
        cleaned = super().clean()
        for name in self.guarded_fields:
            if name in self.data and set(self.data.getlist(name)) != self._current(name):
                raise forms.ValidationError(
                    _(
                        "Seul un administrateur peut changer le territoire (MRC), l'organisme "
                        "porteur ou la coordination d'une table."
                    ),
                    code="table_scope",
                )
        return cleaned


@admin.register(Table)
class TableAdmin(HistoryAdmin):
    list_display = ["name", "carrier", "territory"]
    list_select_related = ["carrier"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["carrier", "mrcs", "coordinators"]
    inlines = [CommitteeInline, TableMembershipInline]
    form = TableScopeForm
    # What the table covers, who carries and who coordinates it: "partners.change_table_scope".
    scope_fields = ["carrier", "mrcs", "coordinators"]
    fields = [
        "name",
        "slug",
        "carrier",
        "mrcs",
        "description",
        "website",
        "meeting_cadence",
        "coordinators",
        "reminder_days",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mrcs")

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("partners.change_table_scope", obj):
            return []
        return self.scope_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        guarded = tuple(self.get_readonly_fields(request, obj))
        return type(form.__name__, (form,), {"guarded_fields": guarded})

    @admin.display(description=_("territoire"))
    def territory(self, table):
        return ", ".join(mrc.name for mrc in table.mrcs.all())


class CommitteeMembershipInline(RuleBookTabularInline):
    model = Membership
    fields = ["table", "organisation", "person", "role"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(Committee)
class CommitteeAdmin(HistoryAdmin):
    list_display = ["name", "kind", "table", "municipality"]
    list_filter = ["kind", ("table", ScopedRelatedFilter)]
    list_select_related = ["table", "municipality"]
    search_fields = ["name", "mandate"]
    autocomplete_fields = ["municipality"]
    inlines = [CommitteeMembershipInline]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["organisation", "table", "committee", "person", "role"]
    list_filter = [("table", ScopedRelatedFilter)]
    list_select_related = ["organisation", "table", "committee", "person__organisation"]
    search_fields = ["organisation__name", "role"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(Invitation)
class InvitationAdmin(HistoryAdmin):
    """Who was invited, by whom, and whether they came in (invitations are sent from
    "Mon espace → Inviter une personne" or ``manage.py invite``)."""

    list_display = [
        "email",
        "organisation",
        "role",
        "table",
        "invited_by",
        "created_at",
        "accepted_at",
        "declined_at",
    ]
    list_filter = ["role", "needs_answer", ("table", ScopedRelatedFilter)]
    list_select_related = ["organisation", "table", "invited_by"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = [
        "email",
        "organisation",
        "role",
        "table",
        "user",
        "invited_by",
        "title",
        "needs_answer",
        "created_at",
        "accepted_at",
        "declined_at",
    ]

    def has_add_permission(self, request):
        return False  # sent from "Mon espace → Inviter une personne", superusers included

    def has_change_permission(self, request, obj=None):
        return False
