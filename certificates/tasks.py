"""Celery tasks: take ids, are idempotent (see services.document_job_run), acknowledge late (a
worker that dies mid-render leaves the message to be delivered again) and retry with backoff.
Every failure is recorded on the DocumentJob, where staff see it and can retry it."""

import logging

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger("portal.certificates")

MAX_RETRIES = 4


def _run(task, job_id: int) -> str:
    try:
        return services.document_job_run(job_id=job_id)
    except services.DocumentRefused:
        return "refused"  # recorded on the job; retrying cannot help
    except Exception as exc:
        if task.request.is_eager or task.request.retries >= task.max_retries:
            # No broker (the embedded stack), or out of retries: the failure stays on the job.
            logger.exception("document job %s failed", job_id)
            return "failed"
        raise task.retry(exc=exc, countdown=min(15 * 2**task.request.retries, 900)) from exc


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=settings.DOCUMENT_JOB_TIME_LIMIT_SECONDS)
def issue_certificate(self, application_id: int) -> str:
    """Make (once) and render the certificate of an approved application."""
    job = services.certificate_job_ensure(application_id=application_id)
    return _run(self, job.pk)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=settings.DOCUMENT_JOB_TIME_LIMIT_SECONDS)
def issue_acceptance_receipt(self, application_id: int) -> str:
    """Render the acceptance receipt (受理凭证) after the window accepted the file."""
    job = services.receipt_job_ensure(application_id=application_id)
    return _run(self, job.pk)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=settings.DOCUMENT_JOB_TIME_LIMIT_SECONDS)
def render_document(self, job_id: int) -> str:
    """Render any document job (forms, rosters, letters, print batches, retries)."""
    return _run(self, job_id)


@shared_task(acks_late=True)
def dispatch_document_jobs() -> int:
    """Beat, every minute: see services.document_jobs_dispatch. Returns how many were queued."""
    return services.document_jobs_dispatch()


@shared_task(acks_late=True)
def issue_missing_documents() -> int:
    """The former ten-minute sweep's name, kept for messages and schedules still naming it."""
    return services.document_jobs_dispatch()
