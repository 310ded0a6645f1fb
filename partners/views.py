from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from partners import roles
from partners.filters import DirectoryFilter
from partners.forms import InvitationForm
from partners.models import Organisation
from partners.services import InvitationError, invitation_accept, invitation_create


@login_not_required
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
    if not roles.is_coordinator(request.user):
        raise PermissionDenied(_("Seule la coordination d'une table peut inviter."))
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(
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
            return redirect("dashboard")
    return render(request, "partners/invite.html", {"form": form})


@login_not_required
def accept_invitation(request, uidb64, token):
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "partners/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        invitation_accept(user=user)
        login(request, user, backend="common.auth.EmailBackend")
        messages.success(request, _("Bienvenue ! Votre mot de passe est enregistré."))
        return redirect("dashboard")
    return render(request, "partners/accept_invitation.html", {"form": form, "invited": user})
