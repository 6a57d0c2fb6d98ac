"""Certificate jobs on the production-shaped stack: a real Celery worker (through Redis) makes the
certificate and stores its PDF in S3; a duplicated message changes nothing."""

import pytest
from django.core.files.storage import default_storage

from certificates import services, tasks
from certificates.models import Certificate, DocumentJob, JobStatus, PrintLog
from tests.test_certificates_helpers import another_applicant, approved
from tests.workflow_helpers import user

pytestmark = [pytest.mark.realstack, pytest.mark.django_db(transaction=True)]


def succeeded(worker, task: str) -> int:
    return sum(1 for line in worker.log().splitlines() if f"{task}[" in line and " succeeded " in line)


def test_the_worker_issues_the_certificate_once(celery_worker_process, demo):
    application = approved()
    before = succeeded(celery_worker_process, "certificates.tasks.issue_certificate")
    tasks.issue_certificate.delay(application.pk)
    tasks.issue_certificate.delay(application.pk)  # the same message delivered twice
    key = f"certificate:{application.pk}"
    celery_worker_process.wait_until(
        lambda: DocumentJob.objects.filter(key=key, status=JobStatus.DONE).exists(), timeout=90
    )
    celery_worker_process.wait_until(
        lambda: succeeded(celery_worker_process, "certificates.tasks.issue_certificate") >= before + 2, timeout=60
    )
    job = DocumentJob.objects.get(key=key)
    assert job.attempts == 1 and Certificate.objects.filter(application=application).count() == 1
    with default_storage.open(job.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_worker_renders_a_print_batch(celery_worker_process, demo):
    applications = [approved(), approved(applicant=another_applicant("李秀英"))]
    for application in applications:
        services.certificate_job_ensure(application_id=application.pk)
        services.document_job_run(job_id=DocumentJob.objects.get(key=f"certificate:{application.pk}").pk)
    job = services.print_batch_request(user=user("window_staff"), application_ids=[a.pk for a in applications])
    celery_worker_process.wait_until(
        lambda: DocumentJob.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED), timeout=90
    )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert PrintLog.objects.filter(job=job).count() == 2
