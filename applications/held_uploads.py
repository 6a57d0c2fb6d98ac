"""A file that passed its own checks while the rest of its form did not: it is kept in storage
under a server-made name and the page carries a signed token for it, so the person does not have
to choose the file again (browsers cannot refill a file field). The token names the file and the
person; it expires after HELD_UPLOAD_HOURS. The file moves to its record when the form is saved."""

from __future__ import annotations

import datetime
import uuid

from django.core import signing
from django.core.files.storage import default_storage
from django.utils import timezone

SALT = "applications.held_uploads"
HELD_UPLOAD_HOURS = 24


def hold(upload, *, user, extension: str) -> str:
    """Store the upload and return the token that names it."""
    upload.seek(0)
    name = default_storage.save(f"held/{user.pk}/{uuid.uuid4().hex}{extension}", upload)
    return signing.dumps({"user": user.pk, "name": name, "label": upload.name[:100]}, salt=SALT)


def held(token: str, *, user) -> dict | None:
    """{"name", "label"} of the held file the token names, if it is this user's, fresh and still there."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=HELD_UPLOAD_HOURS * 3600)
    except signing.BadSignature:
        return None
    name = data.get("name", "")
    if data.get("user") != user.pk or not name.startswith(f"held/{user.pk}/") or not default_storage.exists(name):
        return None
    return {"name": name, "label": data.get("label", "")}


def release(name: str) -> None:
    default_storage.delete(name)


def release_stale(*, now=None) -> int:
    """Delete held files older than their tokens (the person never came back). Returns how many."""

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=HELD_UPLOAD_HOURS + 1)
    removed = 0
    try:
        people, _files = default_storage.listdir("held")
    except FileNotFoundError:
        return 0
    for person in people:
        for name in default_storage.listdir(f"held/{person}")[1]:
            path = f"held/{person}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
