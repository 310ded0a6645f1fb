"""Link previews: a generated 1200×630 picture per table and per published plan, with its name,
period and progress, cached until what it shows changes, named by the pages' Open Graph tags."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from PIL import Image

from accountability import sharing
from actionplans.models import Plan
from tests.factories import ActivityFactory, IndicatorFactory, TargetFactory, measure_in
from tests.portal.test_page_head import head_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def plan(plan_a):
    measure = measure_in(plan_a, "1.1.1", title="Capsules")
    indicator = IndicatorFactory(measure=measure, label="Nombre de capsules")
    TargetFactory(indicator=indicator, year=plan_a.years.get(number=1), value=4, text="4")
    ActivityFactory(measure=measure, date=date(2022, 6, 1), status="approved").values.create(
        indicator=indicator, value=1
    )
    plan_a.indicator, plan_a.measure = indicator, measure
    return plan_a


def picture(response):
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


def test_plan_page_names_its_picture_1200_by_630(client, plan):
    head = head_of(client, plan.get_absolute_url())
    assert head.meta["og:image"] == f"http://testserver/fr/plans/{plan.slug}/apercu.png"
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
    assert head.meta["og:image:alt"] == (
        "Plan de la table A (Table A), Du 1er avril 2022 au 31 mars 2025, et l'avancement du plan"
    )
    assert head.meta["twitter:card"] == "summary_large_image"
    image = picture(client.get(f"/fr/plans/{plan.slug}/apercu.png"))
    assert image.size == (1200, 630)


def test_table_page_names_its_picture(client, plan, table_a):
    head = head_of(client, table_a.get_absolute_url())
    assert head.meta["og:image"] == f"http://testserver/fr/tables/{table_a.slug}/apercu.png"
    assert head.meta["og:image:alt"].startswith("Table A : son territoire")
    assert head.meta["twitter:card"] == "summary_large_image"
    assert picture(client.get(f"/fr/tables/{table_a.slug}/apercu.png")).size == (1200, 630)


def test_the_picture_shows_name_period_and_progress(monkeypatch, client, plan, table_a):
    drawn = []
    real = sharing.og_image.card_png
    monkeypatch.setattr(
        sharing.og_image, "card_png", lambda **card: drawn.append(card) or real(**card)
    )
    client.get(f"/fr/plans/{plan.slug}/apercu.png")
    client.get(f"/fr/tables/{table_a.slug}/apercu.png")
    plan_card, table_card = drawn
    assert plan_card["title"] == "Plan de la table A"
    assert plan_card["lines"] == ["Table A", "Du 1er avril 2022 au 31 mars 2025"]
    assert (plan_card["progress"], plan_card["progress_label"]) == (25, "Avancement : 25 %")
    assert table_card["title"] == "Table A"
    assert table_card["lines"][-1] == "Plan d'action : Du 1er avril 2022 au 31 mars 2025"
    assert table_card["progress"] == 25


def test_the_picture_is_cached_until_an_activity_is_approved(monkeypatch, client, plan):
    drawn = []
    real = sharing.og_image.card_png
    monkeypatch.setattr(
        sharing.og_image, "card_png", lambda **card: drawn.append(card) or real(**card)
    )
    url = f"/fr/plans/{plan.slug}/apercu.png"
    first = client.get(url).content
    assert client.get(url).content == first and len(drawn) == 1  # from the cache
    ActivityFactory(measure=plan.measure, date=date(2022, 7, 1), status="approved").values.create(
        indicator=plan.indicator, value=1
    )
    client.get(url)
    assert [card["progress"] for card in drawn] == [25, 50]


def test_a_draft_plan_has_no_picture_and_names_none(client, plan, coordinator_a):
    plan.status = Plan.Status.DRAFT
    plan.save()
    assert client.get(f"/fr/plans/{plan.slug}/apercu.png").status_code == 404
    client.force_login(coordinator_a)
    head = head_of(client, plan.get_absolute_url())  # the coordination's preview
    assert "og:image" not in head.meta
    assert client.get(f"/fr/plans/{plan.slug}/apercu.png").status_code == 404
