"""Admin classes that ask every question of the rule books.

Permissions are ``user.has_perm("<app>.<action>_<model>", obj)``, answered by the app's
``rules.py``; lists, foreign-key choices, filters and autocompletes show
``Model.objects.for_user(user)``. A guessed address of an object the user may not see is a 404.
Nothing here knows a role or an app: it only asks.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import NoReverseMatch
from simple_history.admin import SimpleHistoryAdmin

from common.validation import text_max_length


def perm_name(opts, action):
    return f"{opts.app_label}.{action}_{opts.model_name}"


def scoped(queryset, user, scope="for_user"):
    """What ``user`` may see of ``queryset``, through its model's own ``for_user`` (or the
    QuerySet method named by ``scope``); a model without one (accounts, say) is offered to
    superusers only."""
    if hasattr(queryset, scope):
        return getattr(queryset, scope)(user)
    return queryset if user.is_active and user.is_superuser else queryset.none()


def visible_to(model, user):
    return scoped(model._default_manager.all(), user)


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices are what the user may see of the related model."""

    # Web addresses typed without a scheme are read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if (limit := text_max_length(db_field)) is not None:  # as in the site's forms
            kwargs.setdefault("max_length", limit)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _scoped(self, db_field, request, kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = visible_to(db_field.related_model, request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RuleBookAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    scope = "for_user"  # the QuerySet method that says what the list shows

    def has_module_permission(self, request):
        return request.user.has_perm(perm_name(self.opts, "view"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.opts, "view"), obj)

    def has_add_permission(self, request):
        return request.user.has_perm(perm_name(self.opts, "add"))

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.opts, "change"), obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.opts, "delete"), obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped(queryset, request.user, self.scope)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # another table's object: 404
        return super().history_view(request, object_id, extra_context)

    def view_on_site(self, obj):
        """The object's own page, linked directly (not through ``/admin/r/``); none while a
        refused change leaves the form's object with a value its address cannot carry."""
        get_url = getattr(obj, "get_absolute_url", None)
        try:
            return get_url() if get_url else None
        except NoReverseMatch:
            return None


class HistoryAdmin(RuleBookAdmin, SimpleHistoryAdmin):
    """History pages for those who may view; reverting to a version is a change, refused to
    read-only accounts (the ministry)."""

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # another table's object: 404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RuleBookInline(ScopedChoicesMixin):
    """Inlines follow their parent object: editable when the parent may be changed."""

    extra = 0

    def _can_edit(self, request, obj):
        parent = obj._meta if obj is not None else self.parent_model._meta
        action = "change" if obj is not None else "add"
        return request.user.has_perm(perm_name(parent, action), obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.parent_model._meta, "view"), obj)

    def has_add_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request, obj)


class RuleBookTabularInline(RuleBookInline, admin.TabularInline):
    pass


class RuleBookStackedInline(RuleBookInline, admin.StackedInline):
    pass


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose options are only the objects the user may see."""

    def field_choices(self, field, request, model_admin):
        return [(obj.pk, str(obj)) for obj in visible_to(field.related_model, request.user)]
