import rules
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.conditional import conditional_page
from partners.filters import DirectoryFilter
from partners.forms import InvitationForm
from partners.models import Invitation, Organisation
from partners.services import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_from_token,
    invitation_join,
    invited_account,
)


@login_not_required
@conditional_page()
def directory(request):
    """ "Répertoire": who offers what, where, and how to reach them."""
    organisations = (
        Organisation.objects.filter(is_listed=True)
        .prefetch_related("territory")
        .select_related("municipality")
    )
    directory_filter = DirectoryFilter(request.GET or None, queryset=organisations)
    page = Paginator(directory_filter.qs.order_by("name"), 40).get_page(request.GET.get("page"))
    return render(
        request, "partners/organisation_list.html", {"filter": directory_filter, "page": page}
    )


@login_required
def invite(request):
    """Coordinators invite partners and municipality contacts to their table."""
    if not request.user.has_perm("partners.invite_to_table"):
        raise PermissionDenied(_("Seule la coordination d'une table peut inviter."))
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _link = invitation_create(
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                table=form.cleaned_data["table"],
                invited_by=request.user,
                title=form.cleaned_data["title"],
            )
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            if invitation.needs_answer:
                messages.info(
                    request,
                    _(
                        "Cette personne a déjà un compte : elle rejoindra l'organisation "
                        "seulement après avoir accepté l'invitation."
                    ),
                )
            return redirect("dashboard")
    return render(request, "partners/invite.html", {"form": form})


@login_not_required
def accept_invitation(request, uidb64, token):
    """A new account chooses its password, then logs in as anyone does (its second factor
    included): the link itself never opens a session."""
    user = invited_account(uidb64, token)
    if user is None:
        return render(request, "partners/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        if request.user.is_authenticated:
            logout(request)  # someone else's session in this browser: the invitee logs in next
        messages.success(
            request,
            _(
                "Votre mot de passe est enregistré. Connectez-vous avec votre adresse "
                "%(email)s et ce mot de passe."
            )
            % {"email": user.email},
        )
        return redirect("account_login")
    return render(request, "partners/accept_invitation.html", {"form": form, "invited": user})


def _unavailable(request, message, status):
    return render(
        request, "partners/invitation_unavailable.html", {"message": message}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_invitation(request, token):
    """An existing account accepts or declines an invitation, logged in as itself."""
    try:
        invitation = invitation_from_token(token)
    except signing.SignatureExpired:
        return _unavailable(
            request,
            _(
                "Ce lien d'invitation a expiré. Demandez une nouvelle invitation à la "
                "coordination de la table."
            ),
            400,
        )
    except (signing.BadSignature, Invitation.DoesNotExist):
        return _unavailable(request, _("Ce lien ne correspond à aucune invitation."), 404)
    # The rule book itself, not user.has_perm: Django grants every permission to superusers,
    # and an invitation is answered by its invitee only, a superuser included.
    if not rules.has_perm("partners.answer_invitation", request.user, invitation):
        return _unavailable(
            request,
            _(
                "Cette invitation a été envoyée à un autre compte. Déconnectez-vous, puis "
                "connectez-vous avec le compte qui a reçu le courriel."
            ),
            403,
        )
    if not invitation.awaits_answer:
        return _unavailable(request, _("Cette invitation a déjà reçu une réponse."), 400)
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                invitation_join(invitation, user=request.user)
                messages.success(
                    request,
                    _("Vous avez rejoint %(organisation)s.")
                    % {"organisation": invitation.organisation},
                )
            elif answer == "decline":
                invitation_decline(invitation, user=request.user)
                messages.info(request, _("Invitation refusée : rien n'a changé."))
            else:
                return _unavailable(request, _("Réponse inconnue."), 400)
        except InvitationError as error:
            return _unavailable(request, str(error), 400)
        return redirect("dashboard")
    person = getattr(request.user, "person", None)
    current = person.organisation if person is not None else None
    return render(
        request,
        "partners/answer_invitation.html",
        {
            "invitation": invitation,
            "current_organisation": current,
            "leaves_organisation": current is not None and current.pk != invitation.organisation_id,
        },
    )
