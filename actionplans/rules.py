"""The action plans' rule book: a table's coordinators write its plans; the ministry reads."""

import rules

from partners.rules import add_table_owned_perms, manages_table_data

add_table_owned_perms(
    "actionplans",
    "plan",
    "planyear",
    "axis",
    "objective",
    "planexpense",
    "measure",
    "budgetline",
    "indicator",
    "target",
    "actualexpense",
)
# Importing a plan document creates a plan for the table given as the object.
rules.add_perm("actionplans.import_plan", manages_table_data)
