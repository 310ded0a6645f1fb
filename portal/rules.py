"""The site shell's rule book."""

import rules

from partners.rules import is_staff_role

# The back office is for superusers, coordinators and ministry staff (with a staff account).
rules.add_perm("portal.use_admin", is_staff_role)
