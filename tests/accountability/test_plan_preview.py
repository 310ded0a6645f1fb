"""« Aperçu public »: a draft plan's public pages, for its coordination only, marked as such."""

import pytest
from django.urls import reverse

from actionplans.models import Plan
from tests.factories import PlanFactory, UserFactory, measure_in, partner_of

pytestmark = pytest.mark.django_db
BANNER = "Brouillon — aperçu visible seulement par la coordination"


@pytest.fixture
def draft(table_a):
    plan = PlanFactory(
        table=table_a, title="Plan 2025-2028", slug="plan-2025", status=Plan.Status.DRAFT
    )
    measure_in(plan, "1.1.1", title="Accueillir les personnes nouvellement arrivées")
    return plan


def test_coordinator_previews_the_draft_under_a_banner(client, coordinator_a, draft):
    client.force_login(coordinator_a)
    response = client.get("/fr/plans/plan-2025/")
    page = response.content.decode()
    assert BANNER in page
    assert "Accueillir les personnes nouvellement arrivées" in page
    assert '<meta name="robots" content="noindex">' in page
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}
    assert "Données ouvertes (JSON)" not in page  # the open data of a draft does not exist
    measure_page = client.get("/fr/plans/plan-2025/mesures/1.1.1/")
    assert BANNER in measure_page.content.decode()
    assert "no-store" in measure_page["Cache-Control"]


def test_superuser_previews_the_draft(client, draft):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert BANNER in client.get("/fr/plans/plan-2025/").content.decode()


def test_a_published_plan_has_no_banner(client, plan_a):
    response = client.get("/fr/plans/plan-a/")
    page = response.content.decode()
    assert BANNER not in page and 'content="noindex"' not in page
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("who", ["anonymous", "partner", "other_coordinator", "ministry"])
def test_everyone_else_gets_404(client, draft, table_a, table_b, ministry, who):
    from tests.factories import OrganisationFactory, coordinator_of

    users = {
        "anonymous": lambda: None,
        "partner": lambda: partner_of(OrganisationFactory()),
        "other_coordinator": lambda: coordinator_of(table_b),
        "ministry": lambda: ministry,
    }
    user = users[who]()
    if user is not None:
        client.force_login(user)
    assert client.get("/fr/plans/plan-2025/").status_code == 404
    assert client.get("/fr/plans/plan-2025/mesures/1.1.1/").status_code == 404
    assert client.get("/fr/plans/plan-2025.json").status_code == 404


def test_other_public_pages_still_leave_drafts_out(client, coordinator_a, draft, table_a, plan_a):
    client.force_login(coordinator_a)  # even for the coordination: only the preview shows it
    assert client.get("/fr/plans/plan-2025.json").status_code == 404
    assert client.get("/fr/plans/plan-2025/rapport.pdf").status_code == 404
    table_page = client.get(table_a.get_absolute_url()).content.decode()
    assert "Plan de la table A" in table_page and "Plan 2025-2028" not in table_page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/plans/plan-a/" in sitemap and "plan-2025" not in sitemap


def test_the_change_page_links_to_the_preview(client, coordinator_a, ministry, draft, plan_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("admin:actionplans_plan_change", args=[draft.pk])).content.decode()
    assert '<a href="/fr/plans/plan-2025/">Aperçu public</a>' in page
    published = client.get(reverse("admin:actionplans_plan_change", args=[plan_a.pk]))
    assert "Aperçu public" not in published.content.decode()
    client.force_login(ministry)
    page = client.get(reverse("admin:actionplans_plan_change", args=[draft.pk])).content.decode()
    assert "Aperçu public" not in page
