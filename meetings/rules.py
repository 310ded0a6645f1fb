"""The meetings' rule book: a table's coordinators run its meetings and polls (convene, record
attendance, write and send the minutes); the ministry reads; members answer by signed links,
which need no account and no rule (``meetings.links``)."""

import rules

from partners.rules import add_table_owned_perms, manages_table_data

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
