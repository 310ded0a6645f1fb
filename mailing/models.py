"""The table's mailing list: subscribers with their consent, messages and their deliveries.

Consent is kept as Quebec's privacy law (Loi 25) and Canada's anti-spam law (CASL, LCAP) ask:
how it was given (``source``), when (``consented_at``) and what proves it (``consent_evidence``:
who imported which file and confirmed holding the consent, the wording of the site's form and
the date of the request, the membership that makes it implied). Nothing more is kept: no IP
address, no browser. Only ``subscribed`` addresses receive messages; an address that is pending
its confirmation, unsubscribed or bounced receives nothing but, for a pending one, the
confirmation itself.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.history import History
from partners.models import Organisation
from partners.scoping import TableOwnedQuerySet, check_same_table


class SubscriberQuerySet(TableOwnedQuerySet):
    def subscribed(self):
        return self.filter(status=Subscriber.Status.SUBSCRIBED)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        SUBSCRIBED = "subscribed", _("Abonné")
        UNSUBSCRIBED = "unsubscribed", _("Désabonné")
        BOUNCED = "bounced", _("Adresse en erreur")

    class Source(models.TextChoices):
        MEMBER = "member", _("Membre de la table")
        IMPORT = "import", _("Import CSV")
        WEBSITE = "website", _("Inscription sur le site")
        COORDINATION = "coordination", _("Ajout par la coordination")

    table = models.ForeignKey(
        "partners.Table",
        on_delete=models.CASCADE,
        related_name="subscribers",
        verbose_name=_("table"),
    )
    email = models.EmailField(_("courriel"))
    name = models.CharField(_("nom"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscribers",
        verbose_name=_("municipalité"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("provenance"), max_length=20, choices=Source.choices)
    consented_at = models.DateTimeField(_("consentement donné le"))
    consent_evidence = models.TextField(
        _("preuve du consentement"),
        help_text=_(
            "Comment la personne a consenti : par exemple « a demandé à être inscrite lors de la "
            "rencontre du 6 février 2025 »."
        ),
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation demandée le"), null=True, blank=True
    )
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("en erreur depuis le"), null=True, blank=True)
    bounce_reason = models.CharField(_("motif de l'erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    text_max_lengths = {"consent_evidence": 2_000}
    table_path = "table"
    objects = SubscriberQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["table", "email"]
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")
        constraints = [
            models.UniqueConstraint(
                "table",
                Lower("email"),
                name="subscriber_one_per_address_and_table",
                violation_error_message=_("Cette adresse est déjà dans la liste de cette table."),
            )
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


class Message(models.Model):
    """A message to the table's list, or to one segment of it."""

    class Segment(models.TextChoices):
        ALL = "all", _("Toute la liste")
        COMMITTEE = "committee", _("Les organisations d'un comité")
        MUNICIPALITY = "municipality", _("Une municipalité")
        ORGANISATION_KIND = "organisation_kind", _("Un type d'organisation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        QUEUED = "queued", _("En file d'attente")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")

    table = models.ForeignKey(
        "partners.Table",
        on_delete=models.CASCADE,
        related_name="mailing_messages",
        verbose_name=_("table"),
    )
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(
        _("message"), help_text=_("Markdown : **gras**, *italique*, listes, [lien](https://…).")
    )
    segment = models.CharField(
        _("destinataires"), max_length=20, choices=Segment.choices, default=Segment.ALL
    )
    committee = models.ForeignKey(
        "partners.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comité"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipalité"),
    )
    organisation_kind = models.CharField(
        _("type d'organisation"),
        max_length=20,
        blank=True,
        choices=Organisation.Kind.choices,
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("événement annoncé"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rédigé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    queued_at = models.DateTimeField(_("envoi demandé le"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True, editable=False)
    recipients_count = models.PositiveIntegerField(_("destinataires"), default=0, editable=False)
    sent_count = models.PositiveIntegerField(_("envoyés"), default=0, editable=False)
    failed_count = models.PositiveIntegerField(_("échecs"), default=0, editable=False)

    text_max_lengths = {"body": 50_000}
    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()
    history = History(
        excluded_fields=["recipients_count", "sent_count", "failed_count", "created_at"]
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message à la liste")
        verbose_name_plural = _("messages à la liste")

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        """The archive page (messages sent to the whole list only)."""
        return reverse(
            "mailing:archive_detail", kwargs={"table_slug": self.table.slug, "pk": self.pk}
        )

    @property
    def in_archive(self):
        return self.status == self.Status.SENT and self.segment == self.Segment.ALL

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def clean(self):
        needs = {
            self.Segment.COMMITTEE: ("committee", self.committee_id),
            self.Segment.MUNICIPALITY: ("municipality", self.municipality_id),
            self.Segment.ORGANISATION_KIND: ("organisation_kind", self.organisation_kind),
        }
        if self.segment in needs and not needs[self.segment][1]:
            raise ValidationError({needs[self.segment][0]: _("Choisissez à qui écrire.")})
        check_same_table(
            self,
            committee=_("Ce comité appartient à une autre table."),
            event=_("Cet événement appartient à une autre table."),
        )


class Delivery(models.Model):
    """One message to one subscriber: created when the message is queued, sent by batches."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        BOUNCED = "bounced", _("Revenu en erreur")
        SKIPPED = "skipped", _("Non envoyé (désabonné entre-temps)")

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("abonné")
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)

    table_path = "message__table"
    objects = TableOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["message", "pk"]
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "subscriber"], name="delivery_one_per_message_and_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.message} → {self.subscriber}"
