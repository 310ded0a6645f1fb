from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models.money import FundingSource, changed_field, line_change_errors
from common.formatting import format_date
from common.history import History
from partners.scoping import TableOwnedQuerySet

CONTENT_FIELDS = ["content_version", "content_changed_at"]


class PlanQuerySet(TableOwnedQuerySet):
    def published(self):
        return self.filter(status=Plan.Status.PUBLISHED)


class Plan(models.Model):
    """A table's multi-year action plan, funded (mostly) by the ministry's PAC."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")

    table = models.ForeignKey(
        "partners.Table", on_delete=models.CASCADE, related_name="plans", verbose_name=_("table")
    )
    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    funding_programme = models.CharField(
        _("programme de financement"),
        max_length=200,
        blank=True,
        default="Programme d'appui aux collectivités (PAC)",
    )
    general_objective = models.TextField(_("objectif général"), blank=True)
    notes = models.TextField(
        _("notes internes"),
        blank=True,
        help_text=_("Texte du document importé qui n'a pas trouvé de place, remarques."),
    )
    # What the public pages show of the plan (its tree, progress, open data) changed: one
    # UPDATE … + 1 on each write (actionplans.services.plan_content_changed). The version keys
    # the cached fragments; the time is the pages' Last-Modified.
    content_version = models.PositiveIntegerField(default=0, editable=False)
    content_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    table_path = "table"
    # Plan items name the way to their plan (``plan_path``) and their order in it
    # (``plan_order``): the admin's selects show one plan's items, in that order, and name the
    # plan when they offer several (``common.admin.plan_item_choices``).
    plan_path = ""
    objects = PlanQuerySet.as_manager()
    history = History(excluded_fields=CONTENT_FIELDS)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("plan d'action")
        verbose_name_plural = _("plans d'action")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="plan_ends_after_start",
                violation_error_message=_("La fin du plan doit suivre son début."),
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """A plan read before a write elsewhere bumped its version never writes the older
        version back: only its own fields are saved."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in CONTENT_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("plans:plan_detail", kwargs={"slug": self.slug})

    @property
    def period_label(self):
        return _("Du %(start)s au %(end)s") % {
            "start": format_date(self.start_date),
            "end": format_date(self.end_date),
        }


class PlanYear(models.Model):
    """One year of a plan as a real period (plans usually run on fiscal years, April to March)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="years", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("année du plan"), validators=[MinValueValidator(1)])
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))

    table_path = "plan__table"
    plan_path = "plan"
    plan_order = ["-plan__start_date", "plan_id", "number"]
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["number"]
        verbose_name = _("année du plan")
        verbose_name_plural = _("années du plan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planyear_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="planyear_ends_after_start",
                violation_error_message=_("La fin de l'année doit suivre son début."),
            ),
        ]

    def __str__(self):
        return _("An %(number)s (%(start)s-%(end)s)") % {
            "number": self.number,
            "start": self.start_date.year,
            "end": self.end_date.year,
        }


class Axis(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="axes", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    title = models.CharField(_("titre"), max_length=500)

    table_path = "plan__table"
    plan_path = "plan"
    plan_order = ["-plan__start_date", "plan_id", "number"]
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["number"]
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="axis_unique_number_in_plan",
                violation_error_message=_("Ce plan a déjà un axe portant ce numéro."),
            )
        ]

    def __str__(self):
        return _("Axe %(number)s : %(title)s") % {"number": self.number, "title": self.title}


class Objective(models.Model):
    """A specific objective ("objectif spécifique") under an axis."""

    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("axe")
    )
    number = models.CharField(_("numéro"), max_length=20, help_text=_("p. ex. 1.3"))
    title = models.CharField(_("titre"), max_length=500)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    table_path = "axis__plan__table"
    plan_path = "axis__plan"
    plan_order = ["-axis__plan__start_date", "axis__plan_id", "axis__number", "position", "number"]
    objects = TableOwnedQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("objectif spécifique")
        verbose_name_plural = _("objectifs spécifiques")
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "number"],
                name="objective_unique_number_in_axis",
                violation_error_message=_("Cet axe a déjà un objectif portant ce numéro."),
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class PlanExpense(models.Model):
    """A plan-level budget line that belongs to no measure: contingencies, management fees."""

    class Kind(models.TextChoices):
        CONTINGENCY = "contingency", _("Autres dépenses (imprévus)")
        MANAGEMENT = "management", _("Frais de gestion")
        OTHER = "other", _("Autre")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="expenses", verbose_name=_("plan")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(
        _("montant ($)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.CharField(
        _("source de financement"),
        max_length=20,
        choices=FundingSource.choices,
        default=FundingSource.PAC,
    )
    year = models.ForeignKey(
        PlanYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_expenses",
        verbose_name=_("année du plan"),
        help_text=_("Vide : le montant est réparti également entre les années du plan."),
    )

    table_path = "plan__table"
    plan_path = "plan"
    plan_order = ["-plan__start_date", "plan_id", "id"]
    objects = TableOwnedQuerySet.as_manager()
    history = History(money=["amount"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("dépense du plan")
        verbose_name_plural = _("dépenses du plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="planexpense_amount_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.year_id and self.plan_id and self.year.plan_id != self.plan_id:
            raise ValidationError({"year": _("Cette année n'appartient pas à ce plan.")})
        changed = changed_field(self, "year_id", "source")
        if errors := line_change_errors(
            self, year=self.year, field_changed=changed and changed.removesuffix("_id")
        ):
            raise ValidationError(errors)
