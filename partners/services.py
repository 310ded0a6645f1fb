"""Invitations: a coordinator (or ``manage.py invite``) brings a person in with a role."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from partners.models import Invitation, Person
from partners.roles import forget_roles, ministry_group

Role = Invitation.Role


class InvitationError(ValueError):
    pass


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override("fr"):
        path = reverse("accept_invitation", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_create(*, email, organisation, role, table=None, invited_by=None, title=""):
    """Create (or reuse) the account for ``email``, attach it to ``organisation`` with ``role``,
    and e-mail a link that lets the person choose a password. Returns ``(invitation, link)``."""
    email = email.strip().lower()
    if role == Role.COORDINATOR and table is None:
        raise InvitationError(_("Une coordination doit être rattachée à une table (--table)."))
    if role == Role.MUNICIPALITY and not organisation.municipality_id:
        raise InvitationError(
            _("Pour le rôle municipalité, l'organisation doit indiquer sa municipalité.")
        )
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(username=email, email=email)
        user.set_unusable_password()
    user.is_staff = user.is_staff or role in {Role.COORDINATOR, Role.MINISTRY}
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": False}
    )
    Person.objects.update_or_create(
        user=user,
        defaults={"organisation": organisation, "title": title or Role(role).label},
    )
    if role == Role.COORDINATOR:
        table.coordinators.add(user)
    elif role == Role.MINISTRY:
        user.groups.add(ministry_group())
    elif role == Role.MUNICIPALITY:
        municipality = organisation.municipality
        if municipality.contact_id is None:
            municipality.contact = user.person
            municipality.save(update_fields=["contact"])
    forget_roles(user)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        table=table,
        user=user,
        invited_by=invited_by,
    )
    link = invitation_link(user)
    with translation.override("fr"):
        body = render_to_string(
            "partners/email/invitation.txt", {"invitation": invitation, "link": link}
        )
        send_mail(_("Invitation au portail Tables immigration"), body, None, [email])
    return invitation, link


@transaction.atomic
def invitation_accept(*, user):
    """The person proved they read the e-mail: their address is verified."""
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
