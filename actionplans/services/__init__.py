"""Writes on action plans. Views, admin and commands call these; they hold the rules.

One module per topic: ``plans`` (years, publication, next cycle), ``targets``, ``documents``
(plan documents imported and revised, spreadsheet rows), ``locks`` (locked periods, actual
expenses), ``budget_lines`` (the split per year), ``outline`` (« Plan complet »), ``versions``
(the plans' content versions that caches follow). Callers import from here.
"""

from actionplans.services.budget_lines import (  # noqa: F401
    SPLIT_REASON,
    TENTH,
    BudgetLineSplitError,
    budget_line_split,
)
from actionplans.services.documents import (  # noqa: F401
    REVISION_REASON,
    PlanSlugTaken,
    measure_organisations_link,
    measure_sheet_update,
    objective_sheet_get_or_create,
    plan_import,
    plan_revise,
    plan_revision,
)
from actionplans.services.locks import (  # noqa: F401
    PeriodAlreadyLocked,
    ReopenError,
    actual_expense_delete,
    actual_expense_save,
    period_lock,
    period_reopen,
    plan_rows_lock,
)
from actionplans.services.outline import (  # noqa: F401
    MOVE_REASON,
    RENUMBER_REASON,
    OutlineError,
    axis_add,
    axis_change,
    axis_move,
    budget_line_delete,
    budget_line_save,
    indicator_delete,
    indicator_save,
    measure_add,
    measure_change,
    measure_move,
    objective_add,
    objective_change,
    objective_move,
    plan_renumber,
)
from actionplans.services.plans import (  # noqa: F401
    COPY_REASON,
    PUBLISH_REASON,
    UNPUBLISH_REASON,
    plan_duplicate_next_cycle,
    plan_next_cycle_dates,
    plan_next_cycle_title,
    plan_publish,
    plan_unpublish,
    plan_year_periods,
    plan_years_sync,
    years_after,
)
from actionplans.services.targets import (  # noqa: F401
    indicator_targets_set,
)
from actionplans.services.versions import (  # noqa: F401
    plan_content_batch,
    plan_content_changed,
    plans_of,
    plans_of_measures,
)
