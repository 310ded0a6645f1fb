"""Admin building blocks that scope every table-owned object to the user's tables.

A ModelAdmin states ``table_lookup``, the ORM path from its model to ``partners.Table``
(``"plan__table"``, ``"objective__axis__plan__table"``; ``""`` for Table itself). Lists,
change pages, filters, autocompletes and foreign-key choices then show only what the user may
see, and a guessed URL to another table's object answers 404.
"""

from django.contrib import admin
from django.db import models
from django.http import Http404

from portal import permissions


def _table_id_of(obj, lookup):
    if not lookup:
        return obj.pk
    *path, last = lookup.split("__")
    for part in path:
        obj = getattr(obj, part)
    return getattr(obj, f"{last}_id")


def scoped_queryset_for(admin_site, request, model):
    """The queryset of ``model`` that ``request.user`` may pick, or None if it is not scoped."""
    model_admin = admin_site._registry.get(model)
    if isinstance(model_admin, TableScopedAdmin):
        return model_admin.get_queryset(request)
    return None


class ScopedChoicesMixin:
    """Limit foreign-key and many-to-many choices to what the related admin lets the user see."""

    # Web addresses typed without a scheme are read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_queryset_for(self.admin_site, request, db_field.related_model)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = scoped_queryset_for(self.admin_site, request, db_field.related_model)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RoleAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Shared reference data (organisations, people, geography): everyone with a role reads it,
    coordinators add and change it, only superusers delete it."""

    coordinators_edit = True

    def has_module_permission(self, request):
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request):
        user = request.user
        return user.is_superuser or (self.coordinators_edit and permissions.is_coordinator(user))

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class TableScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    table_lookup = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if permissions.sees_all_tables(user):
            return queryset
        table_ids = permissions.coordinated_table_ids(user)
        if self.table_lookup == "":
            return queryset.filter(pk__in=table_ids)
        return queryset.filter(**{f"{self.table_lookup}__in": table_ids})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def table_id_of(self, obj):
        return _table_id_of(obj, self.table_lookup)

    def may_view(self, user, obj):
        return permissions.can_view_table(user, self.table_id_of(obj))

    def may_manage(self, user, obj):
        return permissions.can_manage_table(user, self.table_id_of(obj))

    def has_module_permission(self, request):
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        user = request.user
        if not permissions.can_use_admin(user):
            return False
        return obj is None or self.may_view(user, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser or permissions.is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        user = request.user
        if not (user.is_superuser or permissions.is_coordinator(user)):
            return False
        return obj is None or self.may_manage(user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class ScopedInline(ScopedChoicesMixin):
    """Inlines follow their parent page: read-only for the ministry, editable for coordinators."""

    extra = 0

    def _can_edit(self, request, obj):
        user = request.user
        if obj is None:
            return user.is_superuser or permissions.is_coordinator(user)
        parent_admin = self.admin_site._registry.get(type(obj))
        return parent_admin.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request, obj)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose options are only the objects the user may see."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped_queryset_for(model_admin.admin_site, request, field.related_model)
        if queryset is None:
            return super().field_choices(field, request, model_admin)
        return [(obj.pk, str(obj)) for obj in queryset]
