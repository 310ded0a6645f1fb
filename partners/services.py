"""Invitations: a coordinator (or ``manage.py invite``) brings a person in with a role.

A new address gets an account at once, attached to the organisation, and a link to choose a
password. An address that already has an account moves nowhere: the invitation waits until that
person, logged in, accepts it (or declines it) from the signed, expiring link they receive.

No invitation link ever opens a session: choosing the password ends on the login page, and the
answer page of an existing account needs that account logged in, both through allauth's normal
login with its second factor. The back office's accounts (superusers, coordination, ministry
staff) are the superusers' to invite (``partners.invite_account``): a coordinator cannot bring
one into an organisation, which would change what it sees.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from common import audit
from partners.models import Invitation, Person
from partners.roles import forget_roles, ministry_group

Role = Invitation.Role


ANSWER_SALT = "partners.invitation.answer"


class InvitationError(ValueError):
    pass


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override("fr"):
        path = reverse("accept_invitation", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def invitation_answer_token(invitation):
    """A signed token naming ``invitation``; it expires with the password-reset links."""
    return signing.TimestampSigner(salt=ANSWER_SALT).sign(str(invitation.pk))


def invitation_answer_link(invitation):
    with translation.override("fr"):
        path = reverse("answer_invitation", kwargs={"token": invitation_answer_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def invited_account(uidb64, token):
    """The new account a password link (``invitation_link``) names, or ``None`` when the link
    is tampered with, expired or used, or when the account already chose a password or has no
    invitation waiting for one: the link only ever sets a new account's first password."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if not default_token_generator.check_token(user, token):
        return None
    if not user.is_active or user.has_usable_password():
        return None
    pending = Invitation.objects.filter(
        user=user, needs_answer=False, accepted_at__isnull=True, declined_at__isnull=True
    )
    return user if pending.exists() else None


def invitation_from_token(token):
    """The invitation a token names. Raises ``signing.SignatureExpired`` for an old link,
    ``signing.BadSignature`` for a tampered one, ``Invitation.DoesNotExist`` for a lost one."""
    pk = signing.TimestampSigner(salt=ANSWER_SALT).unsign(
        token, max_age=settings.PASSWORD_RESET_TIMEOUT
    )
    return Invitation.objects.select_related("organisation", "table", "invited_by", "user").get(
        pk=pk
    )


def _join(invitation):
    """Give the invited account what the invitation says: its person in the organisation, and
    the role (table coordination, ministry group, municipality contact)."""
    user, role, organisation = invitation.user, invitation.role, invitation.organisation
    user.is_staff = user.is_staff or role in {Role.COORDINATOR, Role.MINISTRY}
    user.save()
    Person.objects.update_or_create(
        user=user,
        defaults={"organisation": organisation, "title": invitation.title or Role(role).label},
    )
    if role == Role.COORDINATOR:
        invitation.table.coordinators.add(user)
    elif role == Role.MINISTRY:
        user.groups.add(ministry_group())
    elif role == Role.MUNICIPALITY:
        municipality = organisation.municipality
        if municipality.contact_id is None:
            municipality.contact = user.person
            municipality.save(update_fields=["contact"])
    forget_roles(user)


def _send(invitation, template, subject, link):
    audit.record("invitation.send", invitation=invitation.pk, role=invitation.role)
    with translation.override("fr"):
        body = render_to_string(template, {"invitation": invitation, "link": link})
        send_mail(str(subject), body, None, [invitation.email])


def _subject_for_existing_account(invitation):
    if invitation.table_id:
        return _("Invitation à rejoindre la table « %(table)s »") % {"table": invitation.table}
    return _("Invitation à rejoindre « %(organisation)s »") % {
        "organisation": invitation.organisation
    }


@transaction.atomic
def invitation_create(*, email, organisation, role, table=None, invited_by=None, title=""):
    """Invite ``email`` to ``organisation`` with ``role``. A new address gets its account at once
    and a link to choose a password; an existing account changes only when its owner accepts
    (the e-mail links to the answer page). Returns ``(invitation, link)``."""
    email = email.strip().lower()
    if role == Role.COORDINATOR and table is None:
        raise InvitationError(_("Une coordination doit être rattachée à une table (--table)."))
    if role == Role.MUNICIPALITY and not organisation.municipality_id:
        raise InvitationError(
            _("Pour le rôle municipalité, l'organisation doit indiquer sa municipalité.")
        )
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and invited_by is not None:
        if not invited_by.has_perm("partners.invite_account", user):
            raise InvitationError(
                _(
                    "Ce compte fait partie de l'administration du portail (administrateur, "
                    "coordination ou ministère) : seul un administrateur peut l'inviter."
                )
            )
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        table=table,
        invited_by=invited_by,
        title=title,
    )
    if user is not None:
        invitation.user = user
        invitation.needs_answer = True
        invitation.save()
        link = invitation_answer_link(invitation)
        with translation.override("fr"):
            subject = _subject_for_existing_account(invitation)
        _send(invitation, "partners/email/invitation_existing_account.txt", subject, link)
        return invitation, link
    user = User.objects.create_user(username=email, email=email)
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": False}
    )
    invitation.user = user
    invitation.save()
    _join(invitation)
    link = invitation_link(user)
    with translation.override("fr"):
        subject = _("Invitation au portail Tables immigration")
    _send(invitation, "partners/email/invitation.txt", subject, link)
    return invitation, link


def _pending_for(invitation, user):
    """Lock ``invitation`` and check that ``user`` may still answer it."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.user_id != user.pk:
        raise InvitationError(_("Cette invitation a été envoyée à un autre compte."))
    if not invitation.awaits_answer:
        raise InvitationError(_("Cette invitation a déjà reçu une réponse."))
    return invitation


@transaction.atomic
def invitation_join(invitation, *, user):
    """``user`` accepts: they join the invitation's organisation with its role."""
    invitation = _pending_for(invitation, user)
    invitation.user = user
    _join(invitation)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record("invitation.accept", invitation=invitation.pk)
    return invitation


@transaction.atomic
def invitation_decline(invitation, *, user):
    """``user`` declines: the invitation is closed and nothing else changes."""
    invitation = _pending_for(invitation, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    audit.record("invitation.decline", invitation=invitation.pk)
    return invitation


@transaction.atomic
def invitation_accept(*, user, password):
    """A new account chooses its first password from its invitation link, which proves they
    read the e-mail: their address is verified. Nobody is logged in here: the person then logs
    in as anyone does (second factor included). (Invitations that await their answer stay
    open: they accept or decline those from their own link.)"""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("invitation.password_set", user=user.pk)
    # One save per row (not a queryset update): each change goes into its object's history.
    for address in EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=False):
        address.verified = True
        address.save(update_fields=["verified"])
    now = timezone.now()
    for invitation in Invitation.objects.filter(
        user=user, needs_answer=False, accepted_at__isnull=True
    ):
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
