from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts import needs_mfa


class StaffMFAMiddleware:
    """Coordinators and ministry staff reach the admin only once two-factor (TOTP) is set up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and self._is_admin_path(request.path)
            and needs_mfa(request.user)
        ):
            messages.warning(
                request,
                _("Activez l'authentification à deux facteurs avant d'accéder à l'administration."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _is_admin_path(path):
        parts = path.strip("/").split("/")
        return len(parts) >= 2 and parts[1] == "admin"
