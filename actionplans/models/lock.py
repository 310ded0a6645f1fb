"""Locked periods: once a report for a period has gone to the ministry, what it counted stays.

A lock covers a plan's dates from ``start_date`` to ``end_date``: activities dated in it, their
indicator values and the actual expenses dated in it can no longer be created, changed,
approved or deleted. Only the table's coordination lifts it (``reopened_*``), and that is
recorded; submitting the period again makes a new lock. As Akvo RSR's ``locked`` periods and
ActivityInfo's locked reporting periods.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.formatting import format_date
from common.history import History
from partners.scoping import TableOwnedQuerySet


class PeriodLockQuerySet(TableOwnedQuerySet):
    def active(self):
        return self.filter(reopened_at__isnull=True)

    def covering(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)


class PeriodLock(models.Model):
    plan = models.ForeignKey(
        "actionplans.Plan",
        on_delete=models.CASCADE,
        related_name="locks",
        verbose_name=_("plan"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    reason = models.CharField(
        _("motif"), max_length=300, help_text=_("p. ex. « Rapport d'étape soumis au ministère »")
    )
    locked_at = models.DateTimeField(_("verrouillée le"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verrouillée par"),
    )
    reopened_at = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rouverte par"),
    )
    reopen_reason = models.TextField(_("motif de la réouverture"), blank=True)

    table_path = "plan__table"
    objects = PeriodLockQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["-locked_at", "-id"]
        verbose_name = _("période verrouillée")
        verbose_name_plural = _("périodes verrouillées")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="periodlock_ends_after_start",
                violation_error_message=_("La fin de la période doit suivre son début."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return _("Du %(start)s au %(end)s") % {
            "start": format_date(self.start_date),
            "end": format_date(self.end_date),
        }

    @property
    def is_active(self):
        return self.reopened_at is None
