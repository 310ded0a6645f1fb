from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_PARTICIPANTS = 100_000


class ActivityQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(is_deleted=False)

    def approved(self):
        return self.alive().filter(status=Activity.Status.APPROVED)

    def awaiting_review(self):
        return self.alive().filter(status=Activity.Status.SUBMITTED)

    def of_plan(self, plan):
        return self.filter(measure__objective__axis__plan=plan)


class Activity(models.Model):
    """What a partner did for a measure: reported on the web, reviewed by the coordinator.

    Only approved activities count toward progress. Deleting is soft (``is_deleted``) and logged.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumise, à réviser")
        APPROVED = "approved", _("Approuvée")
        RETURNED = "returned", _("Renvoyée pour correction")

    measure = models.ForeignKey(
        "actionplans.Measure",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("moyen d'action"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("auteur"),
    )
    date = models.DateField(_("date de l'activité"))
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="activities",
        verbose_name=_("municipalités touchées"),
    )
    participants = models.PositiveIntegerField(
        _("participants"), default=0, validators=[MaxValueValidator(MAX_PARTICIPANTS)]
    )
    participants_immigrant = models.PositiveIntegerField(
        _("dont personnes issues de l'immigration"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PARTICIPANTS)],
    )
    participants_host = models.PositiveIntegerField(
        _("dont personnes de la société d'accueil"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PARTICIPANTS)],
    )
    amount_spent = models.DecimalField(
        _("montant dépensé ($)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10_000_000)],
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("événement"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_activities",
        verbose_name=_("révisée par"),
    )
    reviewed_at = models.DateTimeField(_("révisée le"), null=True, blank=True)
    review_comment = models.TextField(_("commentaire de révision"), blank=True)
    is_deleted = models.BooleanField(_("supprimée"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(table_name="actionplans_historicalactivityreport")

    class Meta:
        db_table = "actionplans_activityreport"
        ordering = ["-date", "-id"]
        verbose_name = _("activité réalisée")
        verbose_name_plural = _("activités réalisées")
        indexes = [models.Index(fields=["measure", "status", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_spent__isnull=True) | Q(amount_spent__gte=0),
                name="report_amount_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class IndicatorValue(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="values", verbose_name=_("activité")
    )
    indicator = models.ForeignKey(
        "actionplans.Indicator",
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("indicateur"),
    )
    value = models.DecimalField(
        _("valeur"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PARTICIPANTS * 10)],
    )

    history = HistoricalRecords(table_name="actionplans_historicalindicatorvalue")

    class Meta:
        db_table = "actionplans_indicatorvalue"
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "indicator"], name="one_value_per_indicator"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


def attachment_path(instance, filename):
    return f"activites/{instance.activity_id}/{filename}"


class Attachment(models.Model):
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("activité"),
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))

    class Meta:
        db_table = "actionplans_attachment"
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self):
        return self.original_name
