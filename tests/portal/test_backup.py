"""manage.py backup and restore: a site comes back whole in a new database, or not at all."""

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.db import connection

from accountability import reports
from accountability.data import plan_for_report
from actionplans.models import Plan
from actionplans.periods import parse_period
from activities.models import Activity
from partners.models import Organisation
from portal import backup
from tests.builders import populated_site

LEFT_OUT = {"sessions.Session", "django_tasks_database.DBTaskResult"}


def row_counts():
    """Rows per table, every installed model and M2M table, found here without the module."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in LEFT_OUT
    }


def read_stored(name, alias="default"):
    with storages[alias].open(name, "rb") as stored:
        return stored.read()


def stored_files():
    """``{name: content}`` over both storages (names are unique across them here)."""
    return {name: read_stored(name, alias) for alias, name in backup.media_files()}


def report_text(plan_slug):
    plan = plan_for_report(Plan.objects.all()).get(slug=plan_slug)
    return reports.render_html(reports.ReportRequest(plan=plan, period=parse_period(plan, "all")))


def back_up(directory):
    out = io.StringIO()
    call_command("backup", output=str(directory), stdout=out)
    (archive,) = Path(directory).glob("tables-immigration-*.tar.gz")
    return archive, out.getvalue()


def members(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def write_archive(path, contents):
    """An archive with these members, in this order (as a damaged or doctored copy)."""
    with gzip.open(path, "wb") as compressed, tarfile.open(fileobj=compressed, mode="w|") as tar:
        for name, body in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def with_manifest(contents, **changes):
    manifest = json.loads(contents["manifest.json"])
    manifest.update(changes)
    return {**contents, "manifest.json": json.dumps(manifest).encode()}


def empty_new_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "new-media"


@pytest.fixture
def site(db):
    return populated_site()


@pytest.mark.django_db(transaction=True)
def test_a_restored_site_is_the_same_site(tmp_path, settings):
    populated_site()
    counts, files, report = row_counts(), stored_files(), report_text("plan-sauvegarde")
    assert counts["mfa.Authenticator"] == 2 and counts["activities.HistoricalActivity"] >= 2
    assert len(files) == 2 and "Fête des voisins interculturelle" in report
    archive, said = back_up(tmp_path)
    assert f"Sauvegarde écrite : {archive}" in said

    call_command("flush", interactive=False)  # what migrate leaves in a new database
    settings.MEDIA_ROOT = tmp_path / "new-media"
    assert stored_files() == {} and Activity.objects.count() == 0
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    said = out.getvalue()
    assert f"Restauré : lignes : {sum(counts.values())} ({len(counts)} tables)" in said
    assert "fichiers écrits : 2 (0,0 Mo), déjà présents : 0" in said
    assert row_counts() == counts
    assert stored_files() == files
    assert report_text("plan-sauvegarde") == report
    (tmp_path / "again").mkdir()
    again, _said = back_up(tmp_path / "again")
    # Every value (microseconds, content type and permission ids, M2M) came back as it was.
    assert members(again)["database.jsonl"] == members(archive)["database.jsonl"]
    # New rows get fresh ids: the sequences moved past the restored rows (PostgreSQL).
    organisation = Organisation.objects.create(name="Nouvel organisme", slug="nouvel-organisme")
    organisation.territory.add(*Organisation.objects.first().territory.all())
    activity = Activity.objects.first()
    activity.title = "Titre corrigé"
    activity.save()
    assert activity.history.count() >= 3


def test_the_archive_holds_rows_files_and_a_manifest(site, tmp_path):
    archive, _said = back_up(tmp_path)
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    assert list(contents)[0] == "database.jsonl" and list(contents)[-1] == "manifest.json"
    assert manifest["format"] == "tables-immigration-backup" and manifest["version"] == 1
    assert manifest["migrations"]["activities"] == ["0004_activity_version"]
    assert manifest["counts"] == row_counts()
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == {
        name: hashlib.sha256(body).hexdigest() for name, body in stored_files().items()
    }
    folders = {"default": "media", "public": "media-public"}
    for entry in manifest["files"]:
        member = f"{folders[entry['storage']]}/{entry['name']}"
        assert contents[member] == read_stored(entry["name"], entry["storage"])
    # The kit's visual goes back to the public storage, the attachment to the private one.
    assert {entry["storage"] for entry in manifest["files"]} == {"default", "public"}
    lines = contents["database.jsonl"].decode().splitlines()
    assert not any('"model": "sessions.session"' in line for line in lines)
    assert os.stat(archive).st_mode & 0o777 == 0o600  # password hashes and TOTP secrets inside


def test_backup_to_a_named_file_leaves_nothing_half_written(site, tmp_path):
    (tmp_path / "backups").mkdir()
    call_command(
        "backup", output=str(tmp_path / "backups" / "nightly.tar.gz"), stdout=io.StringIO()
    )
    assert [path.name for path in (tmp_path / "backups").iterdir()] == ["nightly.tar.gz"]
    with pytest.raises(CommandError, match="no-such-folder n'existe pas : créez-le"):
        call_command("backup", output=str(tmp_path / "no-such-folder" / "x.tar.gz"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        with pytest.raises(CommandError, match="Impossible d'écrire"):
            call_command("backup", output=str(locked / "x.tar.gz"))


def test_a_folder_given_with_its_slash_is_made_and_each_night_adds_an_archive(site, tmp_path):
    folder = tmp_path / "var" / "backups" / "tables-immigration"
    for second in ("01", "02"):
        with mock.patch.object(
            backup,
            "archive_filename",
            return_value=f"tables-immigration-20261124-0300{second}.tar.gz",
        ):
            call_command("backup", output=f"{folder}/", stdout=io.StringIO())
    assert folder.is_dir() and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert sorted(path.name for path in folder.iterdir()) == [
        "tables-immigration-20261124-030001.tar.gz",
        "tables-immigration-20261124-030002.tar.gz",
    ]


def test_backup_to_stdout(site, capsysbinary):
    call_command("backup", output="-")
    captured = capsysbinary.readouterr()
    with tarfile.open(fileobj=io.BytesIO(captured.out), mode="r:gz") as tar:
        assert tar.getnames()[-1] == "manifest.json"
    assert "Sauvegarde écrite : stdout" in captured.err.decode()


def test_restore_refuses_a_database_that_holds_data(site, tmp_path, settings):
    archive, _said = back_up(tmp_path)
    counts = row_counts()
    empty_new_media(settings, tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert "La base de données contient déjà des données (" in str(refused.value)
    assert "auth.User : 9" in str(refused.value) and "--force" in str(refused.value)
    assert row_counts() == counts and stored_files() == {}


def test_force_replaces_what_the_database_holds(site, tmp_path, settings):
    archive, _said = back_up(tmp_path)
    counts = row_counts()
    Activity.objects.update(title="Changé depuis la sauvegarde")
    Organisation.objects.create(name="Créé depuis", slug="cree-depuis")
    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert row_counts() == counts
    assert not Activity.objects.filter(title="Changé depuis la sauvegarde").exists()


def test_a_truncated_archive_changes_nothing(site, tmp_path, settings):
    archive, _said = back_up(tmp_path)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    counts = row_counts()
    empty_new_media(settings, tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(cut), force=True)
    assert f"L'archive {cut} est illisible" in str(refused.value)
    assert "Rien n'a été changé." in str(refused.value)
    assert row_counts() == counts and stored_files() == {}


def test_a_file_that_differs_from_its_checksum_changes_nothing(site, tmp_path, settings):
    archive, _said = back_up(tmp_path)
    contents = members(archive)
    logo = next(name for name in contents if name.endswith("logo.png"))
    damaged = write_archive(tmp_path / "damaged.tar.gz", {**contents, logo: b"not the logo"})
    counts = row_counts()
    empty_new_media(settings, tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(damaged), force=True)
    assert f"{logo} ne correspond pas à sa somme de contrôle" in str(refused.value)
    assert row_counts() == counts and stored_files() == {}


def test_rows_that_cannot_load_roll_everything_back(site, tmp_path, settings):
    """The checksums agree (a dump made wrong, not damaged): the load fails on a missing
    organisation; the database is as it was and no file is written."""
    archive, _said = back_up(tmp_path)
    contents = members(archive)
    rows = b"".join(
        line
        for line in contents["database.jsonl"].splitlines(keepends=True)
        if b'"model": "partners.organisation"' not in line
    )
    manifest = json.loads(contents["manifest.json"])
    manifest["database"].update(size=len(rows), sha256=hashlib.sha256(rows).hexdigest())
    doctored = write_archive(
        tmp_path / "doctored.tar.gz",
        with_manifest({**contents, "database.jsonl": rows}, database=manifest["database"]),
    )
    counts = row_counts()
    empty_new_media(settings, tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(doctored), force=True)
    assert "Les données de l'archive n'ont pas pu être chargées" in str(refused.value)
    assert row_counts() == counts and stored_files() == {}
    assert Activity.objects.filter(title="Fête des voisins interculturelle").exists()


def test_an_archive_from_another_migration_state_is_refused(site, tmp_path, settings):
    archive, _said = back_up(tmp_path)
    contents = members(archive)
    migrations = json.loads(contents["manifest.json"])["migrations"]
    migrations["activities"] = ["0099_from_a_newer_portal"]
    newer = write_archive(tmp_path / "newer.tar.gz", with_manifest(contents, migrations=migrations))
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(newer), force=True)
    assert "autre état des migrations" in str(refused.value)
    assert "activities: 0099_from_a_newer_portal ≠ 0004_activity_version" in str(refused.value)


def test_a_file_that_is_no_archive_or_of_an_unknown_format_is_refused(site, tmp_path):
    archive, _said = back_up(tmp_path)
    photo = tmp_path / "photo.tar.gz"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a backup")
    with pytest.raises(CommandError, match=f"L'archive {photo} est illisible"):
        call_command("restore", str(photo), force=True)
    later = write_archive(tmp_path / "later.tar.gz", with_manifest(members(archive), version=2))
    with pytest.raises(CommandError, match="Format d'archive inconnu : .* version 2"):
        call_command("restore", str(later), force=True)


def test_files_already_in_the_storage_are_kept_or_replaced(site, tmp_path, settings):
    archive, _said = back_up(tmp_path)
    files = stored_files()
    changed = next(name for name in files if name.endswith("logo.png"))
    with default_storage.open(changed, "wb") as stored:
        stored.write(b"edited since")
    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)
    assert "fichiers écrits : 1 (0,0 Mo), déjà présents : 1," in out.getvalue()
    assert f"Remplacé par la version de l'archive : {changed}" in out.getvalue()
    assert stored_files() == files


@pytest.fixture
def s3_media(settings, monkeypatch):
    """The default storage on an S3 bucket (moto's, in memory); returns a bucket switcher."""
    import boto3
    from moto import mock_aws

    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(variable, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")

        def use_bucket(name):
            """Private files at the bucket's root, public ones under public/, as settings.py
            lays them out when only S3_BUCKET is set."""
            s3.create_bucket(Bucket=name)
            options = {"bucket_name": name, "region_name": "us-east-1"}
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
                "public": {
                    "BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {**options, "location": "public"},
                },
            }

        use_bucket("media-before")
        yield use_bucket


@pytest.mark.django_db(transaction=True)
def test_media_on_s3_go_through_the_storage_api(s3_media, tmp_path):
    populated_site()
    files = stored_files()
    assert len(files) == 2
    keys = {item["Key"] for item in boto3_objects("media-before")}
    assert len(keys) == 2 and sum(key.startswith("public/") for key in keys) == 1
    archive, _said = back_up(tmp_path)
    call_command("flush", interactive=False)
    s3_media("media-after")
    assert stored_files() == {}
    call_command("restore", str(archive), stdout=io.StringIO())
    assert stored_files() == files
    assert {item["Key"] for item in boto3_objects("media-after")} == keys


def boto3_objects(bucket):
    import boto3

    return boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket=bucket)["Contents"]


def production_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PORTAL_TESTING", "DEBUG", "PORTAL_DEMO"}
    }
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
        "ALLOW_SQLITE": "1",
        "SECRET_KEY": "a-production-like-key",
        "EMAIL_HOST": "localhost",
        "MEDIA_ROOT": str(tmp_path / "new-media"),
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_command_line_restores_into_a_new_database_of_its_own(site, tmp_path):
    """What an operator types: migrate a new database, restore, back it up again. The archive
    comes from the suite's database (PostgreSQL in CI), the new one is SQLite."""
    archive, _said = back_up(tmp_path)
    env = production_env(tmp_path)
    manage(env, "migrate", "-v0")
    said = manage(env, "restore", str(archive))
    assert "Restauré : lignes :" in said and "fichiers écrits : 2" in said
    (tmp_path / "again").mkdir()
    manage(env, "backup", "--output", str(tmp_path / "again"))
    (again,) = (tmp_path / "again").glob("*.tar.gz")
    first, second = (json.loads(members(path)["manifest.json"]) for path in (archive, again))
    assert second["counts"] == first["counts"] and second["files"] == first["files"]
    assert second["database_vendor"] == "sqlite" and first["database_vendor"] == connection.vendor
