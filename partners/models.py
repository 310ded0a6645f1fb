from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from common.history import History
from partners import roles
from partners.scoping import TableOwnedQuerySet, check_same_table


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The registry of organisations is shared: the back office reads all of it."""
        return self if roles.is_staff_role(user) else self.none()

    def of_tables(self, table_ids):
        """The organisations that carry or are members of these tables: a table's own."""
        return self.filter(
            models.Q(memberships__table__in=table_ids) | models.Q(carried_tables__in=table_ids)
        ).distinct()

    def of_tables_managed_by(self, user):
        """The organisations a coordinator invites and keeps (all of them, for superusers)."""
        if roles.is_superuser(user):
            return self
        return self.of_tables(roles.coordinated_table_ids(user))


class PersonQuerySet(models.QuerySet):
    def for_user(self, user):
        """Everyone for superusers and the ministry; for a coordinator, the people of the
        organisations that carry or are members of their tables."""
        if roles.sees_all_tables(user):
            return self
        tables = roles.coordinated_table_ids(user)
        return self.filter(organisation__in=Organisation.objects.of_tables(tables))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MRC = "mrc", _("MRC")
        MUNICIPALITY = "municipality", _("Municipalité")
        RECEPTION = "reception", _("Organisme d'accueil et d'intégration")
        COMMUNITY = "community", _("Organisme communautaire")
        EDUCATION = "education", _("Centre de services scolaire ou cégep")
        BUSINESS = "business", _("Entreprise ou développement économique")
        MINISTRY = "ministry", _("Ministère ou organisme public")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    territory = models.ManyToManyField(
        "municipalities.Mrc",
        blank=True,
        related_name="organisations",
        verbose_name=_("territoire desservi"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipalité du siège"),
    )
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(
        _("courriel général"),
        blank=True,
        help_text=_("Une adresse d'organisme, jamais personnelle."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    description = models.TextField(
        _("description publique"), blank=True, help_text=_("Ce que l'organisme offre (répertoire).")
    )
    is_listed = models.BooleanField(_("dans le répertoire public"), default=True)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"description": 2_000}
    objects = OrganisationQuerySet.as_manager()
    history = History(m2m_fields=["territory"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Person(models.Model):
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    title = models.CharField(
        _("rôle ou fonction"),
        max_length=200,
        help_text=_("p. ex. Agent de développement territorial"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("compte"),
    )

    objects = PersonQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["organisation__name", "last_name", "first_name", "title"]
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name or self.title} — {self.organisation.acronym or self.organisation.name}"


class Table(models.Model):
    """A regional immigration table: the body that writes and reports on an action plan."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    mrcs = models.ManyToManyField(
        "municipalities.Mrc", related_name="tables", verbose_name=_("territoire (MRC)")
    )
    carrier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="carried_tables",
        verbose_name=_("organisme porteur"),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    meeting_cadence = models.CharField(
        _("fréquence des rencontres"),
        max_length=200,
        blank=True,
        help_text=_("p. ex. 3 à 5 par année"),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_tables",
        verbose_name=_("coordination"),
        help_text=_("Comptes qui gèrent cette table dans l'administration."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("rappel aux partenaires (jours avant la fin de la période)"),
        default=14,
        validators=[MaxValueValidator(90)],  # a half-year is ~182 days: half of it at most
        help_text=_(
            "Les organisations d'une mesure qui n'ont rien déclaré dans le semestre reçoivent "
            "un rappel ce nombre de jours avant sa fin. 0 : aucun rappel."
        ),
    )

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"description": 5_000}
    table_path = ""
    objects = TableOwnedQuerySet.as_manager()
    history = History(m2m_fields=["mrcs", "coordinators"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("table de concertation")
        verbose_name_plural = _("tables de concertation")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tables:table_detail", kwargs={"slug": self.slug})

    @cached_property
    def coordination_emails(self):
        """Where members' replies go (``Reply-To``): the sender is a no-reply address."""
        return sorted({user.email for user in self.coordinators.all() if user.email})

    def has_organisation(self, organisation):
        """The organisation carries the table or is one of its members."""
        return Organisation.objects.of_tables([self.pk]).filter(pk=organisation.pk).exists()


class Committee(models.Model):
    class Kind(models.TextChoices):
        COORDINATION = "coordination", _("Comité de coordination")
        ELECTED = "elected", _("Comité des élus")
        STEERING = "steering", _("Comité de pilotage")
        WORKING = "working", _("Comité de travail")
        RECEPTION = "reception", _("Comité local d'accueil")
        OTHER = "other", _("Autre")

    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="committees", verbose_name=_("table")
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("municipalité"),
        help_text=_("Pour un comité local d'accueil."),
    )
    mandate = models.TextField(_("mandat"), blank=True)
    composition = models.TextField(_("composition"), blank=True)

    # What forms accept of free text (common.validation.text_max_length).
    text_max_lengths = {"mandate": 5_000, "composition": 5_000}
    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["table__name", "name"]
        verbose_name = _("comité")
        verbose_name_plural = _("comités")
        constraints = [
            models.UniqueConstraint(fields=["table", "name"], name="committee_unique_name_in_table")
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """An organisation (optionally through one of its people) sitting at a table or a committee."""

    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("table")
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("comité"),
        help_text=_("Vide : membre de la table elle-même."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    role = models.CharField(_("rôle"), max_length=200, blank=True)

    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["table__name", "committee__name", "organisation__name"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self):
        return f"{self.organisation} — {self.committee or self.table}"

    def clean(self):
        check_same_table(self, committee=_("Ce comité appartient à une autre table."))
        if (
            self.person_id
            and self.organisation_id
            and self.person.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"person": _("Cette personne fait partie d'une autre organisation.")}
            )


class Invitation(models.Model):
    """A person invited by e-mail to an organisation with a role. A new account joins at once
    (the link sets its password); an existing one only when it accepts (``needs_answer``)."""

    class Role(models.TextChoices):
        PARTNER = "partner", _("Partenaire")
        COORDINATOR = "coordinator", _("Coordination de table")
        MINISTRY = "ministry", _("Ministère")
        MUNICIPALITY = "municipality", _("Municipalité")

    email = models.EmailField(_("courriel"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    table = models.ForeignKey(
        Table,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("table"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("compte"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_invitations",
        verbose_name=_("invité par"),
    )
    title = models.CharField(_("fonction"), max_length=200, blank=True)
    needs_answer = models.BooleanField(
        _("à accepter par la personne"),
        default=False,
        help_text=_(
            "Le compte existait déjà : rien ne change avant que la personne accepte l'invitation."
        ),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    declined_at = models.DateTimeField(_("refusée le"), null=True, blank=True)

    table_path = "table"
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def awaits_answer(self):
        """Sent to an existing account, neither accepted nor declined yet."""
        return self.needs_answer and self.accepted_at is None and self.declined_at is None
