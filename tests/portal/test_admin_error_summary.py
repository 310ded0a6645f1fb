"""An admin form sent back with errors starts with their summary, right after the page's heading:
each error a link to its field, the inlines' rows included."""

import html
import re

import pytest

from tests.factories import BudgetLineFactory
from tests.portal.test_history import admin_url, form_data

pytestmark = pytest.mark.django_db


def _summary(content):
    match = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', content, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def _links(summary):
    return [
        (anchor, " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()))
        for anchor, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary, re.S)
    ]


@pytest.fixture
def refused_measure_page(client, coordinator_a, measure_a):
    """The coordinator empties the measure's title and types letters as a budget line's
    amount."""
    BudgetLineFactory(measure=measure_a)
    client.force_login(coordinator_a)
    url = admin_url(measure_a, "change")
    data = form_data(client.get(url))
    data["title"] = ""
    data["budget_lines-0-staff_amount"] = "beaucoup"

    def send(language):
        return client.post(re.sub(r"^/fr/", f"/{language}/", url), data)

    return send


def test_the_summary_lists_each_error_with_a_link_to_its_field(refused_measure_page, measure_a):
    response = refused_measure_page("fr")
    assert response.status_code == 200
    content = response.content.decode()
    summary = _summary(content)

    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "Le formulaire contient 2 erreurs" in summary
    assert _links(summary) == [
        ("id_title", "Moyen d'action : Ce champ est obligatoire."),
        (
            "id_budget_lines-0-staff_amount",
            "Ligne budgétaire 1 : Ressources humaines ($) : Saisissez un nombre.",
        ),
    ]
    # Each link leads to its field, and the summary comes first after the heading.
    assert 'id="id_title"' in content and 'id="id_budget_lines-0-staff_amount"' in content
    heading = content.index("<h1>")
    assert heading < content.index('class="error-summary"') < content.index('id="measure_form"')
    assert 'src="/static/js/error-summary.js"' in content
    measure_a.refresh_from_db()
    assert measure_a.title == "Mesure de la table A"


def test_the_summary_speaks_english_under_en(refused_measure_page):
    summary = _summary(refused_measure_page("en").content.decode())

    assert "The form has 2 errors" in summary
    assert _links(summary) == [
        ("id_title", "Measure: This field is required."),
        ("id_budget_lines-0-staff_amount", "Budget line 1: Staff ($): Enter a number."),
    ]


def test_a_form_without_errors_has_no_summary(client, coordinator_a, measure_a):
    client.force_login(coordinator_a)
    content = client.get(admin_url(measure_a, "change")).content.decode()
    assert "error-summary" not in content.replace("error-summary.css", "")
    assert "error-summary.js" not in content
