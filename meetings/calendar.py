"""A meeting as an iCalendar invitation (METHOD:REQUEST), in America/Montreal time.

The UID is stable for the meeting: a second convocation after a change of date updates the
event already in the member's calendar (SEQUENCE grows with each sending) instead of adding one.
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress
from icalendar import Event as VEvent

UID_DOMAIN = "tables-immigration"


def meeting_uid(meeting):
    return f"rencontre-{meeting.pk}@{UID_DOMAIN}"


def meeting_vevent(meeting, *, url="", attendee=None, sequence=0, private=True):
    """One VEVENT; ``private`` adds the online link (members only, never the public)."""
    vevent = VEvent()
    vevent.add("uid", meeting_uid(meeting))
    vevent.add("summary", f"{meeting.name} — {meeting.table.name}")
    vevent.add("dtstart", timezone.localtime(meeting.starts_at))
    vevent.add("dtend", timezone.localtime(meeting.end))
    vevent.add("dtstamp", timezone.now())
    vevent.add("sequence", sequence)
    where = [meeting.location] if meeting.location else []
    if private and meeting.online_url:
        where.append(meeting.online_url)
    if where:
        vevent.add("location", " — ".join(where))
    description = [meeting.agenda] if private and meeting.agenda else []
    if url:
        description.append(url)
        vevent.add("url", url)
    if description:
        vevent.add("description", "\n\n".join(description))
    if attendee is not None:
        organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
        organizer.params["cn"] = meeting.table.name
        vevent.add("organizer", organizer)
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params.update({"cn": attendee.name, "role": "REQ-PARTICIPANT", "rsvp": "FALSE"})
        vevent.add("attendee", address)
    return vevent


def calendar_bytes(vevents, *, name, method=None):
    calendar = Calendar()
    calendar.add("prodid", "-//Tables immigration//Rencontres//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "America/Montreal")
    if method:
        calendar.add("method", method)
    for vevent in vevents:
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation_ics(meeting, attendance, *, url, sequence):
    """The ``.ics`` attached to a convocation: one meeting, addressed to one member."""
    vevent = meeting_vevent(meeting, url=url, attendee=attendance, sequence=sequence)
    return calendar_bytes([vevent], name=meeting.name, method="REQUEST")
