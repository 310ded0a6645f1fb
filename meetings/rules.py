"""The meetings' rule book: a table's coordinators run its meetings and polls (convene, record
attendance, write and send the minutes); the ministry reads; members answer by signed links,
which need no account and no rule (``meetings.addresses``)."""

import rules

from partners import roles
from partners.rules import add_table_owned_perms, manages_table_data


@rules.predicate
def is_followup_assignee(user, follow_up=None):
    """A person (with an account) of the organisation a follow-up is assigned to."""
    if follow_up is None:
        return False
    organisation = roles.organisation_id(user)
    return organisation is not None and organisation == follow_up.organisation_id


add_table_owned_perms(
    "meetings",
    "meeting",
    "meetingdocument",
    "attendance",
    "decision",
    "followup",
    "datepoll",
    "pollslot",
    "pollparticipant",
    "pollanswer",
)
rules.add_perm("meetings.convene_meeting", manages_table_data)
rules.add_perm("meetings.send_minutes", manages_table_data)
rules.add_perm("meetings.send_datepoll", manages_table_data)
# Marking a follow-up done: its organisation's people, or the table's coordinators.
rules.add_perm("meetings.complete_followup", is_followup_assignee | manages_table_data)
