from django import forms
from django.utils.translation import gettext_lazy as _

from common.uploads import EXTENSIONS, sniff_content_type
from kits.models import KitAdoption, KitAsset

MAX_ASSET_BYTES = 15 * 1024 * 1024


class KitAssetForm(forms.ModelForm):
    """Admin form: the file's type is read from its content and its size is capped."""

    class Meta:
        model = KitAsset
        fields = ["kind", "title", "file", "alt_text", "position"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not hasattr(upload, "content_type"):  # unchanged existing file
            return upload
        if upload.size > MAX_ASSET_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 15 Mo."))
        content_type = sniff_content_type(upload)
        if content_type is None:
            raise forms.ValidationError(
                _(
                    "Seuls les images (PNG, JPEG, GIF, WebP) et les PDF sont acceptés (type vérifié sur le contenu)."
                )
            )
        self.instance.content_type = content_type
        self.instance.size = upload.size
        stem = upload.name.rsplit(".", 1)[0]
        upload.name = f"{stem}.{EXTENSIONS[content_type]}"
        upload.content_type = content_type  # what a bucket records and serves, not the browser's
        return upload


class AdoptionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Où en est la municipalité ?"), choices=KitAdoption.Status.choices
    )
    done_on = forms.DateField(
        label=_("Date de publication"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_url = forms.URLField(
        label=_("Adresse de la publication"),
        required=False,
        assume_scheme="https",
        max_length=KitAdoption._meta.get_field("published_url").max_length,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == KitAdoption.Status.DONE and not cleaned.get("done_on"):
            self.add_error("done_on", _("Indiquez la date de publication."))
        return cleaned
