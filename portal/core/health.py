"""Health endpoints for a load balancer and compose healthchecks.

/healthz answers while the process runs (it touches nothing). /readyz answers 200 only when the
database, the broker (when one is configured; eager mode has none) and the file storage are
reachable (local storage: with room for an upload), else 503, with one word per dependency and no detail an outsider could use."""

import logging
import os
import shutil
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("portal.health")

PROBE_DIR = "health"


def database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def broker_ok() -> bool | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # no broker: tasks run in the web process
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True


def storage_ok() -> bool:
    """The storage answers (an S3 bucket: a lookup; local files: the folder exists) and, for local
    files, the disk has room for an upload. Nothing is written: a GET never writes."""
    default_storage.exists(f"{PROBE_DIR}/probe")
    location = getattr(default_storage, "location", None)
    if location is None:
        return True
    folder = Path(location)
    while not folder.exists():  # created on the first upload
        folder = folder.parent
    return os.access(folder, os.W_OK) and shutil.disk_usage(folder).free >= settings.MATERIAL_MAX_BYTES * 2


CHECKS = {"database": database_ok, "broker": broker_ok, "storage": storage_ok}


def check_all() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            outcome = check()
        except Exception:
            logger.exception("readiness check failed: %s", name)
            outcome = False
        results[name] = "unused" if outcome is None else ("ok" if outcome else "failed")
    return results


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    results = check_all()
    ready = all(value != "failed" for value in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **results}, status=200 if ready else 503)
