from actionplans.models.indicator import Indicator, Target
from actionplans.models.measure import BudgetLine, Measure
from actionplans.models.plan import Axis, Objective, Plan, PlanExpense, PlanYear
from actionplans.models.report import ActivityReport, Attachment, IndicatorValue

__all__ = [
    "ActivityReport",
    "Attachment",
    "IndicatorValue",
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
