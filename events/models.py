from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import History
from partners.scoping import TableOwnedQuerySet


class EventQuerySet(TableOwnedQuerySet):
    def public(self):
        return self.filter(is_public=True)

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")


class EventSeries(models.Model):
    """Recurring events that belong together, such as the monthly "Jeudis Immigration"."""

    table = models.ForeignKey(
        "partners.Table",
        on_delete=models.CASCADE,
        related_name="event_series",
        verbose_name=_("table"),
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"description": 5_000}
    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["title"]
        verbose_name = _("série d'événements")
        verbose_name_plural = _("séries d'événements")

    def __str__(self):
        return self.title


class Event(models.Model):
    class Kind(models.TextChoices):
        INTERCULTURAL = "intercultural", _("Activité interculturelle")
        WEBINAR = "webinar", _("Webinaire")
        TRAINING = "training", _("Formation ou atelier")
        MEETING = "meeting", _("Rencontre de la table")
        CELEBRATION = "celebration", _("Fête ou célébration")
        INFORMATION = "information", _("Séance d'information")
        OTHER = "other", _("Autre")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Tout le monde")
        NEWCOMERS = "newcomers", _("Personnes immigrantes")
        PARTNERS = "partners", _("Partenaires et intervenants")
        ELECTED = "elected", _("Élus et milieu municipal")
        EMPLOYERS = "employers", _("Employeurs")

    table = models.ForeignKey(
        "partners.Table", on_delete=models.CASCADE, related_name="events", verbose_name=_("table")
    )
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("série"),
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.INTERCULTURAL
    )
    audience = models.CharField(
        _("public visé"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    location = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien en ligne"), blank=True)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("municipalité"),
    )
    organisers = models.ManyToManyField(
        "partners.Organisation", blank=True, related_name="events", verbose_name=_("organisateurs")
    )
    measures = models.ManyToManyField(
        "actionplans.Measure",
        blank=True,
        related_name="events",
        verbose_name=_("moyens d'action réalisés"),
    )
    is_public = models.BooleanField(_("public"), default=True)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"description": 5_000}
    table_path = "table"
    objects = EventQuerySet.as_manager()
    history = History(m2m_fields=["organisers", "measures"])

    class Meta:
        ordering = ["start"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="event_ends_after_start",
                violation_error_message=_("La fin de l'événement doit suivre son début."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})
