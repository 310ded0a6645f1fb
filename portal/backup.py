"""The whole site in one archive, and back: ``manage.py backup`` and ``manage.py restore``.

The archive is a gzip-compressed tar file with three kinds of members, in this order:

``database.jsonl``
    Every row of every installed model, one JSON object a line (Django's ``jsonl`` serializer,
    read back line by line), primary keys kept. Models are found in the app registry, so a new
    model is in the next backup without anyone listing it; :data:`LEFT_OUT` names the two that
    are not, and why. Content types and permissions are copied with their own ids like every
    other row, and a restore replaces the ones ``migrate`` made: every reference to them (admin
    log, group permissions) stays exact without natural keys, on SQLite as on PostgreSQL.
``media/<name>``, ``media-public/<name>``
    Each stored file, read through the storage API (local disk or S3 alike): the private
    storage (``STORAGES["default"]``: attachments, reports) and the public one (kit files), each
    file written back into the storage that serves it, even when both share a folder or bucket.
``manifest.json``
    The format version, when and from which migration state the archive was made, the row count
    of every table and the size and SHA-256 of every other member. It comes last because it is
    only known once the rest is written, which lets a backup stream to stdout.

A restore reads the archive twice: once to check every checksum against the manifest before it
touches anything, then to load it, in one transaction, into a database that ``migrate`` has just
made (or one ``--force`` erases). The load is checked (foreign keys, each table's row count)
before the media files are written back and read again; any failure rolls the database back and
removes the files the restore created.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import posixpath
import tarfile
import tempfile
import time
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import django
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "tables-immigration-backup"
VERSION = 1
DATABASE_MEMBER = "database.jsonl"
MANIFEST_MEMBER = "manifest.json"
# Each storage of uploaded files, and the archive folder its files go in.
MEDIA_FOLDERS = {"default": "media/", "public": "media-public/"}

LEFT_OUT = {
    "sessions.Session": "logins are not carried over: everyone signs in again after a restore",
    "django_tasks_database.DBTaskResult": (
        "the task queue belongs to the server that ran it: replayed, its pending e-mails "
        "(invitations, review notices) would go out again days late; reports are re-rendered "
        "on demand"
    ),
}
# Rows that `migrate` itself writes into a new database; a restore replaces them.
MADE_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission", "sites.Site"}

CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 8 * CHUNK
ROWS_PER_QUERY = 2000
MAX_MANIFEST = 64 * CHUNK


class BackupError(Exception):
    """Why a backup or a restore stopped, worded for the operator; nothing was changed."""


@dataclass
class RestoreSummary:
    manifest: dict
    rows: int = 0
    tables: int = 0
    files_written: int = 0
    files_kept: int = 0
    bytes_written: int = 0
    seconds: float = 0.0
    replaced: list = field(default_factory=list)


def archive_filename(now=None):
    now = timezone.localtime(now)
    return f"tables-immigration-{now:%Y%m%d-%H%M%S}.tar.gz"


def _backed_up(model, database):
    """Whether ``model``'s table goes into the archive (its own, or an automatic M2M table)."""
    meta = model._meta
    return (
        meta.managed
        and not meta.proxy
        and meta.label not in LEFT_OUT
        and router.allow_migrate_model(database, model)
    )


def _models(database):
    """The models whose rows are serialized; their automatic M2M tables ride along."""
    return [model for model in apps.get_models() if _backed_up(model, database)]


def _tables(database):
    """Every table counted in the manifest: the models' and their automatic M2M tables."""
    return [
        model for model in apps.get_models(include_auto_created=True) if _backed_up(model, database)
    ]


