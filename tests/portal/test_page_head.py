"""The <head> of public pages: the title and the description as a browser tab, a search engine
or a link preview shows them (an apostrophe stays an apostrophe)."""

from html.parser import HTMLParser

import pytest

from tests.factories import EventFactory, PlanFactory, TableFactory

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The <title> text and the <meta> contents of a page, unescaped once as a browser does."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title, self.meta, self._in_title = "", {}, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and "content" in attrs:
            self.meta[attrs.get("name") or attrs.get("property")] = attrs["content"]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


def test_plan_page_head_keeps_its_apostrophes(client):
    table = TableFactory(name="Table d'immigration de l'Érable")
    plan = PlanFactory(table=table, title="Plan d'action 2022-2025")
    head = head_of(client, plan.get_absolute_url())
    assert head.title == "Plan d'action 2022-2025 · Tables immigration"
    assert head.meta["og:title"] == "Plan d'action 2022-2025"
    description = (
        "Plan d'action de Table d'immigration de l'Érable, Du 1er avril 2022 au 31 mars 2025 : "
        "axes, moyens d'action et leur avancement."
    )
    assert head.meta["description"] == head.meta["og:description"] == description


def test_table_page_head_keeps_its_apostrophes(client):
    table = TableFactory(
        name="Table d'immigration de l'Érable", description="L'accueil des personnes & familles"
    )
    head = head_of(client, table.get_absolute_url())
    assert head.title == "Table d'immigration de l'Érable · Tables immigration"
    assert head.meta["og:title"] == "Table d'immigration de l'Érable"
    assert head.meta["description"] == "L'accueil des personnes & familles"


def test_event_page_head_keeps_its_apostrophes(client):
    event = EventFactory(title="Plan d'action : l'atelier <public>", description="D'un café")
    head = head_of(client, event.get_absolute_url())
    assert head.title == "Plan d'action : l'atelier <public> · Tables immigration"
    assert head.meta["og:title"] == "Plan d'action : l'atelier <public>"
    assert head.meta["description"].endswith("— D'un café")


def test_an_english_page_title_holding_french_content_stays_plain_text(client):
    """French names are marked ``lang="fr"`` in English pages' bodies; in the <title> and the
    tags' attributes they are text, never a tag cutting the attribute short."""
    table = TableFactory(name='Table « Érable » d\'accueil "Centre"')
    response = client.get(f"/en/tables/{table.slug}/evenements/")
    html = response.content.decode()
    head = Head(html)
    assert head.title == 'Events of Table « Érable » d\'accueil "Centre" · Immigration tables'
    assert head.meta["og:title"] == 'Events of Table « Érable » d\'accueil "Centre"'
    assert "<span" not in html.split("</head>")[0]
