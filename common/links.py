"""Signed links that need no account: a convocation's answer, a poll's, an unsubscription, a
registration's cancellation, a private calendar feed.

A token names one row for one purpose (the salt): a token made for a poll never opens a
convocation. ``read`` raises ``InvalidLink`` (tampered, or the row is gone) or ``ExpiredLink``;
``refused`` renders the page that says so, translated, and changes nothing.
"""

from django.core import signing
from django.shortcuts import render
from django.utils.translation import gettext as _


class InvalidLink(Exception):
    pass


class ExpiredLink(InvalidLink):
    pass


def _signer(purpose):
    return signing.TimestampSigner(salt=f"tables-immigration.links.{purpose}")


def make(purpose, pk):
    return _signer(purpose).sign(str(pk))


def read(purpose, token, *, max_age=None):
    """The primary key a token carries, checked against its signature (and age)."""
    try:
        return int(_signer(purpose).unsign(token, max_age=max_age))
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except (signing.BadSignature, ValueError) as error:
        raise InvalidLink from error


def get(queryset, purpose, token, *, max_age=None):
    """The row a token names in ``queryset``: ``InvalidLink`` if tampered or gone."""
    pk = read(purpose, token, max_age=max_age)
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as error:
        raise InvalidLink from error


def refused(request, error=None, *, message=None):
    """The page for a link that cannot be used: 410 when it expired or served, else 404."""
    expired = isinstance(error, ExpiredLink)
    if message is None:
        message = (
            _("Ce lien a expiré.")
            if expired
            else _("Ce lien n'est pas valide : il a été modifié ou ne correspond plus à rien.")
        )
    return render(
        request,
        "link_refused.html",
        {"message": message},
        status=410 if expired or error is None else 404,
    )
