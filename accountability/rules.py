"""The accountability rule book: who gets the full report of a plan (the object)."""

import rules

from partners.rules import manages_table_data, reads_table_data

# The ministry and the table's coordinators get the full version (descriptions, internal
# notes); everyone else only the public version of published plans.
rules.add_perm("accountability.view_full_report", reads_table_data)

# The texts of the report (per period): written by the table's coordinators (and superusers),
# read by the ministry too.
rules.add_perm("accountability.view_narratives", reads_table_data)
rules.add_perm("accountability.change_narratives", manages_table_data)
