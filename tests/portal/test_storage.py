"""Uploaded files on the local disk, or in an S3-compatible bucket when S3_BUCKET is set.

The bucket is a moto server on a local port: what the settings build from the environment
(read in a fresh interpreter) is what these tests upload to, and anonymous requests to the
bucket are refused or served exactly as a real provider would by the objects' ACLs.
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from activities.models import Attachment
from kits.forms import KitAssetForm
from kits.models import Kit, KitAsset
from tests.factories import ActivityFactory, TableFactory, coordinator_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"
BUCKET = "portail-media"
KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}


def settings_storages(**environ):
    """``STORAGES`` as portal/settings.py builds it from this environment (and no other
    variable), in a new process."""
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))",
        ],
        env={"DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_TESTING": "1", **environ},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def fetch(url):
    """``(status, headers, body)`` of an anonymous GET, as any browser would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def unsigned(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@pytest.fixture(scope="module")
def bucket_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(bucket_endpoint):
    """The S3 storages of the settings, on a fresh bucket; a boto3 client to look inside."""
    client = boto3.client(
        "s3",
        endpoint_url=bucket_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    built = settings_storages(
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=bucket_endpoint,
        S3_REGION="us-east-1",
        S3_ADDRESSING_STYLE="path",
        **KEYS,
    )
    with override_settings(STORAGES={**built, "staticfiles": settings.STORAGES["staticfiles"]}):
        yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def everyone_may_read(client, key):
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return any(
        grant["Grantee"].get("URI", "").endswith("/global/AllUsers")
        and grant["Permission"] == "READ"
        for grant in grants
    )


def test_without_s3_both_storages_are_the_disk_under_media_root():
    built = settings_storages()
    assert built["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert built["public"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_settings_build_a_private_and_a_public_storage():
    built = settings_storages(
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL="https://s3.ca-central-1.example",
        S3_REGION="ca-central-1",
        S3_CUSTOM_DOMAIN="fichiers.portail.example",
        **KEYS,
    )
    private, public = built["default"], built["public"]
    assert private["BACKEND"] == public["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"] == {
        "bucket_name": BUCKET,
        "endpoint_url": "https://s3.ca-central-1.example",
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": "ca-central-1",
        "file_overwrite": False,
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
    }
    assert public["OPTIONS"]["bucket_name"] == BUCKET
    assert public["OPTIONS"]["location"] == "public"
    assert public["OPTIONS"]["default_acl"] == "public-read"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert public["OPTIONS"]["custom_domain"] == "fichiers.portail.example"
    assert built["staticfiles"]["BACKEND"].startswith("django.contrib.staticfiles")


def test_a_public_bucket_and_a_provider_without_acls():
    public = settings_storages(
        S3_BUCKET=BUCKET, S3_PUBLIC_BUCKET="portail-public", S3_PUBLIC_ACL="none"
    )["public"]["OPTIONS"]
    assert (public["bucket_name"], public["location"]) == ("portail-public", "")
    assert public["default_acl"] is None
    assert "access_key" not in public  # the instance's role or AWS_* credentials then apply


@pytest.mark.django_db
def test_kit_files_stay_where_they_were_on_the_disk(settings, tmp_path):
    """The public storage is the default one's folder: no file moves when it is introduced."""
    settings.MEDIA_ROOT = tmp_path / "media"
    table = TableFactory()
    kit = Kit.objects.create(table=table, number=1, title="Trousse", slug="trousse")
    asset = KitAsset.objects.create(
        kit=kit, kind="document", title="Guide", file=ContentFile(PDF, name="guide.pdf")
    )
    field_storage = KitAsset._meta.get_field("file").storage
    assert isinstance(field_storage, FileSystemStorage)
    assert field_storage.path(asset.file.name) == storages["default"].path(asset.file.name)
    assert (tmp_path / "media" / "trousses" / str(kit.pk) / "guide.pdf").read_bytes() == PDF


@pytest.mark.django_db
def test_attachments_are_private_in_the_bucket_and_handed_out_after_the_check(client, s3):
    table_a, table_b = TableFactory(slug="table-a"), TableFactory(slug="table-b")
    coordinator_a = coordinator_of(table_a, username="coord-a@example.org")
    coordinator_b = coordinator_of(table_b, username="coord-b@example.org")
    activity = ActivityFactory(measure__objective__axis__plan__table=table_a)
    attachment = Attachment.objects.create(
        activity=activity,
        file=ContentFile(PDF, name="bilan final.pdf"),
        original_name="Bilan final été.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    key = attachment.file.name
    assert key == f"activites/{activity.pk}/bilan_final.pdf"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    assert not everyone_may_read(s3, key)
    assert fetch(unsigned(attachment.file.url))[0] == 403

    url = reverse("activities:attachment", args=[activity.pk, attachment.pk])
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 404

    client.force_login(coordinator_a)
    response = client.get(url)
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    location = response["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    status, headers, body = fetch(location)
    assert (status, body) == (200, PDF)
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        "attachment; filename*=utf-8''Bilan%20final%20%C3%A9t%C3%A9.pdf"
    )


@pytest.mark.django_db
def test_kit_files_are_public_in_the_bucket_and_the_kit_page_links_them(client, s3):
    kit = Kit.objects.create(
        table=TableFactory(), number=1, title="Trousse", slug="trousse", is_published=True
    )
    form = KitAssetForm(
        {"kind": "visual", "title": "Visuel", "alt_text": "Deux personnes", "position": 0},
        # The browser's claim is not what the bucket will serve.
        {"file": SimpleUploadedFile("visuel.png", PNG, content_type="text/html")},
        instance=KitAsset(kit=kit),
    )
    assert form.is_valid(), form.errors
    asset = form.save()
    key = f"public/trousses/{kit.pk}/visuel.png"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PNG
    assert everyone_may_read(s3, key)

    page = client.get(reverse("kits:detail", args=[kit.slug]))
    download = reverse("kits:asset", args=[kit.slug, asset.pk])
    assert page.status_code == 200 and download in page.content.decode()
    response = client.get(download)
    assert response.status_code == 302
    assert response["Location"] == asset.file.url
    assert "X-Amz-Signature" not in response["Location"]
    status, headers, body = fetch(response["Location"])
    assert (status, body) == (200, PNG)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"] == "attachment"

    response = client.get(reverse("kits:zip", args=[kit.slug]))
    assert b"".join(response.streaming_content).startswith(b"PK")
