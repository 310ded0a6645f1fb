from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.formatting import format_number
from common.history import History
from partners.scoping import TableOwnedQuerySet


class Indicator(models.Model):
    measure = models.ForeignKey(
        "actionplans.Measure",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("moyen d'action"),
    )
    label = models.CharField(_("indicateur"), max_length=300)
    unit = models.CharField(_("unité"), max_length=100, blank=True, help_text=_("p. ex. activités"))
    is_cumulative = models.BooleanField(
        _("cumulatif"),
        default=True,
        help_text=_("Cumulatif : les valeurs s'additionnent. Sinon, la dernière valeur compte."),
    )
    baseline = models.DecimalField(
        _("valeur de départ"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)

    table_path = "measure__objective__axis__plan__table"
    plan_path = "measure__objective__axis__plan"
    plan_order = [
        "-measure__objective__axis__plan__start_date",
        "measure__objective__axis__plan_id",
        "measure__objective__axis__number",
        "measure__objective__position",
        "measure__position",
        "measure_id",
        "position",
        "id",
    ]
    objects = TableOwnedQuerySet.as_manager()
    history = History(excluded_fields=["position"])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self):
        return self.label


class Target(models.Model):
    """A target for one plan year, or for the whole plan when ``year`` is empty.

    ``text`` keeps the target as written ("An 2 : 19 activités", "À déterminer");
    ``value`` holds the number when there is one, so that progress can be computed.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicateur")
    )
    year = models.ForeignKey(
        "actionplans.PlanYear",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("année du plan"),
        help_text=_("Vide : cible pour l'ensemble du plan."),
    )
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.CharField(_("cible (texte du plan)"), max_length=500, blank=True)

    table_path = "indicator__measure__objective__axis__plan__table"
    plan_path = "indicator__measure__objective__axis__plan"
    objects = TableOwnedQuerySet.as_manager()
    # On a measure's (or an indicator's) history, a target reads as a value of its indicator.
    history = History(value_of="indicator")

    class Meta:
        ordering = ["id"]
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="target_unique_per_year",
                violation_error_message=_("Cet indicateur a déjà une cible pour cette année."),
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(year__isnull=True),
                name="target_unique_whole_plan",
                violation_error_message=_(
                    "Cet indicateur a déjà une cible pour l'ensemble du plan."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="target_value_not_negative",
                violation_error_message=_("Une cible ne peut pas être négative."),
            ),
        ]

    def __str__(self):
        return self.text or str(self.value)

    def history_value_label(self):
        """What the history calls this target: its year (« An 2 (2023-2024) »)."""
        return str(self.year) if self.year_id else _("Ensemble du plan")

    def history_value(self):
        """The target as the history shows it: as written, else its number."""
        return self.text or format_number(self.value, 2)

    def clean(self):
        if self.year_id and self.indicator_id:
            plan_id = self.indicator.measure.objective.axis.plan_id
            if self.year.plan_id != plan_id:
                raise ValidationError(
                    {"year": _("Cette année n'appartient pas au plan de l'indicateur.")}
                )
