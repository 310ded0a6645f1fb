from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mailing import imports
from partners.models import Table

# The wording shown next to the box, kept word for word in the consent's evidence (in French).
CONSENT_WORDING = _(
    "J'accepte de recevoir par courriel les nouvelles et invitations de la table. Je pourrai me "
    "désabonner en tout temps par le lien présent dans chaque message."
)
IMPORT_CONSENT_WORDING = _(
    "Je confirme que les personnes de ce fichier ont consenti à recevoir les messages de la "
    "table (consentement exprès ou tacite au sens de la Loi canadienne anti-pourriel) et que "
    "j'en conserve la preuve."
)


class SubscribeForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200, required=False)
    email = forms.EmailField(label=_("Courriel"), max_length=254)
    consent = forms.BooleanField(
        label=CONSENT_WORDING,
        error_messages={"required": _("Cochez la case pour donner votre consentement.")},
    )


def _tables(user):
    return Table.objects.managed_by(user).order_by("name")


class TableChoiceForm(forms.Form):
    table = forms.ModelChoiceField(
        label=pgettext_lazy("mailing", "Table"), queryset=Table.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = _tables(user)
        if self.fields["table"].queryset.count() == 1:
            self.fields["table"].initial = self.fields["table"].queryset.first()


class ImportForm(TableChoiceForm):
    """Step 1: the file. Step 2 (``content`` carried back): the preview and the consent box."""

    file = forms.FileField(
        label=_("Fichier CSV"),
        required=False,
        help_text=_(
            "Première ligne : les titres des colonnes (courriel, nom, organisation, "
            "municipalité). Séparées par des virgules ou des points-virgules."
        ),
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
    consent = forms.BooleanField(label=IMPORT_CONSENT_WORDING, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > imports.MAX_BYTES:
                raise forms.ValidationError(
                    _("Le fichier dépasse %(size)s Mo.") % {"size": imports.MAX_BYTES // 2**20}
                )
            text = imports.decode(upload.read())
            if text is None or "\x00" in text:
                raise forms.ValidationError(
                    _("Ce fichier n'est pas un texte CSV (UTF-8 ou Windows-1252).")
                )
            data["content"], data["filename"] = text, upload.name[:255]
        elif not data.get("content"):
            self.add_error("file", _("Choisissez le fichier à importer."))
        return data


class SendForm(forms.Form):
    """« Envoyer »: the number of recipients the coordinator saw, checked again on sending."""

    recipients = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
