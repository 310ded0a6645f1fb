"""The sitemap: every public page in French and English, on the address the request reached."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import reverse

from actionplans.models import Measure, Plan
from events.models import Event
from kits.models import Kit
from municipalities.models import Municipality
from partners.models import Table


class _Localized(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def __init__(self, domain=None):
        self.domain = domain

    def get_domain(self, site=None):
        return self.domain or super().get_domain(site)


class StaticSitemap(_Localized):
    def items(self):
        return ["home", "events:list", "directory", "kits:list"]

    def location(self, item):
        return reverse(item)


class TableSitemap(_Localized):
    def items(self):
        return Table.objects.order_by("pk")


class PlanSitemap(_Localized):
    def items(self):
        return Plan.objects.published().order_by("pk")


class MeasureSitemap(_Localized):
    def items(self):
        return (
            Measure.objects.current()
            .filter(objective__axis__plan__status=Plan.Status.PUBLISHED)
            .select_related("objective__axis__plan")
            .order_by("pk")
        )


class EventSitemap(_Localized):
    def items(self):
        return Event.objects.public().order_by("pk")


class KitSitemap(_Localized):
    def items(self):
        return Kit.objects.published().order_by("pk")


class PersonalisedKitSitemap(_Localized):
    """Each published kit at each municipality of its table's territory (its texts to copy)."""

    def items(self):
        return list(
            Municipality.objects.filter(mrc__tables__kits__is_published=True)
            .order_by("mrc__tables__kits__pk", "pk")
            .values_list("mrc__tables__kits__slug", "slug")
            .distinct()
        )

    def location(self, item):
        kit, municipality = item
        return reverse("kits:personalised", kwargs={"slug": kit, "municipality": municipality})


class MunicipalitySitemap(_Localized):
    def items(self):
        return Municipality.objects.order_by("pk")


SITEMAPS = {
    "pages": StaticSitemap,
    "tables": TableSitemap,
    "plans": PlanSitemap,
    "measures": MeasureSitemap,
    "events": EventSitemap,
    "municipalities": MunicipalitySitemap,
    "kits": KitSitemap,
    "kit-municipalities": PersonalisedKitSitemap,
}


@login_not_required
def sitemap_xml(request):
    """The sitemap with the request's host and scheme (https behind the production proxy), not
    the Sites framework's row, which says example.com wherever SITE_URL was never written."""
    domain = request.get_host()
    return sitemap(request, sitemaps={name: kind(domain) for name, kind in SITEMAPS.items()})
