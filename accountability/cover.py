"""Who the report is from, for its cover: the table, its territory, the organisation that
carries its coordination and how to reach it, the funding programme.

Only public facts: the carrier's general address and telephone (an organisation's, never a
person's), and none of them in the public version unless the organisation is in the public
directory.
"""

from dataclasses import dataclass, field

from municipalities.models import Mrc
from partners.models import Organisation


@dataclass(frozen=True)
class Cover:
    table: str
    mrcs: list = field(default_factory=list)  # names, in alphabetical order
    regions: list = field(default_factory=list)  # "Chaudière-Appalaches (12)"
    carrier: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    programme: str = ""


def report_cover(plan, *, public=False):
    """The cover of ``plan``'s reports (two queries, whatever the table's size)."""
    table = plan.table
    mrcs = list(Mrc.objects.filter(tables=table.pk).select_related("region").order_by("name"))
    regions = {mrc.region.code: mrc.region.name for mrc in mrcs}
    carrier = Organisation.objects.only(
        "name", "acronym", "email", "phone", "website", "is_listed"
    ).get(pk=table.carrier_id)
    reachable = carrier.is_listed or not public
    return Cover(
        table=table.name,
        mrcs=[mrc.name for mrc in mrcs],
        regions=[f"{name} ({code})" for code, name in sorted(regions.items())],
        carrier=str(carrier),
        email=carrier.email if reachable else "",
        phone=carrier.phone if reachable else "",
        website=table.website or (carrier.website if reachable else ""),
        programme=plan.funding_programme,
    )
