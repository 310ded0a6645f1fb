from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import History
from partners.scoping import TableOwnedQuerySet

# A rendering still pending after this long is taken for lost (the worker stopped or crashed
# mid-task): the next request for the same file forgets it and queues it again.
STALE_AFTER = timedelta(minutes=10)


def report_file_path(instance, filename):
    return f"reports/{instance.created_at:%Y/%m}/{instance.digest}.{instance.file_format}"


class ReportFile(models.Model):
    """A report rendered by the worker into a stored file (pretix's ``CachedFile``).

    One row per format and source: ``digest`` is the SHA-256 of what the file is made from
    (the HTML, for a PDF), so an unchanged report is served from its file and any change to
    what it prints makes a new row. Until the worker has rendered it, ``source`` keeps the
    HTML exactly as it was asked for; once the file is ready, the snapshot is emptied.

    ``status`` only moves forward, from pending to ready or failed, and is a plain field
    rather than a state machine: the worker moves it by compare-and-set updates
    (``filter(status=PENDING).update(…)``), so that two attempts at the same file cannot both
    win. A lost or failed rendering is not reset: the row is deleted and a new one queued.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    file_format = models.CharField(_("format"), max_length=8)
    digest = models.CharField(_("empreinte de la source"), max_length=64)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    file = models.FileField(_("fichier"), upload_to=report_file_path, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    source = models.TextField(_("source à rendre"), blank=True)
    error = models.TextField(_("erreur"), blank=True)
    task_result_id = models.CharField(_("tâche"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fichier de rapport")
        verbose_name_plural = _("fichiers de rapport")
        constraints = [
            models.UniqueConstraint(
                fields=["file_format", "digest"], name="report_file_unique_source"
            )
        ]

    def __str__(self):
        return self.filename

    @property
    def is_ready(self):
        return self.status == self.Status.READY

    @property
    def has_failed(self):
        return self.status == self.Status.FAILED

    def is_stale(self, now=None):
        """Pending for longer than a rendering takes: its task was lost."""
        now = now or timezone.now()
        return self.status == self.Status.PENDING and self.created_at < now - STALE_AFTER


def submission_file_path(instance, filename):
    return f"submissions/{instance.plan_id}/{instance.submitted_at:%Y%m%d-%H%M%S}-{filename}"


class Submission(models.Model):
    """A report sent to the ministry for a period, kept exactly as sent: its PDF and XLSX, who
    sent it and when. Submitting locks the period (``lock``)."""

    plan = models.ForeignKey(
        "actionplans.Plan",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("plan"),
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    period_key = models.CharField(_("période"), max_length=30)
    annual = models.BooleanField(_("bilan annuel"), default=False)
    lang = models.CharField(_("langue"), max_length=5, default="fr")
    submitted_at = models.DateTimeField(_("soumis le"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("soumis par"),
    )
    pdf = models.FileField(_("PDF tel que soumis"), upload_to=submission_file_path, blank=True)
    xlsx = models.FileField(_("XLSX tel que soumis"), upload_to=submission_file_path, blank=True)
    # The PDF's HTML as it was at submission, until the worker has rendered it into ``pdf``
    # (then emptied); ``pdf`` is written once and never replaced.
    pdf_source = models.TextField(_("source du PDF à rendre"), blank=True)
    pdf_error = models.TextField(_("erreur du rendu du PDF"), blank=True)
    lock = models.OneToOneField(
        "actionplans.PeriodLock",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submission",
        verbose_name=_("verrou de la période"),
    )

    table_path = "plan__table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("rapport soumis")
        verbose_name_plural = _("rapports soumis")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="submission_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.plan} ({self.period_start} – {self.period_end})"

    @property
    def pdf_status(self):
        """Ready once rendered; failed if the worker could not; pending meanwhile."""
        if self.pdf:
            return ReportFile.Status.READY
        if self.pdf_error:
            return ReportFile.Status.FAILED
        return ReportFile.Status.PENDING

    @property
    def pdf_status_label(self):
        return ReportFile.Status(self.pdf_status).label

    @property
    def kind_label(self):
        return _("Bilan annuel") if self.annual else _("Rapport d'étape")


class NarrativeQuerySet(TableOwnedQuerySet):
    def of_period(self, plan, period):
        """The texts written for exactly ``period`` (its dates: a plan year asked for by its
        key or by its dates is the same period)."""
        return self.filter(plan=plan, period_start=period.start, period_end=period.end)


class Narrative(models.Model):
    """What the coordination writes in the report of one period: for an axis, its narrative;
    without an axis, the general one (achievements, difficulties, adjustments). One per plan,
    period and axis; every version is kept in its history, with who and when."""

    plan = models.ForeignKey(
        "actionplans.Plan",
        on_delete=models.CASCADE,
        related_name="narratives",
        verbose_name=_("plan"),
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    period_key = models.CharField(_("période"), max_length=30)
    axis = models.ForeignKey(
        "actionplans.Axis",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="narratives",
        verbose_name=_("axe"),
    )
    text = models.TextField(_("bilan de l'axe"), blank=True)
    achievements = models.TextField(_("réalisations"), blank=True)
    difficulties = models.TextField(_("difficultés"), blank=True)
    adjustments = models.TextField(_("ajustements"), blank=True)

    table_path = "plan__table"
    objects = NarrativeQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["period_start", "period_end", "axis__number"]
        verbose_name = _("texte du rapport")
        verbose_name_plural = _("textes du rapport")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period_start", "period_end", "axis"],
                condition=models.Q(axis__isnull=False),
                name="narrative_unique_axis_period",
            ),
            models.UniqueConstraint(
                fields=["plan", "period_start", "period_end"],
                condition=models.Q(axis__isnull=True),
                name="narrative_unique_general_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="narrative_ends_after_start",
            ),
        ]

    def __str__(self):
        if self.axis_id is None:
            return _("Bilan général (%(period)s)") % {"period": self.period_key}
        return _("Bilan de l'axe %(number)s (%(period)s)") % {
            "number": self.axis.number,
            "period": self.period_key,
        }
