"""The history of the accounts, kept with the portal's own (``common.history``).

The account models belong to Django and allauth, so their history is registered here: who
made an account staff or superuser, gave it a group, changed its e-mail or marked an address
verified. Passwords and the time of the last login are left out (a hash has no place in a
history, and logins are not changes). Two-factor authenticators are left out entirely: their
rows hold the TOTP secrets and recovery seeds, which a history would copy.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from simple_history import register

from common.history import History

register(
    get_user_model(),
    app="portal",
    records_class=History,
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups", "user_permissions"],
)
register(Group, app="portal", records_class=History, m2m_fields=["permissions"])
register(EmailAddress, app="portal", records_class=History)
