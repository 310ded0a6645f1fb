from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.history import History
from common.storage import public_storage
from kits.placeholders import PLACEHOLDERS, unknown_placeholders
from municipalities.models import Municipality
from partners.scoping import TableOwnedQuerySet


class KitQuerySet(TableOwnedQuerySet):
    def published(self):
        return self.filter(is_published=True)


def _validate_placeholders(text):
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _("Champ(s) inconnu(s) : %(unknown)s. Champs possibles : %(known)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        )


class Kit(models.Model):
    """A diffusion kit: what to promote, when, how, with texts municipalities copy."""

    table = models.ForeignKey(
        "partners.Table", on_delete=models.CASCADE, related_name="kits", verbose_name=_("table")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kits",
        verbose_name=_("organisme mis en valeur"),
        help_text=_("Remplit {organisme} et {organisme_site}."),
    )
    what = models.TextField(_("quoi ?"), blank=True, validators=[_validate_placeholders])
    when = models.TextField(_("quand ?"), blank=True, validators=[_validate_placeholders])
    how = models.TextField(_("comment ?"), blank=True, validators=[_validate_placeholders])
    is_published = models.BooleanField(_("publiée"), default=False)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"what": 5_000, "when": 5_000, "how": 5_000}
    table_path = "table"
    objects = KitQuerySet.as_manager()
    history = History()

    class Meta:
        db_table = "municipalities_kit"
        ordering = ["table", "number"]
        verbose_name = _("trousse de diffusion")
        verbose_name_plural = _("trousses de diffusion")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "number"],
                name="kit_unique_number_in_table",
                violation_error_message=_("Cette table a déjà une trousse portant ce numéro."),
            )
        ]

    def __str__(self):
        return _("Collaboration #%(number)s : %(title)s") % {
            "number": self.number,
            "title": self.title,
        }

    def get_absolute_url(self):
        return reverse("kits:detail", kwargs={"slug": self.slug})


class CopyBlock(models.Model):
    class Kind(models.TextChoices):
        WEBSITE = "website", _("Site web de la municipalité")
        NEWSLETTER = "newsletter", _("Bulletin ou guide des nouveaux arrivants")
        FACEBOOK = "facebook", _("Publication Facebook")
        EMAIL = "email", _("Courriel")
        OTHER = "other", _("Autre")

    kit = models.ForeignKey(
        Kit, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("trousse")
    )
    kind = models.CharField(_("destination"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    body = models.TextField(
        _("texte à copier"),
        validators=[_validate_placeholders],
        help_text=_(
            "Markdown. Champs remplis pour chaque municipalité : {municipalite}, {mrc}, "
            "{site_web}, {contact}, {organisme}, {organisme_site}, {table}."
        ),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"body": 10_000}
    table_path = "kit__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        db_table = "municipalities_copyblock"
        ordering = ["position", "id"]
        verbose_name = _("texte à copier")
        verbose_name_plural = _("textes à copier")

    def __str__(self):
        return self.label or self.get_kind_display()

    @property
    def copies_rich_html(self):
        return self.kind in {self.Kind.WEBSITE, self.Kind.NEWSLETTER}


def kit_asset_path(instance, filename):
    return f"trousses/{instance.kit_id}/{filename}"


class KitAsset(models.Model):
    class Kind(models.TextChoices):
        LOGO = "logo", _("Logo")
        VISUAL = "visual", _("Visuel")
        DOCUMENT = "document", _("Document PDF")

    kit = models.ForeignKey(
        Kit, on_delete=models.CASCADE, related_name="assets", verbose_name=_("trousse")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    # Public: municipalities fetch these visuals with no account (an object store serves them).
    file = models.FileField(_("fichier"), upload_to=kit_asset_path, storage=public_storage)
    alt_text = models.CharField(
        _("texte de remplacement"),
        max_length=300,
        blank=True,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."),
    )
    content_type = models.CharField(_("type de contenu"), max_length=100, editable=False)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    table_path = "kit__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        db_table = "municipalities_kitasset"
        ordering = ["position", "id"]
        verbose_name = _("fichier de la trousse")
        verbose_name_plural = _("fichiers de la trousse")

    def __str__(self):
        return self.title

    @property
    def download_name(self):
        return self.file.name.rsplit("/", 1)[-1]

    def clean(self):
        if self.kind in {self.Kind.LOGO, self.Kind.VISUAL} and not self.alt_text:
            raise ValidationError({"alt_text": _("Décrivez l'image pour qui ne la voit pas.")})


class KitAdoption(models.Model):
    """What a municipality did with a kit: in progress, or done (when and where)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Fait")

    kit = models.ForeignKey(
        Kit, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("trousse")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="kit_adoptions",
        verbose_name=_("municipalité"),
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    done_on = models.DateField(_("date de publication"), null=True, blank=True)
    published_url = models.URLField(_("adresse de la publication"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="kit_adoptions",
        verbose_name=_("indiqué par"),
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    table_path = "kit__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History(table_name="municipalities_historicalkitadoption")

    class Meta:
        db_table = "municipalities_kitadoption"
        verbose_name = _("adoption d'une trousse")
        verbose_name_plural = _("adoptions des trousses")
        constraints = [
            models.UniqueConstraint(
                fields=["kit", "municipality"], name="one_adoption_per_municipality"
            )
        ]

    def __str__(self):
        return f"{self.kit} — {self.municipality}"
