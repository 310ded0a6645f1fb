"""A municipality copies a kit's text: one click on "Copier", the clipboard holds the text."""

import pytest

from kits.models import Kit
from portal import demo
from tests.e2e.conftest import CHROMIUM  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_copy_button_puts_the_personalised_text_on_the_clipboard(browser, live_server):
    demo.load_geography()
    demo.load_partners()
    demo.load_kits()
    kit = Kit.objects.get(slug="collaboration-2-promotion-pais")
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/trousses/{kit.slug}/")
    page.get_by_label("Votre municipalité").select_option(label="Fortierville")
    page.get_by_role("button", name="Personnaliser").click()
    page.wait_for_url("**/fortierville/")
    facebook = page.locator("[data-copy-block]").nth(1)
    facebook.get_by_role("button", name="Copier").click()
    facebook.get_by_text("Copié !").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Fortierville\n\nSaviez-vous qu'il existe un organisme")
    assert "❤️" in copied and "👉 https://pais.ca/" in copied
    website = page.locator("[data-copy-block]").nth(0)
    website.get_by_role("button", name="Copier").click()
    website.get_by_text("Copié !").wait_for()
    html = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            return await (await item.getType("text/html")).text();
        }"""
    )
    assert '<a href="https://www.pais.ca/" rel="noopener">www.pais.ca</a>' in html  # rich copy
    context.close()


def test_without_javascript_the_text_is_in_a_read_only_area(browser, live_server):
    demo.load_geography()
    demo.load_partners()
    demo.load_kits()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/trousses/collaboration-2-promotion-pais/fortierville/")
    area = page.get_by_label("Texte à copier").nth(1)
    assert area.get_attribute("readonly") is not None
    assert area.input_value().startswith("Fortierville")
    assert not page.get_by_role("button", name="Copier").first.is_visible()
    context.close()
