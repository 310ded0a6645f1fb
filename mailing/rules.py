"""The mailing list's rule book: a table's coordinators keep its list and write to it; the
ministry reads; subscribers act through signed links (confirm, unsubscribe), which need no
account and no rule (``mailing.links``)."""

import rules

from partners.rules import add_table_owned_perms, manages_table_data

add_table_owned_perms("mailing", "subscriber", "message", "delivery")
rules.add_perm("mailing.send_message", manages_table_data)
