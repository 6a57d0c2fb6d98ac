"""Document jobs on the production-shaped stack (PostgreSQL, Redis, a real worker): a job asked for
while the broker is down is kept, shown as waiting for the background service, and rendered by
the worker once the dispatcher publishes it after the broker is back; a job left running by a
dead worker is queued again by the dispatcher, and a late duplicate delivery does nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services, tasks
from certificates.models import DocumentJob, JobStatus, PrintLog
from tests.plugins.realstack import broker_of_app, start_celery_worker
from tests.test_certificates_helpers import approved
from tests.workflow_helpers import user

pytestmark = [pytest.mark.realstack("redis", "postgres"), pytest.mark.django_db(transaction=True)]


def test_a_job_asked_for_while_redis_is_down_is_rendered_when_it_is_back(
    client, demo, private_redis, request, tmp_path_factory
):
    worker = start_celery_worker(request, tmp_path_factory, broker_url=private_redis.url)
    try:
        with broker_of_app(private_redis.url, task_always_eager=False, task_default_queue=worker.queue):
            application = approved()
            applicant = application.applicant
            private_redis.stop()  # the broker goes down
            job = services.form_job_ensure(application=application, user=applicant)
            job.refresh_from_db()
            assert (job.status, job.queued_at) == (JobStatus.PENDING, None) and job.queue_failed_at
            client.force_login(applicant)
            page = client.get(reverse("certificates:job", args=[job.pk])).content.decode()
            assert "排队等待中（后台服务暂不可用）" in page and "生成中" not in page

            private_redis.start()  # back, empty: the message was never in it
            assert services.document_jobs_dispatch(now=timezone.now() + datetime.timedelta(minutes=1)) >= 1
            worker.wait_until(lambda: DocumentJob.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=90)
            assert DocumentJob.objects.get(pk=job.pk).attempts == 1
    finally:
        worker.stop()


def test_a_batch_left_by_a_dead_worker_is_requeued_and_its_late_duplicate_ignored(celery_worker_process, demo):
    application = approved()
    services.certificate_job_ensure(application_id=application.pk)
    services.document_job_run(job_id=DocumentJob.objects.get(key=f"certificate:{application.pk}").pk)
    window = user("window_staff")
    job = services.print_batch_request(user=window, application_ids=[application.pk])
    celery_worker_process.wait_until(lambda: DocumentJob.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=90)
    second = services.print_batch_request(user=window, application_ids=[application.pk], reason="卡纸重印")
    celery_worker_process.wait_until(lambda: DocumentJob.objects.get(pk=second.pk).status == JobStatus.DONE, timeout=90)
    # What a worker killed mid-render leaves behind: running, heartbeat stopped, nothing recorded.
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    PrintLog.objects.filter(job=second).delete()
    DocumentJob.objects.filter(pk=second.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=long_ago, started_at=long_ago, file="", progress=40
    )
    assert services.document_jobs_dispatch() >= 1
    celery_worker_process.wait_until(lambda: DocumentJob.objects.get(pk=second.pk).status == JobStatus.DONE, timeout=90)
    skipped = celery_worker_process.log().count("'skipped'")
    tasks.render_document.delay(second.pk)  # the dead worker's message, redelivered late
    tasks.render_document.delay(job.pk)
    celery_worker_process.wait_until(lambda: celery_worker_process.log().count("'skipped'") >= skipped + 2, timeout=60)
    logs = PrintLog.objects.filter(certificate__application=application).order_by("sequence")
    assert [(log.sequence, log.job_id) for log in logs] == [(1, job.pk), (2, second.pk)]
