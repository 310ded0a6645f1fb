from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Registration


class RegistrationForm(forms.ModelForm):
    """Registering to an event with a name and an address, without an account."""

    class Meta:
        model = Registration
        fields = ["name", "email", "organisation"]
        labels = {
            "name": _("Votre nom"),
            "email": _("Votre courriel"),
            "organisation": _("Votre organisation (facultatif)"),
        }
        help_texts = {
            "email": _("La confirmation et le lien pour annuler y sont envoyés."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def validate_unique(self):
        """A second registration of the same address is not an error: the service keeps the
        first one as it is, and says nothing of it to whoever typed the address."""
