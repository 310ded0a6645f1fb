from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from actionplans.models import Measure, Plan
from events.models import Event
from municipalities.models import Municipality
from partners.models import Table


class _Localized(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(_Localized):
    def items(self):
        return ["home", "events:list", "directory"]

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
}