def migration_state(connection):
    """``{app: [last applied migration]}`` of the database, and the same for the code."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    graph, applied = loader.graph, set(loader.applied_migrations)
    applied_state = defaultdict(list)
    for key in sorted(applied & set(graph.nodes)):
        children = graph.node_map[key].children
        if not any(child[0] == key[0] and child in applied for child in children):
            applied_state[key[0]].append(key[1])
    code_state = defaultdict(list)
    for app, name in graph.leaf_nodes():
        code_state[app].append(name)
    return dict(applied_state), dict(code_state)


def _state_difference(have, want):
    lines = []
    for app in sorted(set(have) | set(want)):
        if have.get(app) != want.get(app):
            lines.append(
                f"{app}: {', '.join(have.get(app, [])) or '—'} ≠ {', '.join(want.get(app, [])) or '—'}"
            )
    return "; ".join(lines)


def _database_state(connection):
    """The database's migration state, refused when it is not the code's."""
    applied, code = migration_state(connection)
    if applied != code:
        raise BackupError(
            _(
                "La base de données n'est pas migrée au niveau du code (base ≠ code : "
                "%(difference)s). Lancez d'abord « manage.py migrate »."
            )
            % {"difference": _state_difference(applied, code)}
        )
    return applied


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class _Serializer(JSONLinesSerializer):
    """Reads the prefetched M2M links as they are: Django's serializer also builds a query
    for each row and M2M field (never run, but a third of the dump's time)."""

    def handle_m2m_field(self, obj, field):
        linked = getattr(obj, "_prefetched_objects_cache", {}).get(field.name)
        if linked is None or not field.remote_field.through._meta.auto_created:
            return super().handle_m2m_field(obj, field)
        self._current[field.name] = [self._value_from_field(row, row._meta.pk) for row in linked]


def _rows(model, database):
    """``model``'s rows by primary key, fetched in chunks with their M2M ids alongside."""
    many_to_many = [
        Prefetch(
            field.name,
            queryset=field.related_model._base_manager.order_by("pk").only("pk"),
        )
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    queryset = model._base_manager.using(database).order_by(model._meta.pk.name)
    return queryset.prefetch_related(*many_to_many).iterator(chunk_size=ROWS_PER_QUERY)


def _dump_database(binary, database):
    """Write every row to ``binary`` as JSON lines; return ``{table label: rows}``."""
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n", write_through=True)
    serializer = _Serializer()
    for model in _models(database):
        serializer.serialize(_rows(model, database), stream=text, cls=_ExactEncoder)
    text.detach()
    return {
        model._meta.label: model._base_manager.using(database).count()
        for model in _tables(database)
    }


@contextmanager
def _snapshot(connection):
    """One consistent view of the database for the whole dump, while the site keeps running."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def media_names(storage, directory="", skip=()):
    """Every file name in ``storage``, walked through its API, outside the folders ``skip``."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local storage whose folder nobody has written to yet
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for name in sorted(directories):
        path = posixpath.join(directory, name)
        if path not in skip:
            yield from media_names(storage, path, skip)


def _place(storage):
    """``(where, prefix)``: the bucket or folder a storage writes in, and its prefix there."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket is not None:
        return ("s3", bucket), (getattr(storage, "location", "") or "").strip("/")
    return ("file", os.path.realpath(storage.location)), ""


def _public_names():
    """The names that fields on the public storage hold (kit files)."""
    public = storages["public"]
    names = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            storage = getattr(model_field, "storage", None)
            if storage is None or getattr(storage, "_wrapped", storage) is not public:
                continue
            column = model_field.attname
            names.update(model._base_manager.exclude(**{column: ""}).values_list(column, flat=True))
    return names


def media_files():
    """``(alias, name)`` of every stored file, once each, with the storage that serves it."""
    default, public = storages["default"], storages["public"]
    (default_where, default_prefix), (public_where, public_prefix) = _place(default), _place(public)
    if (default_where, default_prefix) == (public_where, public_prefix):  # one folder for both
        public_names = _public_names()
        for name in media_names(default):
            yield ("public" if name in public_names else "default"), name
        return
    skip = set()
    if default_where == public_where and public_prefix.startswith(default_prefix):
        skip.add(public_prefix[len(default_prefix) :].strip("/"))  # the public folder inside
    for name in media_names(default, skip=skip):
        yield "default", name
    for name in media_names(public):
        yield "public", name


def _member_name(entry):
    return MEDIA_FOLDERS[entry.get("storage", "default")] + entry["name"]


def _copy(source, target):
    """Copy ``source`` into ``target`` by chunks; return ``(size, sha256)``."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return size, digest.hexdigest()


def _add_member(archive, name, fileobj, size, created):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(created.timestamp()), 0o600
    fileobj.seek(0)
    archive.addfile(info, fileobj)


def backup_create(*, stream, database=DEFAULT_DB_ALIAS):
    """Write the archive of ``database`` and the default storage to the binary ``stream``.

    Memory holds one chunk of rows or of a file at a time: the rows go through a temporary file
    (a tar member needs its size first), each media file through a spooled one. Returns the
    manifest.
    """
    connection = connections[database]
    created = timezone.now()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": created.isoformat(),
        "django": django.get_version(),
        "database_vendor": connection.vendor,
        "left_out": LEFT_OUT,
    }
    # Neither the gzip nor the tar stream closes ``stream`` (stdout stays usable).
    with (
        gzip.GzipFile(fileobj=stream, mode="wb", compresslevel=6, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as archive,
    ):
        with tempfile.TemporaryFile() as rows, _snapshot(connection):
            manifest["migrations"] = _database_state(connection)
            manifest["counts"] = _dump_database(rows, database)
            rows.seek(0)
            size, sha256 = _copy(rows, None)
            manifest["database"] = {"name": DATABASE_MEMBER, "size": size, "sha256": sha256}
            _add_member(archive, DATABASE_MEMBER, rows, size, created)
        manifest["files"] = []
        for alias, name in media_files():
            with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY) as copy:
                try:
                    with storages[alias].open(name, "rb") as source:
                        size, sha256 = _copy(source, copy)
                except FileNotFoundError:  # deleted since it was listed
                    continue
                entry = {"name": name, "storage": alias, "size": size, "sha256": sha256}
                _add_member(archive, _member_name(entry), copy, size, created)
            manifest["files"].append(entry)
        body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
        _add_member(archive, MANIFEST_MEMBER, io.BytesIO(body), len(body), created)
    return manifest


def _open_archive(path):
    try:
        return tarfile.open(path, mode="r|gz")
    except FileNotFoundError as error:
        raise BackupError(_("Archive introuvable : %(path)s") % {"path": path}) from error
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise _unreadable(path, error) from error


def _unreadable(path, error):
    return BackupError(
        _(
            "L'archive %(path)s est illisible (%(error)s) : tronquée, abîmée ou pas une "
            "sauvegarde du portail. Rien n'a été changé."
        )
        % {"path": path, "error": str(error) or type(error).__name__}
    )


def _member_name_is_safe(name):
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "" not in parts


def _read_manifest(path):
    """First pass: every member's checksum against the manifest, before anything changes."""
    found, manifest = {}, None
    archive = _open_archive(path)
    try:
        with archive:
            for member in archive:
                if not member.isfile() or not _member_name_is_safe(member.name):
                    raise BackupError(
                        _("L'archive contient un élément inattendu : %(name)s")
                        % {"name": member.name}
                    )
                content = archive.extractfile(member)
                if member.name == MANIFEST_MEMBER:
                    manifest = _parse_manifest(content.read(MAX_MANIFEST))
                else:
                    found[member.name] = _copy(content, None)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise _unreadable(path, error) from error
    if manifest is None:
        raise BackupError(
            _(
                "L'archive %(path)s n'a pas de manifeste (manifest.json) : elle est tronquée ou "
                "n'est pas une sauvegarde du portail. Rien n'a été changé."
            )
            % {"path": path}
        )
    expected = {_member_name(entry): entry for entry in manifest["files"]}
    expected[DATABASE_MEMBER] = manifest["database"]
    problems = []
    for name, entry in expected.items():
        if name not in found:
            problems.append(_("%(name)s manque") % {"name": name})
        elif found[name] != (entry["size"], entry["sha256"]):
            problems.append(_("%(name)s ne correspond pas à sa somme de contrôle") % {"name": name})
    problems += [
        _("%(name)s n'est pas dans le manifeste") % {"name": name}
        for name in sorted(set(found) - set(expected))
    ]
    if problems:
        raise BackupError(
            _("L'archive %(path)s est abîmée : %(problems)s. Rien n'a été changé.")
            % {"path": path, "problems": "; ".join(problems)}
        )
    return manifest


def _parse_manifest(body):
    try:
        manifest = json.loads(body)
        known = manifest["format"] == FORMAT and manifest["version"] <= VERSION
        readable = (
            isinstance(manifest["migrations"], dict)
            and isinstance(manifest["counts"], dict)
            and manifest["database"]["name"] == DATABASE_MEMBER
            and all(
                _member_name_is_safe(entry["name"])
                and isinstance(entry["size"], int)
                and isinstance(entry["sha256"], str)
                for entry in [manifest["database"], *manifest["files"]]
            )
        )
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(_("Le manifeste de l'archive est illisible.")) from error
    if not readable:
        raise BackupError(_("Le manifeste de l'archive est illisible."))
    if not known:
        raise BackupError(
            _("Format d'archive inconnu : %(format)s version %(version)s.")
            % {"format": manifest.get("format"), "version": manifest.get("version")}
        )
    return manifest


def _holdings(database):
    """``{label: rows}`` of the tables that hold more than what ``migrate`` writes."""
    return {
        model._meta.label: count
        for model in _models(database)
        if model._meta.label not in MADE_BY_MIGRATE
        and (count := model._base_manager.using(database).count())
    }


def _refuse_unless_empty(database):
    holdings = _holdings(database)
    if holdings:
        shown = ", ".join(f"{label} : {count}" for label, count in list(holdings.items())[:5])
        raise BackupError(
            _(
                "La base de données contient déjà des données (%(tables)s). Restaurez dans une "
                "base neuve et migrée, ou ajoutez --force pour l'effacer d'abord."
            )
            % {"tables": shown + (", …" if len(holdings) > 5 else "")}
        )


class _HashingReader(io.RawIOBase):
    """Reads ``source`` and keeps the SHA-256 of what went through."""

    def __init__(self, source):
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.source.read(len(buffer))
        self.digest.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


def _through_row(field, owner_pk, target_pk):
    through = field.remote_field.through
    return through(
        **{
            through._meta.get_field(field.m2m_field_name()).attname: owner_pk,
            through._meta.get_field(field.m2m_reverse_field_name()).attname: target_pk,
        }
    )


def _load_rows(binary, database):
    """Insert every row of the JSON lines in ``binary``, M2M links by batches."""
    pending = defaultdict(list)

    def flush(through):
        through._base_manager.using(database).bulk_create(pending.pop(through))

    text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
    for item in serializers.deserialize("jsonl", text, using=database):
        many_to_many = item.m2m_data or {}  # save() forgets it
        item.save(save_m2m=False, using=database, force_insert=True)
        model = type(item.object)
        for name, target_pks in many_to_many.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            pending[through] += [_through_row(field, item.object.pk, pk) for pk in target_pks]
            if len(pending[through]) >= ROWS_PER_QUERY:
                flush(through)
    for through in list(pending):
        flush(through)


def _check_counts(manifest, database):
    problems = []
    for label, expected in manifest["counts"].items():
        try:
            model = apps.get_model(label)
        except LookupError:
            problems.append(_("%(table)s n'existe pas dans ce code") % {"table": label})
            continue
        found = model._base_manager.using(database).count()
        if found != expected:
            problems.append(
                _("%(table)s : %(found)s lignes au lieu de %(expected)s")
                % {"table": label, "found": found, "expected": expected}
            )
    if problems:
        raise BackupError(
            _("Les données chargées ne correspondent pas au manifeste : %(problems)s.")
            % {"problems": "; ".join(problems)}
        )


def _restore_database(member, manifest, database):
    connection = connections[database]
    if connection.vendor == "postgresql":
        # TRUNCATE is refused on a table whose foreign-key checks are still deferred from
        # earlier writes in the same transaction: run them now.
        connection.check_constraints()
    connection.ops.execute_sql_flush(sql_flush(no_style(), connection, reset_sequences=True))
    reader = _HashingReader(member)
    try:
        _load_rows(io.BufferedReader(reader, CHUNK), database)
        connection.check_constraints()
    except (DeserializationError, DatabaseError, ValueError, LookupError) as error:
        raise BackupError(
            _("Les données de l'archive n'ont pas pu être chargées (%(error)s).") % {"error": error}
        ) from error
    if reader.digest.hexdigest() != manifest["database"]["sha256"]:
        raise BackupError(_("La base de l'archive a changé pendant la restauration."))
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    _check_counts(manifest, database)


def _storage_sha256(storage, name):
    with storage.open(name, "rb") as stored:
        return _copy(stored, None)[1]


def _restore_file(member, entry, summary, created):
    name = entry["name"]
    storage = storages[entry.get("storage", "default")]
    with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY) as copy:
        size, sha256 = _copy(member, copy)
        if sha256 != entry["sha256"]:
            raise BackupError(
                _("Le fichier %(name)s de l'archive a changé pendant la restauration.")
                % {"name": name}
            )
        if storage.exists(name):
            if _storage_sha256(storage, name) == sha256:
                summary.files_kept += 1
                return
            storage.delete(name)
            summary.replaced.append(name)
        else:
            created.append((storage, name))
        copy.seek(0)
        saved = storage.save(name, File(copy, name=posixpath.basename(name)))
    if saved != name or _storage_sha256(storage, name) != sha256:
        raise BackupError(
            _("Le fichier %(name)s n'a pas pu être réécrit tel quel dans le stockage.")
            % {"name": name}
        )
    summary.files_written += 1
    summary.bytes_written += size


