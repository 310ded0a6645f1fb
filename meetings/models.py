"""The table's life: its meetings and its committees', convocations and answers, minutes with
decisions and follow-ups, and the date polls that choose when to meet."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from common.history import History
from partners import roles
from partners.scoping import TableOwnedQuerySet, check_same_table

DEFAULT_DURATION = timedelta(hours=2)


def looks_like_a_link(text):
    """A place that is an address on the web (meetings kept one field for « lieu ou lien »)."""
    text = (text or "").strip().lower()
    return "://" in text or text.startswith("www.")


def _same_table(obj):
    check_same_table(obj, committee=_("Ce comité appartient à une autre table."))


class Meeting(models.Model):
    """A meeting of the table (no committee) or of one of its committees."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("En présentiel")
        VIRTUAL = "virtual", _("Virtuel")
        HYBRID = "hybrid", _("Hybride")

    table = models.ForeignKey(
        "partners.Table", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("table")
    )
    committee = models.ForeignKey(
        "partners.Committee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("comité"),
        help_text=_("Vide : rencontre de la table elle-même."),
    )
    title = models.CharField(
        _("titre"), max_length=200, blank=True, help_text=_("Vide : « Rencontre de la table ».")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    location = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(
        _("lien de la rencontre en ligne"),
        blank=True,
        help_text=_("Envoyé aux membres convoqués seulement, jamais publié."),
    )
    agenda = models.TextField(_("ordre du jour"), blank=True, help_text=_("Markdown."))
    is_public = models.BooleanField(
        _("au calendrier public"),
        default=False,
        help_text=_("La date, le titre et le lieu paraissent au calendrier public, sans le lien."),
    )
    convened_at = models.DateTimeField(_("convocation envoyée le"), null=True, blank=True)
    # How many times the convocation went out: the SEQUENCE of its calendar event.
    convocations_sent = models.PositiveSmallIntegerField(
        _("envois de la convocation"), default=0, editable=False
    )
    minutes = models.TextField(_("compte rendu"), blank=True, help_text=_("Markdown."))
    minutes_sent_at = models.DateTimeField(_("compte rendu envoyé le"), null=True, blank=True)

    history = History()

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"agenda": 10_000, "minutes": 50_000}
    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("La fin de la rencontre doit suivre son début."),
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.starts_at:%Y-%m-%d}"

    @property
    def name(self):
        """What the meeting is called: its title, else its committee's or the table's."""
        if self.title:
            return self.title
        if self.committee_id:
            return str(self.committee)
        return str(_("Rencontre de la table"))

    @property
    def end(self):
        return self.ends_at or self.starts_at + DEFAULT_DURATION

    def clean(self):
        _same_table(self)
        if looks_like_a_link(self.location):
            raise ValidationError(
                {
                    "location": _(
                        "Le lieu ne peut pas être un lien : mettez-le dans « lien de la rencontre "
                        "en ligne », qui n'est envoyé qu'aux membres convoqués."
                    )
                }
            )


def document_path(document, filename):
    return f"rencontres/{document.meeting_id}/{filename}"


