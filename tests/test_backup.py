"""Issue 13: the restore drill. Back up the database, the files and the secret key, wipe
everything, restore onto the same install, and compare rows and files; a damaged archive or one
from another version is refused with a reason."""

import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.migrations.recorder import MigrationRecorder

from applications.models import Application
from home.demo import load_demo
from portal.accounts.models import User
from portal.core import backup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return default_storage


@pytest.fixture
def populated(catalog, storage):
    load_demo(with_applications=True)
    storage.save("materials/2026/diploma.pdf", ContentFile(b"%PDF-1.4 diploma"))
    storage.save("photos/a.jpg", ContentFile(b"\xff\xd8\xff photo \xff\xd9"))
    return backup.summary()


def wipe(storage):
    call_command("flush", interactive=False, verbosity=0)
    for name in backup._storage_names():
        storage.delete(name)
    assert not User.objects.exists() and backup._storage_names() == []


def test_backup_wipe_restore_compares_equal(populated, storage, tmp_path, settings):
    assert Application.objects.exists() and {"materials/2026/diploma.pdf", "photos/a.jpg"} <= set(populated["files"])
    password_hashes = dict(User.objects.values_list("pk", "password"))
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    wipe(storage)
    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "restore:" in out.getvalue()
    assert backup.summary() == populated
    assert dict(User.objects.values_list("pk", "password")) == password_hashes
    # The database's own sequences continue after the restored rows.
    user = User.objects.create(id_number="53010219900101002X", mobile="13900000099", real_name="新用户")
    assert user.pk > max(password_hashes)


def test_the_archive_keeps_the_secret_key(populated, tmp_path, settings):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    _, members = backup.read(archive)
    assert json.loads(members["secrets.json"])["SECRET_KEY"] == settings.SECRET_KEY


def rewrite(archive, target, change):
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for info in source.getmembers():
            data = change(info.name, source.extractfile(info).read())
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def test_a_damaged_archive_is_refused_and_nothing_changes(populated, tmp_path):
    archive, damaged = tmp_path / "b.tar.gz", tmp_path / "damaged.tar.gz"
    backup.create(archive)
    rewrite(
        archive, damaged, lambda name, data: data.replace(b"diploma", b"DIPLOMA") if name.startswith("files/") else data
    )
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--yes")
    assert backup.summary() == populated


def test_an_archive_from_another_version_is_refused(populated, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive)
    MigrationRecorder(backup.connection).record_applied("applications", "9999_from_the_future")
    with pytest.raises(CommandError, match="migrations differ"):
        call_command("restore", str(archive), "--yes")
    assert backup.summary() == populated


def test_not_an_archive(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(junk), "--yes")
