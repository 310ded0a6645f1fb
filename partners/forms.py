from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from partners.models import Invitation, Organisation, Table


class InvitationForm(forms.Form):
    # A new address becomes the account's username, which is the shorter limit.
    email = forms.EmailField(
        label=_("Courriel de la personne"),
        max_length=get_user_model()._meta.get_field("username").max_length,
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (Invitation.Role.PARTNER, Invitation.Role.PARTNER.label),
            (Invitation.Role.MUNICIPALITY, Invitation.Role.MUNICIPALITY.label),
        ],
    )
    title = forms.CharField(label=_("Fonction"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        """Only the tables ``user`` coordinates, and only their organisations, are offered."""
        super().__init__(*args, **kwargs)
        tables = Table.objects.managed_by(user)
        self.fields["table"] = forms.ModelChoiceField(
            queryset=tables, label=_("Table"), initial=None
        )
        if len(tables) == 1:
            self.fields["table"].initial = tables[0].pk
        self.fields["organisation"].queryset = Organisation.objects.of_tables_managed_by(
            user
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        table = cleaned.get("table")
        if organisation and table and not table.has_organisation(organisation):
            self.add_error(
                "organisation", _("Cette organisation n'est pas membre de la table choisie.")
            )
        if cleaned.get("role") == Invitation.Role.MUNICIPALITY and organisation:
            if not organisation.municipality_id:
                self.add_error(
                    "organisation",
                    _("Pour le rôle municipalité, choisissez l'organisation d'une municipalité."),
                )
        return cleaned