class MeetingDocument(models.Model):
    """A document sent with the convocation or kept with the minutes (private: members only)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("rencontre")
    )
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=document_path)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    table_path = "meeting__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["meeting", "title"]
        verbose_name = _("document de rencontre")
        verbose_name_plural = _("documents de rencontre")

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """A person convened to a meeting: their answer (by signed link) and whether they came."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Sans réponse")
        PRESENT = "present", _("Présent")
        ABSENT = "absent", _("Absent")
        REPRESENTED = "represented", _("Représenté")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("rencontre")
    )
    person = models.ForeignKey(
        "partners.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("personne"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"))
    answer = models.CharField(
        _("réponse"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    represented_by = models.CharField(_("représenté par"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    attended = models.BooleanField(_("présence constatée"), null=True, blank=True)
    convened_at = models.DateTimeField(_("convoqué le"), null=True, blank=True)

    table_path = "meeting__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["meeting", "name"]
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"], name="attendance_one_per_address_and_meeting"
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.get_answer_display()}"


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("rencontre")
    )
    text = models.TextField(_("décision"))
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    text_max_lengths = {"text": 2_000}
    table_path = "meeting__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return self.text[:80]


class FollowUpQuerySet(TableOwnedQuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def pending_at(self, meeting):
        """What earlier meetings of the same table and committee left to do (« Suivis en
        cours » of the next convocation)."""
        return self.filter(
            meeting__table_id=meeting.table_id,
            meeting__committee_id=meeting.committee_id,
            meeting__starts_at__lt=meeting.starts_at,
        )

    def actionable_by(self, user):
        """The follow-ups ``user`` may mark done: their organisation's, their tables' (all,
        for superusers)."""
        if roles.is_superuser(user):
            return self
        if not user.is_authenticated:
            return self.none()
        condition = Q(meeting__table__in=roles.coordinated_table_ids(user))
        if (organisation := roles.organisation_id(user)) is not None:
            condition |= Q(organisation=organisation)
        return self.filter(condition)

    def overdue_first(self):
        """By due date, the oldest (overdue) first, those without a date last."""
        return self.order_by(F("due_on").asc(nulls_last=True), "meeting__starts_at", "pk")


class FollowUp(models.Model):
    """A follow-up decided at a meeting, assigned to an organisation with a due date."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("rencontre")
    )
    text = models.TextField(_("suivi"))
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("responsable"),
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)

    text_max_lengths = {"text": 2_000}
    table_path = "meeting__table"
    objects = FollowUpQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")

    def __str__(self):
        return self.text[:80]

    def clean(self):
        meeting, organisation = getattr(self, "meeting", None), getattr(self, "organisation", None)
        if meeting is not None and organisation is not None and meeting.table_id:
            if not meeting.table.has_organisation(organisation):
                raise ValidationError(
                    {"organisation": _("Cette organisation n'est pas membre de la table.")}
                )

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_on is not None and self.due_on < localdate()


class DatePoll(models.Model):
    """Slots proposed to the members (instead of Doodle); choosing one creates the meeting."""

    table = models.ForeignKey(
        "partners.Table",
        on_delete=models.CASCADE,
        related_name="date_polls",
        verbose_name=_("table"),
    )
    committee = models.ForeignKey(
        "partners.Committee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_polls",
        verbose_name=_("comité"),
        help_text=_("Vide : rencontre de la table elle-même."),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("message"), blank=True)
    closes_on = models.DateField(
        _("réponses jusqu'au"), help_text=_("Après cette date, le lien ne permet plus de répondre.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_poll",
        verbose_name=_("rencontre créée"),
    )

    text_max_lengths = {"description": 5_000}
    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["-closes_on", "title"]
        verbose_name = _("sondage de dates")
        verbose_name_plural = _("sondages de dates")

    def __str__(self):
        return self.title

    def clean(self):
        _same_table(self)


class PollSlot(models.Model):
    poll = models.ForeignKey(
        DatePoll, on_delete=models.CASCADE, related_name="slots", verbose_name=_("sondage")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    table_path = "poll__table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["poll", "starts_at"]
        verbose_name = _("date proposée")
        verbose_name_plural = _("dates proposées")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="poll_slot_ends_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
            models.UniqueConstraint(fields=["poll", "starts_at"], name="poll_slot_unique_start"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"  # Montreal time


class PollParticipant(models.Model):
    """A person asked to answer a poll (their name kept from the invitation)."""

    poll = models.ForeignKey(
        DatePoll, on_delete=models.CASCADE, related_name="participants", verbose_name=_("sondage")
    )
    person = models.ForeignKey(
        "partners.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne"),
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"))
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    table_path = "poll__table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["poll", "name"]
        verbose_name = _("participant au sondage")
        verbose_name_plural = _("participants au sondage")
        constraints = [
            models.UniqueConstraint(fields=["poll", "email"], name="poll_participant_unique_email")
        ]

    def __str__(self):
        return self.name


class PollAnswer(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("Oui")
        IF_NEED_BE = "if_need_be", _("Si nécessaire")
        NO = "no", _("Non")

    participant = models.ForeignKey(
        PollParticipant,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("participant"),
    )
    slot = models.ForeignKey(
        PollSlot, on_delete=models.CASCADE, related_name="answers", verbose_name=_("date")
    )
    choice = models.CharField(_("réponse"), max_length=20, choices=Choice.choices)

    table_path = "slot__poll__table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse au sondage")
        verbose_name_plural = _("réponses au sondage")
        constraints = [
            models.UniqueConstraint(fields=["participant", "slot"], name="poll_answer_one_per_slot")
        ]

    def __str__(self):
        return f"{self.participant} — {self.get_choice_display()}"
