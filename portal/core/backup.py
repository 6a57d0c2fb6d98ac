"""Backup and restore: the database, the stored files and the secret settings, in one archive.

The archive is a tar file:

    manifest.json   format version, when, the applied migrations, rows per model, and the
                    SHA-256 of every other member (restore refuses an archive that does not match)
    database.json   every row (Django's serializer, natural keys for content types and
                    permissions, so that a fresh install's own ids do not matter)
    files/...       every object of the default storage (local folder or S3 bucket)
    secrets.json    SECRET_KEY (and any setting listed in BACKUP_SECRET_SETTINGS)

Consistency: the rows are read in one transaction (REPEATABLE READ on PostgreSQL; SQLite reads
one snapshot), and the files are copied after it, so every file a row names is in the archive
(files uploaded meanwhile are extra, and harmless). The archive holds personal data and the
secret key: it is written readable by its owner only and must be kept like the keys themselves.

Restore goes onto an install of the same version: the migrations applied there must be the ones
the archive records (restore first, upgrade after). It empties the database, loads the rows,
writes the files and, if the target has no SECRET_KEY of its own, the key file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
# Rows a fresh install makes itself, or that are worthless after a restore.
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    """The archive cannot be restored here; the message says why."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _models():
    for model in serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()]):
        if model._meta.label_lower not in EXCLUDED_MODELS and not model._meta.proxy and model._meta.managed:
            yield model


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _storage_names(folder: str = "") -> list[str]:
    folders, files = default_storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += _storage_names(f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _dump_rows() -> tuple[bytes, dict[str, int]]:
    counts: Counter = Counter()

    def rows():
        for model in _models():
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                counts[model._meta.label_lower] += 1
                yield obj

    stream = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        serializers.serialize(
            "json", rows(), stream=stream, use_natural_foreign_keys=True, use_natural_primary_keys=False
        )
    return stream.getvalue().encode(), dict(counts)


def _secrets() -> dict[str, str]:
    return {name: getattr(settings, name) for name in ["SECRET_KEY", *settings.BACKUP_SECRET_SETTINGS]}


def create(path: Path) -> dict:
    """Write a backup archive to `path`; returns its manifest."""
    database, counts = _dump_rows()
    members: dict[str, bytes] = {"database.json": database}
    for name in _storage_names():
        with default_storage.open(name) as handle:
            members[f"files/{name}"] = handle.read()
    members["secrets.json"] = json.dumps(_secrets()).encode()
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "rows": counts,
        "files": len([m for m in members if m.startswith("files/")]),
        "sha256": {name: _sha256(data) for name, data in members.items()},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        for name, data in [("manifest.json", json.dumps(manifest, indent=1).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
    return manifest


def read(path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the members of an archive, checked against the manifest's hashes."""
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            members = {}
            for info in archive.getmembers():
                if not info.isfile() or info.name.startswith("/") or ".." in Path(info.name).parts:
                    raise BackupError(f"unexpected member in the archive: {info.name}")
                members[info.name] = archive.extractfile(info).read()
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"not a readable backup archive: {exc}") from exc
    if "manifest.json" not in members:
        raise BackupError("the archive has no manifest.json")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    expected = manifest["sha256"]
    if set(expected) != set(members):
        raise BackupError("the archive's members differ from its manifest")
    for name, data in members.items():
        if _sha256(data) != expected[name]:
            raise BackupError(f"{name} is damaged (its SHA-256 differs from the manifest)")
    return manifest, members


def restore(path: Path) -> dict:
    """Restore an archive onto this (migrated) install; returns the manifest."""
    manifest, members = read(path)
    here = _applied_migrations()
    if here != manifest["migrations"]:
        missing = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in here}
        extra = {tuple(m) for m in here} - {tuple(m) for m in manifest["migrations"]}
        raise BackupError(
            "this install's migrations differ from the archive's "
            f"(missing here: {sorted(missing)[:5]}, newer here: {sorted(extra)[:5]}): "
            "restore onto the version that made the backup, then upgrade"
        )
    with tempfile.NamedTemporaryFile(suffix=".json") as rows:
        rows.write(members.pop("database.json"))
        rows.flush()
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0, database=DEFAULT_DB_ALIAS)
            call_command("loaddata", rows.name, verbosity=0, database=DEFAULT_DB_ALIAS)
    for name in _storage_names():
        default_storage.delete(name)
    for member, data in members.items():
        if member.startswith("files/"):
            name = member[len("files/") :]
            saved = default_storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(f"the storage renamed {name} to {saved}")
    secrets = json.loads(members["secrets.json"])
    key_file = settings.VAR_DIR / "secret_key"
    if not os.environ.get("SECRET_KEY"):
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets["SECRET_KEY"])
        key_file.chmod(0o600)
    return manifest


def summary() -> dict:
    """Rows per model and the files' hashes: what a restore drill compares."""
    rows = {model._meta.label_lower: model._base_manager.count() for model in _models()}
    files = {}
    for name in _storage_names():
        with default_storage.open(name) as handle:
            files[name] = _sha256(handle.read())
    return {"rows": {k: v for k, v in rows.items() if v}, "files": files}
