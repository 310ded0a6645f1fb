"""Accounts: invitation only (no open sign-up), French e-mails, role-aware landing page."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """People join by invitation from a coordinator (or ``manage.py invite``)."""
        return False

    def get_login_redirect_url(self, request):
        return reverse("dashboard")
