"""Diffusion kits: personalised texts, sanitised Markdown, placeholders, assets, adoption."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from common.markdown import render_markdown
from kits.models import CopyBlock, KitAdoption, KitAsset
from municipalities.models import Municipality
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    coordinator_of,
    partner_of,
)

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def personalised(client, kit, municipality_slug):
    return client.get(reverse("kits:personalised", args=[kit.slug, municipality_slug]))


def test_fortierville_gets_the_pais_text_with_its_name(client, pais_kit):
    response = personalised(client, pais_kit, "fortierville")
    page = response.content.decode()
    assert "<strong>Fortierville</strong>" in page
    assert "Saviez-vous qu&#x27;il existe un organisme d&#x27;accueil" in page
    assert "Municipalité X" not in page
    assert "{" not in response.context["blocks"][1].text
    facebook = response.context["blocks"][1].text
    assert facebook.startswith("Fortierville\n\nSaviez-vous")
    assert "❤️" in facebook and "👉 https://pais.ca/" in facebook
    website = response.context["blocks"][0]
    assert '<a href="https://www.pais.ca" rel="noopener">www.pais.ca</a>' in website.html
    assert "info@pais.ca" in website.text


def test_the_kit_page_counts_adoptions_in_the_territory(client, pais_kit):
    town = Municipality.objects.get(slug="lemieux")
    KitAdoption.objects.create(kit=pais_kit, municipality=town, status="done")
    KitAdoption.objects.create(
        kit=pais_kit, municipality=Municipality.objects.get(slug="manseau"), status="in_progress"
    )
    page = client.get(pais_kit.get_absolute_url()).content.decode()
    assert "1 municipalité sur 12 l'a déjà adoptée." in page


def test_choosing_a_municipality_without_javascript_redirects_to_its_page(client, pais_kit):
    response = client.get(pais_kit.get_absolute_url(), {"municipalite": "lemieux"})
    assert response["Location"] == reverse("kits:personalised", args=[pais_kit.slug, "lemieux"])


def test_unknown_kit_or_municipality_is_404(client, pais_kit):
    assert personalised(client, pais_kit, "inconnue").status_code == 404
    assert client.get("/fr/trousses/inconnue/fortierville/").status_code == 404
    assert personalised(client, pais_kit, "lavaltrie").status_code == 404  # another territory
    pais_kit.is_published = False
    pais_kit.save()
    assert personalised(client, pais_kit, "fortierville").status_code == 404
    asset = pais_kit.assets.first()
    assert client.get(reverse("kits:asset", args=[pais_kit.slug, asset.pk])).status_code == 404
    client.force_login(coordinator_of(pais_kit.table, username="coord@example.org"))
    assert personalised(client, pais_kit, "fortierville").status_code == 200  # preview
    response = client.get(reverse("kits:asset", args=[pais_kit.slug, asset.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # its files too


def test_a_missing_value_is_a_visible_gap(client, pais_kit):
    CopyBlock.objects.create(
        kit=pais_kit, kind="email", body="Voir {site_web} ou {contact}.", position=9
    )
    response = personalised(client, pais_kit, "fortierville")
    block = response.context["blocks"][-1]
    assert '<mark class="gap">[à compléter : site web de la municipalité]</mark>' in block.html
    assert "[à compléter : site web de la municipalité]" in block.text
    assert block.gaps == ["contact", "site_web"]
    assert "À compléter avant de publier" in response.content.decode()


def test_an_unknown_placeholder_is_refused_when_the_kit_is_saved(pais_kit):
    block = CopyBlock(kit=pais_kit, kind="email", body="Bonjour {ville} !")
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert "Champ(s) inconnu(s) : {ville}" in str(error.value)


def test_unsafe_markdown_is_sanitised():
    html = render_markdown(
        "<script>alert(1)</script>[clic](javascript:alert(1)) <img src=x onerror=alert(1)> **ok**"
    )
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "<strong>ok</strong>" in html


def test_unsafe_markdown_never_reaches_the_page(client, pais_kit):
    pais_kit.how = '<script>alert("x")</script>[piège](javascript:alert(1))'
    pais_kit.save()
    page = client.get(pais_kit.get_absolute_url()).content.decode()
    assert 'alert("x")' not in page and "javascript:alert" not in page


def test_assets_download_with_type_and_name_and_zip_streams(client, pais_kit):
    KitAsset.objects.create(
        kit=pais_kit,
        kind="logo",
        title="Logo",
        alt_text="Logo du PAIS",
        file=SimpleUploadedFile("logo.png", PNG),
        content_type="image/png",
        size=len(PNG),
    )
    pdf = pais_kit.assets.get(kind="document")
    response = client.get(reverse("kits:asset", args=[pais_kit.slug, pdf.pk]))
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert (
        'attachment; filename="texte-publication-facebook.pdf"' == response["Content-Disposition"]
    )
    response = client.get(reverse("kits:zip", args=[pais_kit.slug]))
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    files = [name for name in archive.namelist() if not name.startswith("textes/")]
    assert sorted(files) == ["logo.png", "texte-publication-facebook.pdf"]  # and the texts
    assert archive.read("logo.png") == PNG


def test_asset_uploads_are_typed_by_content_in_the_admin(pais_kit):
    from kits.forms import KitAssetForm

    form = KitAssetForm(
        {"kind": "visual", "title": "Visuel", "alt_text": "Deux personnes", "position": 0},
        {"file": SimpleUploadedFile("visuel.png", b"MZ\x90\x00 not an image")},
        instance=KitAsset(kit=pais_kit),
    )
    assert not form.is_valid()
    assert "type vérifié sur le contenu" in str(form.errors["file"])
    form = KitAssetForm(
        {"kind": "visual", "title": "Visuel", "alt_text": "Deux personnes", "position": 0},
        {"file": SimpleUploadedFile("visuel.exe", PNG)},
        instance=KitAsset(kit=pais_kit),
    )
    assert form.is_valid(), form.errors
    asset = form.save()
    assert asset.content_type == "image/png" and asset.download_name.endswith(".png")


def adopt(client, kit, slug, **data):
    return client.post(
        reverse("kits:adoption", args=[kit.slug, slug]),
        {
            "status": "done",
            "done_on": "2025-03-01",
            "published_url": "https://fortierville.example/pais",
            **data,
        },
    )


def test_the_municipality_contact_marks_its_own_adoption(client, pais_kit):
    town = Municipality.objects.get(slug="fortierville")
    contact = partner_of(
        OrganisationFactory(kind="municipality", municipality=town), username="ville@example.org"
    )
    client.force_login(contact)
    assert "Enregistrer" in personalised(client, pais_kit, "fortierville").content.decode()
    adopt(client, pais_kit, "fortierville")
    adoption = KitAdoption.objects.get()
    assert (adoption.status, adoption.done_on.isoformat(), adoption.marked_by) == (
        "done",
        "2025-03-01",
        contact,
    )
    response = adopt(client, pais_kit, "lemieux")
    assert response.status_code == 403
    assert KitAdoption.objects.count() == 1


def test_only_contacts_and_coordinators_mark_adoption(client, pais_kit):
    client.force_login(partner_of(OrganisationFactory(), username="autre@example.org"))
    assert adopt(client, pais_kit, "fortierville").status_code == 403
    client.force_login(
        coordinator_of(
            MunicipalityFactory().mrc.tables.create(
                name="Autre table", slug="autre", carrier=OrganisationFactory()
            ),
            username="c@example.org",
        )
    )
    assert adopt(client, pais_kit, "fortierville").status_code == 403
    client.logout()
    assert adopt(client, pais_kit, "fortierville").status_code == 302
    assert not KitAdoption.objects.exists()
    client.force_login(coordinator_of(pais_kit.table, username="coord@example.org"))
    adopt(client, pais_kit, "fortierville")
    assert KitAdoption.objects.get().municipality.slug == "fortierville"


def test_done_needs_a_date(client, pais_kit):
    client.force_login(coordinator_of(pais_kit.table, username="coord@example.org"))
    response = adopt(client, pais_kit, "fortierville", done_on="")
    assert not KitAdoption.objects.exists()
    assert "Indiquez la date de publication." in client.get(response["Location"]).content.decode()


def test_coordinator_matrix_and_xlsx(client, pais_kit):
    KitAdoption.objects.create(
        kit=pais_kit, municipality=Municipality.objects.get(slug="lemieux"), status="done"
    )
    client.force_login(coordinator_of(pais_kit.table, username="coord@example.org"))
    page = client.get(reverse("kits:matrix", args=[pais_kit.table.slug])).content.decode()
    assert "Lemieux" in page and "Fait" in page and "Pas encore" in page
    response = client.get(reverse("kits:matrix_xlsx", args=[pais_kit.table.slug]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Lemieux"].startswith("Fait") and rows["Fortierville"] == "Pas encore"
    assert len(rows) == 12
    client.force_login(UserFactory())
    assert client.get(reverse("kits:matrix", args=[pais_kit.table.slug])).status_code == 403


def test_kit_pages_keep_a_flat_query_count(client, pais_kit, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = [
        reverse("kits:list"),
        pais_kit.get_absolute_url(),
        reverse("kits:personalised", args=[pais_kit.slug, "fortierville"]),
    ]
    budgets = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        budgets.append(len(queries))
    for position in range(20):
        CopyBlock.objects.create(
            kit=pais_kit,
            kind="other",
            body=f"Texte {position} pour {{municipalite}}",
            position=10 + position,
        )
        KitAsset.objects.create(
            kit=pais_kit,
            kind="document",
            title=f"Document {position}",
            file=SimpleUploadedFile(f"d{position}.pdf", PDF),
            content_type="application/pdf",
        )
    for town in Municipality.objects.all():
        KitAdoption.objects.create(kit=pais_kit, municipality=town, status="done")
    for url, budget in zip(urls, budgets, strict=True):
        with django_assert_max_num_queries(budget):
            client.get(url)
