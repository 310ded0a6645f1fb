"""The kit zip: the texts to copy, personalised for the municipality as on its page, as .txt
(plain) and .html (formatted), beside the kit's files."""

import io
import zipfile

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEXTS = [
    "textes/01-texte-pour-le-site-web-et-le-guide-des-nouveaux-arrivants.html",
    "textes/01-texte-pour-le-site-web-et-le-guide-des-nouveaux-arrivants.txt",
    "textes/02-publication-facebook-option-1-bonifiee.html",
    "textes/02-publication-facebook-option-1-bonifiee.txt",
]


def open_zip(response):
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_of_a_municipality_holds_its_texts_as_on_its_page(client, pais_kit):
    page = client.get(reverse("kits:personalised", args=[pais_kit.slug, "fortierville"]))
    zip_url = reverse("kits:zip", args=[pais_kit.slug]) + "?municipalite=fortierville"
    assert f'href="{zip_url}"' in page.content.decode()
    response = client.get(zip_url)
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="collaboration-2-promotion-pais-fortierville.zip"'
    )
    archive = open_zip(response)
    assert sorted(archive.namelist()) == sorted([*TEXTS, "texte-publication-facebook.pdf"])
    website, facebook = page.context["blocks"]
    text = archive.read(TEXTS[3]).decode()
    assert text == facebook.text
    assert text.startswith("Fortierville\n\nSaviez-vous qu'il existe un organisme d'accueil")
    assert "👉 https://pais.ca/" in text and "{" not in text
    html = archive.read(TEXTS[0]).decode()
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert str(website.html) in html
    assert '<a href="https://www.pais.ca" rel="noopener">www.pais.ca</a>' in html
    assert "<title>Texte pour le site web et le guide des nouveaux arrivants — Fortierville" in html


def test_the_zip_of_the_kit_page_holds_the_texts_with_their_gaps(client, pais_kit):
    page = client.get(pais_kit.get_absolute_url()).content.decode()
    zip_url = reverse("kits:zip", args=[pais_kit.slug])
    assert f'href="{zip_url}"' in page
    archive = open_zip(client.get(zip_url))
    assert sorted(archive.namelist()) == sorted([*TEXTS, "texte-publication-facebook.pdf"])
    text = archive.read(TEXTS[3]).decode()
    assert text.startswith("[à compléter : nom de la municipalité]\n\nSaviez-vous")


def test_a_municipality_outside_the_territory_gets_no_zip(client, pais_kit):
    url = reverse("kits:zip", args=[pais_kit.slug])
    assert client.get(url, {"municipalite": "lavaltrie"}).status_code == 404
    assert client.get(url, {"municipalite": "pas une\x00municipalité"}).status_code == 404
