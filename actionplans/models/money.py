"""Where a plan's money comes from and what was actually spent.

A budget line (a measure's) or a plan-level line (contingencies, management fees) says who
pays (``FundingSource``): the ministry's share through the PAC, another ministry programme,
or the local share (the MRC, the partners; in cash or in services). An ``ActualExpense`` is
what the coordination records as spent against one of those lines on a date; the plan year it
falls in follows from the date.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models.lock import PeriodLock
from common.formatting import format_date
from common.history import History
from partners.scoping import TableOwnedQuerySet


class FundingSource(models.TextChoices):
    PAC = "pac", _("Ministère : PAC")
    MINISTRY_OTHER = "ministry_other", _("Ministère : autre programme")
    MRC_CASH = "mrc_cash", _("MRC : en argent")
    MRC_IN_KIND = "mrc_in_kind", _("MRC : en services")
    PARTNERS_CASH = "partners_cash", _("Partenaires : en argent")
    PARTNERS_IN_KIND = "partners_in_kind", _("Partenaires : en services")
    OTHER = "other", _("Autre")

    @classmethod
    def ministry(cls):
        """The ministry's share, in the order statements list it."""
        return [cls.PAC, cls.MINISTRY_OTHER]

    @classmethod
    def local(cls):
        """The local share: the MRC's and the partners', in cash or in services."""
        return [cls.MRC_CASH, cls.MRC_IN_KIND, cls.PARTNERS_CASH, cls.PARTNERS_IN_KIND]


# How plans write their sources: « PAC-OBNL », « PAC-MRC », « PASI », « MRC », « Partenaires ».
_SOURCE_WORDS = [
    (r"\bPAC\b", FundingSource.PAC),
    (r"\b(PASI|MIFI|PRIIME|ministère)\b", FundingSource.MINISTRY_OTHER),
    (r"\bMRCs?\b.*\b(services?|nature)\b", FundingSource.MRC_IN_KIND),
    (r"\bMRCs?\b", FundingSource.MRC_CASH),
    (r"\bpartenaires?\b.*\b(services?|nature)\b", FundingSource.PARTNERS_IN_KIND),
    (r"\bpartenaires?\b", FundingSource.PARTNERS_CASH),
]


def funding_source_of(text):
    """The source a plan's text names; a line that names none is the PAC request's own."""
    text = (text or "").strip()
    if not text:
        return FundingSource.PAC
    for pattern, source in _SOURCE_WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            return source
    return FundingSource.OTHER


def line_change_errors(line, *, year, field_changed):
    """Why ``line`` (a measure's budget line or a plan-level line that has actual expenses)
    may not take ``year`` or the change of ``field_changed`` ("year", "source" or ``None``):
    an expense dated outside the new year, or one dated in a locked period (what was sent to
    the ministry was counted by that line's year and source). ``{field: message}``."""
    if line.pk is None or field_changed is None:
        return {}
    expenses = line.actual_expenses.all()
    if (
        year is not None
        and expenses.exclude(date__gte=year.start_date, date__lte=year.end_date).exists()
    ):
        return {
            "year": _(
                "Des dépenses réelles de cette ligne tombent hors de l'%(year)s : rattachez-les "
                "à une autre ligne d'abord."
            )
            % {"year": year}
        }
    locked = PeriodLock.objects.active().filter(
        plan_id=models.OuterRef("plan_id"),
        start_date__lte=models.OuterRef("date"),
        end_date__gte=models.OuterRef("date"),
    )
    if expenses.filter(models.Exists(locked)).exists():
        return {
            field_changed: _(
                "Des dépenses réelles de cette ligne sont datées dans une période soumise au "
                "ministère : son année et sa source ne changent plus, à moins de rouvrir la "
                "période."
            )
        }
    return {}


def changed_field(line, *names):
    """The first of ``names`` whose value differs from the stored line's, or ``None``."""
    if line.pk is None:
        return None
    stored = type(line).objects.filter(pk=line.pk).values(*names).first() or {}
    return next((name for name in names if stored.get(name) != getattr(line, name)), None)


class ActualExpense(models.Model):
    """An amount the coordination actually spent, against one budget line of a measure or one
    plan-level line, on a date of the plan."""

    plan = models.ForeignKey(
        "actionplans.Plan",
        on_delete=models.CASCADE,
        related_name="actual_expenses",
        verbose_name=_("plan"),
    )
    budget_line = models.ForeignKey(
        "actionplans.BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actual_expenses",
        verbose_name=_("ligne budgétaire d'un moyen d'action"),
    )
    plan_expense = models.ForeignKey(
        "actionplans.PlanExpense",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actual_expenses",
        verbose_name=_("ligne du plan (imprévus, frais de gestion)"),
    )
    date = models.DateField(_("date de la dépense"))
    amount = models.DecimalField(
        _("montant ($)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    table_path = "plan__table"
    objects = TableOwnedQuerySet.as_manager()
    history = History(money=["amount"])

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("dépense réelle")
        verbose_name_plural = _("dépenses réelles")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="actualexpense_amount_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=(Q(budget_line__isnull=True) & Q(plan_expense__isnull=False))
                | (Q(budget_line__isnull=False) & Q(plan_expense__isnull=True)),
                name="actualexpense_one_line",
                violation_error_message=_(
                    "Une dépense se rattache à une seule ligne : celle d'un moyen d'action "
                    "ou une ligne du plan."
                ),
            ),
        ]

    def __str__(self):
        return self.description or str(self.line)

    @property
    def line(self):
        return self.budget_line or self.plan_expense

    def clean(self):
        if not self.plan_id:
            return
        errors = {}
        if self.budget_line_id and self.budget_line.measure.objective.axis.plan_id != self.plan_id:
            errors["budget_line"] = _("Cette ligne budgétaire n'appartient pas à ce plan.")
        if self.plan_expense_id and self.plan_expense.plan_id != self.plan_id:
            errors["plan_expense"] = _("Cette ligne n'appartient pas à ce plan.")
        plan = self.plan
        line = self.budget_line if self.budget_line_id else self.plan_expense
        year = line.year if line is not None else None
        if year is not None and self.date and not year.start_date <= self.date <= year.end_date:
            errors["date"] = _(
                "Cette ligne budgétaire est celle de l'%(year)s : la date de la dépense doit "
                "tomber entre le %(start)s et le %(end)s (sinon, choisissez la ligne de son année)."
            ) % {
                "year": year,
                "start": format_date(year.start_date),
                "end": format_date(year.end_date),
            }
        elif self.date and not plan.start_date <= self.date <= plan.end_date:
            errors["date"] = _("La date doit tomber dans le plan (%(period)s).") % {
                "period": plan.period_label
            }
        if errors:
            raise ValidationError(errors)
