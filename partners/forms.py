from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Invitation, Organisation, Table


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Courriel de la personne"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("Organisation")
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (Invitation.Role.PARTNER, Invitation.Role.PARTNER.label),
            (Invitation.Role.MUNICIPALITY, Invitation.Role.MUNICIPALITY.label),
        ],
    )
    title = forms.CharField(label=_("Fonction"), max_length=200, required=False)

    def __init__(self, *args, tables, **kwargs):
        super().__init__(*args, **kwargs)
        self.tables = tables
        self.fields["table"] = forms.ModelChoiceField(
            queryset=Table.objects.filter(pk__in=tables), label=_("Table"), initial=None
        )
        if len(tables) == 1:
            self.fields["table"].initial = next(iter(tables))

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if cleaned.get("role") == Invitation.Role.MUNICIPALITY and organisation:
            if not organisation.municipality_id:
                self.add_error(
                    "organisation",
                    _("Pour le rôle municipalité, choisissez l'organisation d'une municipalité."),
                )
        return cleaned
