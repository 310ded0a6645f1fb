from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import History
from partners.scoping import TableOwnedQuerySet


class EventQuerySet(TableOwnedQuerySet):
    def public(self):
        return self.filter(is_public=True)

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")


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
    registration_required = models.BooleanField(
        _("inscription requise"),
        default=False,
        help_text=_(
            "Les personnes s'inscrivent sur la page de l'événement ; le lien en ligne est "
            "envoyé aux inscrits confirmés seulement, jamais publié."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite. Au-delà, les inscriptions vont en liste d'attente."),
    )
    registration_closes_at = models.DateTimeField(
        _("fin des inscriptions"),
        null=True,
        blank=True,
        help_text=_("Vide : jusqu'au début de l'événement."),
    )
    # Every save moves it: the subscription feeds' validator and their memo of each event's
    # VEVENT (events.feeds).
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"description": 5_000}
    table_path = "table"
    objects = EventQuerySet.as_manager()
    history = History(m2m_fields=["organisers", "measures"], excluded_fields=["updated_at"])

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

    @property
    def public_online_url(self):
        """The online link as the public may see it: none when registrants alone receive it."""
        return "" if self.registration_required else self.online_url

    def registration_open(self, now=None):
        """Whether the event takes registrations now: until it closes them, or until it starts."""
        now = now or timezone.now()
        closes = min(filter(None, [self.registration_closes_at, self.start]))
        return self.registration_required and now < closes


class RegistrationQuerySet(TableOwnedQuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    """A person registered to an event by e-mail, without an account.

    The address is the registration's key: one active registration per address and event (a
    second one changes nothing), a cancelled one leaves room for registering again.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmée")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulée")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("événement")
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    promoted_at = models.DateTimeField(_("sorti de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    # The last e-mail telling the registrant where they stand (a repeated registration sends
    # it again, at most once an hour).
    emailed_at = models.DateTimeField(_("courriel envoyé le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    attended = models.BooleanField(_("présent"), null=True, blank=True)

    table_path = "event__table"
    objects = RegistrationQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_address",
                violation_error_message=_("Cette adresse est déjà inscrite à cet événement."),
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.get_status_display()}"
