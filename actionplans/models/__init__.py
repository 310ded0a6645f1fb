from actionplans.models.indicator import Indicator, Target
from actionplans.models.lock import PeriodLock
from actionplans.models.measure import BudgetLine, Measure
from actionplans.models.money import ActualExpense, FundingSource
from actionplans.models.plan import Axis, Objective, Plan, PlanExpense, PlanYear

__all__ = [
    "ActualExpense",
    "Axis",
    "BudgetLine",
    "FundingSource",
    "Indicator",
    "Measure",
    "Objective",
    "PeriodLock",
    "Plan",
    "PlanExpense",
    "PlanYear",
    "Target",
]
