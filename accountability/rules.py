"""The accountability rule book: who gets the full report of a plan (the object)."""

import rules

from partners.rules import is_ministry, is_superuser, manages_table_data, reads_table_data

# The ministry and the table's coordinators get the full version (descriptions, internal
# notes); everyone else only the public version of published plans.
rules.add_perm("accountability.view_full_report", reads_table_data)
# Submitting a report to the ministry (which locks its period) and reopening a locked period:
# the table's coordinators (and superusers), never the ministry, which reads what was sent.
rules.add_perm("accountability.submit_report", manages_table_data)
rules.add_perm("accountability.reopen_period", manages_table_data)

# Every table side by side (the ministry's view across tables): the ministry and superusers;
# a coordinator sees their own table's reports, not the others'.
rules.add_perm("accountability.view_tables_overview", is_superuser | is_ministry)

# The texts of the report (per period): written by the table's coordinators (and superusers),
# read by the ministry too.
rules.add_perm("accountability.view_narratives", reads_table_data)
rules.add_perm("accountability.change_narratives", manages_table_data)
