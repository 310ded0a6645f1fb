"""Accounts: invitation only (no open sign-up), French e-mails, role-aware landing page."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from partners import roles


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """People join by invitation from a coordinator (or ``manage.py invite``)."""
        return False

    def get_login_redirect_url(self, request):
        return reverse("dashboard")


def has_mfa(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa(user):
    """Coordinators, ministry staff and superusers (and any staff account) use TOTP."""
    return (user.is_staff or roles.is_staff_role(user)) and not has_mfa(user)