def backup_restore(*, path, force=False, database=DEFAULT_DB_ALIAS):
    """Restore the archive at ``path`` into ``database`` and the default storage.

    Refuses, changing nothing, when the database is not migrated to the code's state, holds data
    (unless ``force``: it is erased in the same transaction), when the archive is damaged or was
    made at another migration state. Returns a :class:`RestoreSummary`.
    """
    started = time.monotonic()
    connection = connections[database]
    code_state = _database_state(connection)
    if not force:
        _refuse_unless_empty(database)
    manifest = _read_manifest(path)
    if manifest["migrations"] != code_state:
        raise BackupError(
            _(
                "L'archive a été faite à un autre état des migrations que ce code (archive ≠ "
                "code : %(difference)s). Restaurez-la avec la version du portail qui l'a "
                "produite, puis migrez."
            )
            % {"difference": _state_difference(manifest["migrations"], code_state)}
        )
    summary = RestoreSummary(
        manifest=manifest,
        tables=len(manifest["counts"]),
        rows=sum(manifest["counts"].values()),
    )
    files = {_member_name(entry): entry for entry in manifest["files"]}
    created = []
    try:
        with transaction.atomic(using=database), _open_archive(path) as archive:
            try:
                for member in archive:
                    content = archive.extractfile(member)
                    if member.name == DATABASE_MEMBER:
                        _restore_database(content, manifest, database)
                    elif member.name in files:
                        _restore_file(content, files[member.name], summary, created)
            except (tarfile.TarError, EOFError, zlib.error) as error:
                raise _unreadable(path, error) from error
    except BaseException:  # the transaction is rolled back: so are the files it wrote
        _delete_quietly(created)
        raise
    finally:
        _clear_caches()
    summary.seconds = time.monotonic() - started
    return summary


def _delete_quietly(created):
    """Remove what a failed restore wrote; the error to report is the one that stopped it."""
    for storage, name in created:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 — a storage failing here fails for the same reason
            pass


def _clear_caches():
    """Content types and sites are cached by id in the process; the restore changed them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.models import Site

        Site.objects.clear_cache()
