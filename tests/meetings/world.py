"""A committee with members (one without an address) and its meeting, for the meetings' tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from meetings.models import Meeting
from tests.factories import CommitteeFactory, MembershipFactory, OrganisationFactory, PersonFactory

MONTREAL = ZoneInfo("America/Montreal")


def committee_meeting_in(table, **fields):
    committee = CommitteeFactory(table=table, name="Comité de coordination")
    afl = OrganisationFactory(name="Action Famille Lavaltrie")
    lucie = PersonFactory(
        organisation=afl, first_name="Lucie", last_name="Mucha", email="lm@afl.example"
    )
    MembershipFactory(table=table, committee=committee, organisation=afl, person=lucie)
    mrc = OrganisationFactory(name="MRC de D'Autray")
    PersonFactory(
        organisation=mrc, first_name="Jérémie", last_name="Lagacé", email="jl@mrc.example"
    )
    PersonFactory(organisation=mrc, first_name="Sans", last_name="Adresse", email="")
    MembershipFactory(table=table, committee=committee, organisation=mrc)
    # A member of the table only: never convened to the committee's meeting.
    MembershipFactory(
        table=table,
        organisation=PersonFactory(
            first_name="Table", last_name="Seulement", email="table@cje.example"
        ).organisation,
    )
    values = {
        "table": table,
        "committee": committee,
        "starts_at": datetime(2030, 2, 6, 10, tzinfo=MONTREAL),
        "ends_at": datetime(2030, 2, 6, 12, tzinfo=MONTREAL),
        "location": "Salle du conseil, Berthierville",
        "online_url": "https://zoom.example/j/123",
        "agenda": "1. Mot de bienvenue\n2. **Plan d'action** 2025",
        **fields,
    }
    return Meeting.objects.create(**values)
