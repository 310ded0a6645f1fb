"""The mailing list's rule book: a table's coordinators keep its list and write to it; the
ministry reads; subscribers act through signed links (confirm, unsubscribe), which need no
account and no rule (``mailing.links``)."""

import rules

from partners.rules import add_table_owned_perms, manages_table_data


@rules.predicate
def keeps_an_opt_out(user, subscriber=None):
    """An address that unsubscribed or bounced: its row is what keeps it off the list (an
    import or the members' button never subscribes it again), so it is never deleted."""
    return subscriber is not None and subscriber.status in {"unsubscribed", "bounced"}


add_table_owned_perms("mailing", "subscriber", "message", "delivery")
rules.set_perm("mailing.delete_subscriber", manages_table_data & ~keeps_an_opt_out)
rules.add_perm("mailing.send_message", manages_table_data)
