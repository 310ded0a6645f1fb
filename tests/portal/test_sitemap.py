"""The sitemap names the site's real address (never the Sites framework's example.com) and
lists the kits: their list, each published kit and its page for each municipality."""

import pytest
from django.contrib.sites.models import Site

from kits.models import Kit
from tests.factories import MunicipalityFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def example_com(db):
    Site.objects.update_or_create(pk=1, defaults={"domain": "example.com"})
    Site.objects.clear_cache()


def test_sitemap_uses_the_requests_address_in_https_behind_the_proxy(
    client, settings, example_com, table_a
):
    settings.ALLOWED_HOSTS = ["portail.tables.example"]
    plan = PlanFactory(table=table_a, slug="plan-a")
    xml = client.get("/sitemap.xml", HTTP_HOST="portail.tables.example", secure=True)
    xml = xml.content.decode()
    assert "example.com" not in xml
    assert f"<loc>https://portail.tables.example/fr/plans/{plan.slug}/</loc>" in xml
    assert f'hreflang="en" href="https://portail.tables.example/en/plans/{plan.slug}/"' in xml


def test_sitemap_lists_the_kits_and_their_municipality_pages(client, example_com, table_a):
    town = MunicipalityFactory(slug="fortierville", mrc=table_a.mrcs.get())
    MunicipalityFactory(slug="ailleurs")  # outside the table's territory
    kit = Kit.objects.create(
        table=table_a, number=2, title="Promotion du PAIS", slug="pais", is_published=True
    )
    Kit.objects.create(table=table_a, number=3, title="Brouillon", slug="brouillon")
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/fr/trousses/</loc>" in xml
    assert f"<loc>http://testserver/fr/trousses/{kit.slug}/</loc>" in xml
    assert f"<loc>http://testserver/fr/trousses/{kit.slug}/{town.slug}/</loc>" in xml
    assert f"<loc>http://testserver/en/trousses/{kit.slug}/{town.slug}/</loc>" in xml
    assert f"/trousses/{kit.slug}/ailleurs/" not in xml and "/trousses/brouillon/" not in xml
