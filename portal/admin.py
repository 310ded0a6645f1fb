"""The admin site: for the back office's roles only, and never a way around the rule books."""

from functools import update_wrapper

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from common.admin import perm_name
from portal.admin_groups import grouped_app_list, without_internal


class PortalAdminSite(admin.AdminSite):
    site_header = _("Tables immigration — administration")
    site_title = _("Tables immigration")
    index_title = _("Gestion des tables et des plans d'action")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and user.has_perm("portal.use_admin")

    def get_app_list(self, request, app_label=None):
        """Superusers: Django's full admin. Coordinators and the ministry: what they may open,
        in the groups of ``portal.admin_groups``, without the internal models."""
        if request.user.is_superuser:
            return super().get_app_list(request, app_label)
        if app_label is not None:
            return without_internal(super().get_app_list(request, app_label))
        return grouped_app_list(self._build_app_dict(request))

    def get_urls(self):
        # "Voir sur le site" for an object the user may view, never a guess at another's.
        return [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        try:
            obj = model and model._default_manager.filter(pk=object_id).first()
        except (ValueError, ValidationError) as error:
            raise Http404 from error
        if obj is None or not hasattr(obj, "get_absolute_url"):
            raise Http404
        if not request.user.has_perm(perm_name(model._meta, "view"), obj):
            raise Http404
        return redirect(obj.get_absolute_url())

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        def refuse_or_view(request, *args, **kwargs):
            self.refuse_without_role(request)
            return wrapped(request, *args, **kwargs)

        return update_wrapper(refuse_or_view, wrapped)

    def refuse_without_role(self, request):
        """A logged-in account without a back-office role is refused (403), not sent to log
        in again."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(_("L'administration est réservée à la coordination des tables."))

    def login(self, request, extra_context=None):
        """One login for everyone (allauth: e-mail, rate limits, two-factor)."""
        self.refuse_without_role(request)
        return secure_admin_login(super().login)(request, extra_context)
