"""The report's financial statement: for each plan year of the period and each funding source,
what was planned, what was spent, and the variance.

Planned comes from :func:`actionplans.budget.plan_budget` (each budget line in its plan year, an
unsplit line spread over its measure's schedule). Spent is what the coordination recorded as
actual expenses (``ActualExpense``) dated in the period: a half-year report shows the half-year's
expenses against the whole year's plan. What partners declared on their approved activities is
shown as information only, never added to spent.

The PAC request is its measures plus the plan-level lines (contingencies, management fees);
the measures outside the PAC request have their own table and are never counted in it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.budget import MEASURES, OUTSIDE_PAC, PLAN, Money, plan_budget
from actionplans.models.money import FundingSource

ZERO = Decimal(0)

# The sources in the groups the statement shows them in, in that order.
MINISTRY, LOCAL, OTHER = "ministry", "local", "other"
GROUPS = [
    (MINISTRY, gettext_lazy("Part du ministère"), FundingSource.ministry()),
    (LOCAL, gettext_lazy("Part locale"), FundingSource.local()),
    (OTHER, gettext_lazy("Autres sources"), [FundingSource.OTHER]),
]


@dataclass
class SourceGroup:
    key: str
    label: str
    rows: list  # [(source label, Money)]
    total: Money


@dataclass
class StatementYear:
    """One plan year of the period (or the whole period, ``year`` ``None``)."""

    year: object
    label: str
    measures: Money  # the PAC request's measures
    plan_lines: Money  # contingencies, management fees
    groups: list  # [SourceGroup], PAC request only
    outside_pac: Money

    @property
    def total(self):
        """The PAC request: its measures plus the plan-level lines."""
        return self.measures + self.plan_lines


@dataclass
class FinancialStatement:
    years: list = field(default_factory=list)  # [StatementYear]
    period: StatementYear | None = None
    declared: Decimal = ZERO  # amounts on approved activities: information only
    has_outside_pac: bool = False

    @property
    def planned(self):
        """What the PAC request (its measures and plan lines) planned for the period's years."""
        return self.period.total.planned if self.period else ZERO

    @property
    def spent(self):
        """What the PAC request (its measures and plan lines) spent in the period."""
        return self.period.total.spent if self.period else ZERO

    @property
    def shown(self):
        """The years, then the whole period when it spans more than one."""
        return [*self.years, self.period] if len(self.years) > 1 else list(self.years)

    @property
    def rows(self):
        """The statement as flat rows for a spreadsheet: ``(section, year, label, Money)``."""
        rows = []
        for year in self.shown:
            for group in year.groups:
                for label, money in group.rows:
                    rows.append((_("Demande PAC par source"), year.label, str(label), money))
                rows.append(
                    (
                        _("Demande PAC par source"),
                        year.label,
                        _("Sous-total : %(group)s") % {"group": group.label},
                        group.total,
                    )
                )
            rows.append((_("Demande PAC"), year.label, _("Moyens d'action"), year.measures))
            rows.append((_("Demande PAC"), year.label, _("Lignes du plan"), year.plan_lines))
            rows.append((_("Demande PAC"), year.label, _("Total de la demande PAC"), year.total))
            if self.has_outside_pac:
                rows.append(
                    (_("Hors demande PAC"), year.label, _("Moyens d'action"), year.outside_pac)
                )
        return rows


def year_label(year):
    """« An 2 (2023-2024) », or « An 2 (2024) » for a plan on calendar years."""
    if year.start_date.year == year.end_date.year:
        return _("An %(number)s (%(year)s)") % {"number": year.number, "year": year.start_date.year}
    return _("An %(number)s (%(start)s-%(end)s)") % {
        "number": year.number,
        "start": year.start_date.year,
        "end": year.end_date.year,
    }


def _money(budget, numbers, sources=None, scopes=(MEASURES, PLAN)):
    return budget.total(years=numbers, sources=sources, scopes=scopes)


def _statement_year(budget, numbers, year, label):
    groups = []
    for key, group_label, sources in GROUPS:
        rows = []
        for source in sources:
            money = _money(budget, numbers, {source})
            if money.planned or money.spent or source == FundingSource.PAC:
                rows.append((FundingSource(source).label, money))
        if rows and (key == MINISTRY or any(m.planned or m.spent for _l, m in rows)):
            groups.append(
                SourceGroup(
                    key=key,
                    label=group_label,
                    rows=rows,
                    total=_money(budget, numbers, set(sources)),
                )
            )
    return StatementYear(
        year=year,
        label=label,
        measures=_money(budget, numbers, scopes=(MEASURES,)),
        plan_lines=_money(budget, numbers, scopes=(PLAN,)),
        groups=groups,
        outside_pac=_money(budget, numbers, scopes=(OUTSIDE_PAC,)),
    )


def financial_statement(plan, period, *, declared=ZERO):
    """The statement of ``plan`` for the plan years ``period`` touches."""
    # Planned for the plan's years; spent: the expenses dated in the period only.
    budget = plan_budget(plan, spent_between=(period.start, period.end))
    years = [y for y in budget.years if y.start_date <= period.end and y.end_date >= period.start]
    statement = FinancialStatement(declared=declared)
    for year in years:
        statement.years.append(_statement_year(budget, {year.number}, year, year_label(year)))
    numbers = {year.number for year in years}
    statement.period = _statement_year(budget, numbers, None, _("Ensemble de la période"))
    outside = budget.total(scopes=(OUTSIDE_PAC,))
    statement.has_outside_pac = bool(outside.planned or statement.period.outside_pac.spent)
    return statement


def finance_dataset(statement):
    """The « Finances » sheet of the report's workbook: one row per figure, amounts as numbers."""
    sheet = tablib.Dataset(
        title=_("Finances")[:31],
        headers=[
            _("Tableau"),
            _("Année"),
            _("Poste"),
            _("Prévu ($)"),
            _("Dépensé ($)"),
            _("Écart ($)"),
        ],
    )
    for section, year, label, money in statement.rows:
        sheet.append(
            [
                section,
                year,
                str(label),
                float(money.planned),
                float(money.spent),
                float(money.variance),
            ]
        )
    sheet.append(
        [
            _("Pour information"),
            _("Ensemble de la période"),
            _("Montants déclarés sur les activités approuvées (non comptés dans le dépensé)"),
            None,
            float(statement.declared),
            None,
        ]
    )
    return sheet
