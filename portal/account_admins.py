"""The accounts in the admin: Django's and allauth's own admins, with their history readable.

Django and allauth register their admins during the admin's autodiscovery; the portal app is
ready after it, and swaps in these (``PortalConfig.ready``). The site module itself
(``portal.admin``) cannot import them: it is loaded while the site is being built.
"""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadableHistoryMixin


class AccountHistoryMixin(ReadableHistoryMixin):
    """An account's history is read, never reverted: rights are given one by one on the change
    page, not by bringing back an old version of an account."""

    revert_allowed = False


class UserAdmin(AccountHistoryMixin, SimpleHistoryAdmin, auth_admin.UserAdmin):
    pass


class GroupAdmin(AccountHistoryMixin, SimpleHistoryAdmin, auth_admin.GroupAdmin):
    pass


class AccountEmailAddressAdmin(AccountHistoryMixin, SimpleHistoryAdmin, EmailAddressAdmin):
    pass


def register_account_history(site):
    for model, model_admin in [
        (get_user_model(), UserAdmin),
        (Group, GroupAdmin),
        (EmailAddress, AccountEmailAddressAdmin),
    ]:
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
