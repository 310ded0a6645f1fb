from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts import needs_mfa

# What a staff account may still reach before setting up two-factor authentication.
MFA_SETUP_URL_NAMES = {"account_logout", "account_reauthenticate", "mfa_reauthenticate"}


class StaffMFAMiddleware:
    """While two-factor is required, a staff account (coordinator, ministry, superuser) without
    TOTP reaches only the two-factor set-up, logout and public pages (the views marked
    ``@login_not_required``): every page behind a login sends it to the set-up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not (settings.REQUIRE_STAFF_MFA and request.user.is_authenticated):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        name = match.url_name or ""
        if name in MFA_SETUP_URL_NAMES or name.startswith("mfa_"):
            return None
        if not needs_mfa(request.user):
            return None
        messages.warning(
            request,
            _("Activez l'authentification à deux facteurs avant d'accéder à cette page."),
        )
        return redirect(reverse("mfa_activate_totp"))
