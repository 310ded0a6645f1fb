from actionplans.models.indicator import Indicator, Target
from actionplans.models.measure import BudgetLine, Measure
from actionplans.models.plan import Axis, Objective, Plan, PlanExpense, PlanYear

__all__ = [
    "Axis",
    "BudgetLine",
    "Indicator",
    "Measure",
    "Objective",
    "Plan",
    "PlanExpense",
    "PlanYear",
    "Target",
]
