from celery import shared_task

from .services import purge_expired


@shared_task(acks_late=True)
def purge_audit_log() -> int:
    return purge_expired()
