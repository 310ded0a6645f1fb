"""Who a meeting or a poll reaches: the members of the table, or of one of its committees.

A membership names an organisation and, optionally, the person who sits for it. The person
named is the one convened; without one, every person of the organisation with an address. The
same address is reached once, whatever the number of memberships that lead to it.
"""

from dataclasses import dataclass

from partners.models import Membership, Person


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    person: Person
    organisation_id: int


def _name(person):
    return f"{person.first_name} {person.last_name}".strip() or person.title


def _people(table, committee):
    memberships = Membership.objects.filter(table=table, committee=committee)
    named = Person.objects.filter(pk__in=memberships.exclude(person=None).values("person"))
    whole = Person.objects.filter(
        organisation__in=memberships.filter(person=None).values("organisation")
    )
    return (named | whole).select_related("organisation").distinct()


def members_without_address(table, committee=None):
    """The people a meeting would convene but cannot reach: no e-mail address on file."""
    people = _people(table, committee).filter(email="")
    return list(people.order_by("last_name", "first_name", "pk"))


def members_of(table, committee=None):
    """The people a meeting of ``table`` (or of its ``committee``) convenes, by name."""
    people = _people(table, committee).exclude(email="")
    members = {}
    for person in people.order_by("last_name", "first_name", "pk"):
        key = person.email.strip().lower()
        members.setdefault(
            key, Member(_name(person), person.email.strip(), person, person.organisation_id)
        )
    return sorted(members.values(), key=lambda member: member.name.lower())
