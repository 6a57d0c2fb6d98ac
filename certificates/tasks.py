"""Celery tasks: take ids, are idempotent (see services.document_job_run), acknowledge late (a
worker that dies mid-render leaves the message to be delivered again) and retry with backoff.
Every failure is recorded on the DocumentJob, where staff see it and can retry it."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from applications.models import Application, State

from . import services
from .models import DocumentJob, DocumentKind, JobStatus

logger = logging.getLogger("portal.certificates")

MAX_RETRIES = 4


def _run(task, job_id: int) -> str:
    try:
        return services.document_job_run(job_id=job_id)
    except services.CertificateRefused:
        return "refused"  # recorded on the job; retrying cannot help
    except Exception as exc:
        if task.request.is_eager or task.request.retries >= task.max_retries:
            # No broker (the embedded stack), or out of retries: the failure stays on the job.
            logger.exception("document job %s failed", job_id)
            return "failed"
        raise task.retry(exc=exc, countdown=min(15 * 2**task.request.retries, 900)) from exc


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def issue_certificate(self, application_id: int) -> str:
    """Make (once) and render the certificate of an approved application."""
    job = services.certificate_job_ensure(application_id=application_id)
    return _run(self, job.pk)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def issue_acceptance_receipt(self, application_id: int) -> str:
    """Render the acceptance receipt (受理凭证) after the window accepted the file."""
    job = services.receipt_job_ensure(application_id=application_id)
    return _run(self, job.pk)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def render_document(self, job_id: int) -> str:
    """Render any document job (forms, rosters, letters, print batches, retries)."""
    return _run(self, job_id)


@shared_task(acks_late=True)
def issue_missing_documents() -> int:
    """Safety net for lost messages (e.g. the broker was down when a step committed), run by beat:
    every approved application without a certificate and every accepted one without a receipt gets
    its job run, and a job still waiting in the queue after DOCUMENT_JOB_STALE_MINUTES is queued
    again (running it twice is harmless). Returns how many were queued."""

    certificates = list(
        Application.objects.filter(state=State.APPROVED, certificate__isnull=True).values_list("pk", flat=True)
    )
    with_receipt = DocumentJob.objects.filter(kind=DocumentKind.RECEIPT).values("application_id")
    receipts = list(
        Application.objects.exclude(acceptance_number="").exclude(pk__in=with_receipt).values_list("pk", flat=True)
    )
    stale_before = timezone.now() - timedelta(minutes=settings.DOCUMENT_JOB_STALE_MINUTES)
    stale = list(
        DocumentJob.objects.filter(status=JobStatus.PENDING, created_at__lt=stale_before)
        .exclude(kind=DocumentKind.CERTIFICATE, application_id__in=certificates)
        .values_list("pk", flat=True)
    )
    for application_id in certificates:
        issue_certificate.delay(application_id)
    for application_id in receipts:
        issue_acceptance_receipt.delay(application_id)
    for job_id in stale:
        render_document.delay(job_id)
    return len(certificates) + len(receipts) + len(stale)
