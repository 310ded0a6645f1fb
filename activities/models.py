from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from actionplans.models import Plan
from common.history import History
from partners import roles
from partners.scoping import TableOwnedQuerySet

MAX_PARTICIPANTS = 100_000
MAX_INDICATOR_VALUE = MAX_PARTICIPANTS * 10


class ActivityQuerySet(TableOwnedQuerySet):
    def alive(self):
        return self.filter(is_deleted=False)

    def approved(self):
        return self.alive().filter(status=Activity.Status.APPROVED)

    def awaiting_review(self):
        return self.alive().filter(status=Activity.Status.SUBMITTED)

    def of_plan(self, plan):
        return self.filter(measure__objective__axis__plan=plan)

    def of_published_plans(self):
        return self.filter(measure__objective__axis__plan__status=Plan.Status.PUBLISHED)

    def for_user(self, user):
        """The activities ``user`` may read: every table's for superusers and the ministry;
        their tables' for coordinators; their own and their organisation's for partners; the
        approved activities of published plans held in their municipality for its contacts."""
        activities = self.alive()
        if roles.sees_all_tables(user):
            return activities
        if not user.is_authenticated:
            return activities.none()
        condition = Q(**{f"{Activity.table_path}__in": roles.coordinated_table_ids(user)})
        condition |= Q(author=user.pk)
        if (organisation := roles.organisation_id(user)) is not None:
            condition |= Q(organisation=organisation)
        if municipalities := roles.municipality_ids(user):
            condition |= Q(
                municipalities__in=municipalities,
                status=Activity.Status.APPROVED,
                measure__objective__axis__plan__status=Plan.Status.PUBLISHED,
            )
        return activities.filter(condition).distinct()


def _asks(permission):
    """A transition's permission, always asked about the activity itself (never in general)."""
    return lambda activity, user: user.has_perm(permission, activity)


class Activity(FSMModelMixin, models.Model):
    """What a partner did for a measure: reported on the web, reviewed by the coordinator.

    The review is a state machine: draft → submitted → approved or returned (and a returned
    or draft activity is submitted again; an approved one that is edited goes back to review).
    ``status`` changes only through the transitions below, each with its permission; the
    services record who and when, and the history keeps each step. Only approved activities
    count toward progress. Deleting is soft (``is_deleted``) and logged.

    ``version`` grows with every write (content or status), under a row lock: the review and
    edit forms carry the version they were read at, and a write from an older version is
    refused, so an approval always covers what the coordinator saw and nobody overwrites a
    change they did not see.
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
    status = FSMField(
        _("statut"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        protected=True,
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
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Augmente à chaque écriture : un formulaire ouvert à une version antérieure est "
            "refusé, et une approbation porte sur la version que la coordination a lue."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    # What forms accept of free text (common.validation.text_max_length); the database does
    # not limit it.
    text_max_lengths = {"description": 5_000, "review_comment": 2_000}
    table_path = "measure__objective__axis__plan__table"
    objects = ActivityQuerySet.as_manager()
    history = History(
        table_name="actionplans_historicalactivityreport",
        m2m_fields=["municipalities"],
        money=["amount_spent"],
    )

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

    def get_absolute_url(self):
        """The activity's page, where it is reviewed (the admin's "Voir sur le site")."""
        return reverse("activities:detail", args=[self.pk])

    @transition(
        field=status,
        source=[Status.DRAFT, Status.RETURNED],
        target=Status.SUBMITTED,
        permission=_asks("activities.change_activity"),
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.SUBMITTED,
        permission=_asks("activities.change_activity"),
    )
    def reopen(self):
        """An approved activity that is edited goes back to review."""
        self.submitted_at = timezone.now()

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.APPROVED,
        permission=_asks("activities.review_activity"),
    )
    def approve(self, *, reviewer):
        self._record_review(reviewer, "")

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.RETURNED,
        permission=_asks("activities.review_activity"),
    )
    def send_back(self, *, reviewer, comment):
        self._record_review(reviewer, comment)

    def _record_review(self, reviewer, comment):
        self.reviewed_by, self.reviewed_at = reviewer, timezone.now()
        self.review_comment = comment


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
        validators=[MinValueValidator(0), MaxValueValidator(MAX_INDICATOR_VALUE)],
    )

    table_path = "activity__measure__objective__axis__plan__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History(table_name="actionplans_historicalindicatorvalue")

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

    table_path = "activity__measure__objective__axis__plan__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        db_table = "actionplans_attachment"
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self):
        return self.original_name


class Reminder(models.Model):
    """A reminder sent to an organisation that declared nothing in a reporting period: kept so
    that the scheduled job (``activities.reminders``) never sends it twice for the period.
    ``recipients`` empty: the organisation had no address to write to (the coordinators are
    told)."""

    table = models.ForeignKey(
        "partners.Table",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("table"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("organisation"),
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    recipients = models.TextField(_("destinataires"), blank=True)

    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "organisation"]
        verbose_name = _("rappel aux partenaires")
        verbose_name_plural = _("rappels aux partenaires")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "organisation", "period_start", "period_end"],
                name="reminder_once_per_period",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.period_start:%Y-%m-%d}:{self.period_end:%Y-%m-%d}"
