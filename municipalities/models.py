from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.history import History


class GeographyQuerySet(models.QuerySet):
    def for_user(self, user):
        """Geography is public: everyone may see all of it (its rules are in partners)."""
        return self


class Region(models.Model):
    """One of Quebec's 17 administrative regions (01 Bas-Saint-Laurent … 17 Centre-du-Québec)."""

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^(0[1-9]|1[0-7])$", _("Le code de région va de 01 à 17."))],
    )
    name = models.CharField(_("nom"), max_length=100, unique=True)

    objects = GeographyQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["code"]
        verbose_name = _("région administrative")
        verbose_name_plural = _("régions administratives")

    def __str__(self):
        return f"{self.code} {self.name}"


class Mrc(models.Model):
    """A regional county municipality, or an equivalent territory (urban agglomeration)."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="mrcs", verbose_name=_("région")
    )
    geographic_code = models.CharField(_("code géographique"), max_length=10, blank=True)
    website = models.URLField(_("site web"), blank=True)

    objects = GeographyQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("MRC")
        verbose_name_plural = _("MRC")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    geographic_code = models.CharField(
        _("code géographique"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Code du Répertoire des municipalités du Québec, p. ex. 38010."),
    )
    mrc = models.ForeignKey(
        Mrc, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("MRC")
    )
    website = models.URLField(_("site web"), blank=True)
    contact = models.ForeignKey(
        "partners.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities_contact",
        verbose_name=_("personne désignée"),
        help_text=_("La personne qui relaie les trousses et les activités de la table."),
    )

    objects = GeographyQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipalité")
        verbose_name_plural = _("municipalités")
        constraints = [
            models.UniqueConstraint(fields=["mrc", "name"], name="municipality_unique_name_in_mrc")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipality_detail", kwargs={"slug": self.slug})
