"""Reads of the mailing list: who a message reaches, and the public archive."""

from django.db.models import Q

from mailing.models import Message, Subscriber
from partners.models import Membership


def segment_filter(message):
    """The condition that picks a message's segment among the table's subscribers."""
    Segment = Message.Segment
    if message.segment == Segment.COMMITTEE:
        organisations = Membership.objects.filter(committee_id=message.committee_id).values(
            "organisation"
        )
        return Q(organisation__in=organisations)
    if message.segment == Segment.MUNICIPALITY:
        return Q(municipality_id=message.municipality_id) | Q(
            municipality__isnull=True, organisation__municipality_id=message.municipality_id
        )
    if message.segment == Segment.ORGANISATION_KIND:
        return Q(organisation__kind=message.organisation_kind)
    return Q()


def recipients(message):
    """The subscribed addresses of the message's segment: never a pending, unsubscribed or
    bounced one."""
    return (
        Subscriber.objects.filter(table_id=message.table_id)
        .subscribed()
        .filter(segment_filter(message))
    )


def archive(table):
    """The table's messages sent to the whole list, newest first (segment messages are not
    archived: they reached only part of the list)."""
    return Message.objects.filter(
        table=table, status=Message.Status.SENT, segment=Message.Segment.ALL
    ).order_by("-sent_at", "-pk")
