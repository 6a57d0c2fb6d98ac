"""Periodic housekeeping of the filing app."""

from celery import shared_task

from .held_uploads import release_stale


@shared_task(acks_late=True)
def release_stale_held_uploads() -> int:
    """Held photos whose page was never saved again (applications/held_uploads.py)."""

    return release_stale()
