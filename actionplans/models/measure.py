import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actionplans.models.money import FundingSource, changed_field, line_change_errors
from common.history import History
from partners.scoping import TableOwnedQuerySet

# A measure's number as plans write it ("1.3.2"); its page's address is made of it.
MEASURE_NUMBER_PATTERN = r"[0-9]+(?:\.[0-9]+)*"
MEASURE_NUMBER_MAX_LENGTH = 20


class MeasureQuerySet(TableOwnedQuerySet):
    def current(self):
        """The measures the plan holds today: not those a revision removed (archived).

        The one rule for every page, progress figure, report and form that lists a plan's
        measures; an archived measure stays reachable from its activities and its history.
        """
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def of_plan(self, plan):
        return self.filter(objective__axis__plan=plan)

    def in_plan_order(self):
        return self.order_by(
            "objective__axis__plan_id",
            "objective__axis__number",
            "objective__position",
            "position",
            "id",
        )


class Measure(models.Model):
    """A "moyen d'action": the unit of work a table plans, funds and reports on."""

    objective = models.ForeignKey(
        "actionplans.Objective",
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("objectif spécifique"),
    )
    number = models.CharField(
        _("numéro"), max_length=MEASURE_NUMBER_MAX_LENGTH, help_text=_("p. ex. 1.3.2")
    )
    title = models.TextField(_("moyen d'action"))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    responsibility = models.TextField(
        _("responsables et partenaires (texte du plan)"),
        blank=True,
        help_text=_("Tel qu'écrit dans le plan, p. ex. « CJE – SAIM Services de loisirs »."),
    )
    leads = models.ManyToManyField(
        "partners.Organisation",
        blank=True,
        related_name="led_measures",
        verbose_name=_("organisations responsables"),
    )
    partners = models.ManyToManyField(
        "partners.Organisation",
        blank=True,
        related_name="partner_measures",
        verbose_name=_("organisations partenaires"),
    )
    years = models.ManyToManyField(
        "actionplans.PlanYear",
        blank=True,
        related_name="measures",
        verbose_name=_("échéance (années du plan)"),
    )
    is_continuous = models.BooleanField(_("en continu"), default=False)
    schedule_text = models.CharField(
        _("échéance (texte du plan)"), max_length=100, blank=True, help_text=_("p. ex. Ans 1-2-3")
    )
    outside_pac = models.BooleanField(
        _("hors demande PAC"),
        default=False,
        help_text=_("Mesure réalisée sans financement demandé au PAC."),
    )
    notes = models.TextField(
        _("notes internes"),
        blank=True,
        help_text=_("Remarques de la coordination et avertissements d'importation."),
    )
    archived_at = models.DateTimeField(
        _("archivé le"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Retiré du plan par une révision alors que des activités y étaient déclarées : "
            "gardé avec ses activités et son historique, hors des pages et des bilans du plan."
        ),
    )

    table_path = "objective__axis__plan__table"
    plan_path = "objective__axis__plan"
    plan_order = [
        "-objective__axis__plan__start_date",
        "objective__axis__plan_id",
        "objective__axis__number",
        "objective__position",
        "objective__number",
        "position",
        "number",
    ]
    objects = MeasureQuerySet.as_manager()
    history = History(excluded_fields=["position"], m2m_fields=["leads", "partners", "years"])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("moyen d'action")
        verbose_name_plural = _("moyens d'action")
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "number"],
                name="measure_unique_number_in_objective",
                violation_error_message=_(
                    "Cet objectif a déjà un moyen d'action portant ce numéro."
                ),
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title[:80]}"

    def get_absolute_url(self):
        return reverse(
            "plans:measure_detail",
            kwargs={"slug": self.objective.axis.plan.slug, "number": self.number},
        )

    def clean(self):
        if self.number and not re.fullmatch(MEASURE_NUMBER_PATTERN, self.number):
            raise ValidationError(
                {
                    "number": _(
                        "Un numéro s'écrit en chiffres séparés par des points (p. ex. 1.3.2)."
                    )
                }
            )
        if not (self.objective_id and self.number):
            return
        plan_id = self.objective.axis.plan_id
        clash = (
            Measure.objects.filter(objective__axis__plan_id=plan_id, number=self.number)
            .exclude(pk=self.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                {
                    "number": _("Le numéro %(number)s existe déjà dans ce plan.")
                    % {"number": self.number}
                }
            )

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def budget_total(self):
        """Sum of the measure's budget lines (staff and other costs), as the plan's "Total :" line.

        Reads prefetched ``budget_lines`` when they are there.
        """
        return sum((line.total for line in self.budget_lines.all()), Decimal(0))

    @property
    def schedule_label(self):
        if self.is_continuous:
            return _("En continu")
        numbers = [str(year.number) for year in self.years.all()]
        if not numbers:
            return self.schedule_text
        if len(numbers) == 1:
            return _("An %(years)s") % {"years": numbers[0]}
        return _("Ans %(years)s") % {"years": "-".join(numbers)}


class BudgetLine(models.Model):
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("moyen d'action"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    staff_amount = models.DecimalField(
        _("ressources humaines ($)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    staff_hours = models.DecimalField(
        _("heures"), max_digits=8, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    other_amount = models.DecimalField(
        _("autres dépenses ($)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField(
        _("source de financement (texte du plan)"),
        max_length=100,
        blank=True,
        help_text=_("p. ex. PAC-OBNL, PASI, MRC"),
    )
    source = models.CharField(
        _("source de financement"),
        max_length=20,
        choices=FundingSource.choices,
        default=FundingSource.PAC,
        help_text=_("Qui paie : la part du ministère (PAC) ou la part locale (MRC, partenaires)."),
    )
    year = models.ForeignKey(
        "actionplans.PlanYear",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("année du plan"),
        help_text=_(
            "Vide : le montant est réparti également entre les années de l'échéance du moyen "
            "d'action (toutes les années du plan s'il est en continu)."
        ),
    )

    table_path = "measure__objective__axis__plan__table"
    plan_path = "measure__objective__axis__plan"
    plan_order = [
        "-measure__objective__axis__plan__start_date",
        "measure__objective__axis__plan_id",
        "id",
    ]
    objects = TableOwnedQuerySet.as_manager()
    history = History(money=["staff_amount", "other_amount"], hours=["staff_hours"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_amount__gte=0) & Q(staff_hours__gte=0) & Q(other_amount__gte=0),
                name="budgetline_amounts_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            )
        ]

    def __str__(self):
        return self.description or self.funding_source or self.get_source_display()

    def clean(self):
        if self.year_id and self.measure_id:
            if self.year.plan_id != self.measure.objective.axis.plan_id:
                raise ValidationError(
                    {"year": _("Cette année n'appartient pas au plan du moyen d'action.")}
                )
        changed = changed_field(self, "year_id", "source")
        if errors := line_change_errors(
            self, year=self.year, field_changed=changed and changed.removesuffix("_id")
        ):
            raise ValidationError(errors)

    @property
    def total(self):
        return (self.staff_amount or 0) + (self.other_amount or 0)
