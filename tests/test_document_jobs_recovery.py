"""Document jobs after a crash or an outage: a worker that dies leaves a heartbeat that stops, and
the job is queued again (one stale rule) or retried by staff; a duplicate or superseded delivery
prints nothing and writes no file; a broker that is down loses no job, the screens say so, and
the once-a-minute dispatcher publishes it when the broker is back."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from applications.models import State
from certificates import documents, services, tasks
from certificates.models import DocumentJob, DocumentKind, JobStatus, PrintLog
from portal.accounts.models import User
from tests.test_certificates_helpers import approved, drive, issued
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


def stale():
    return timezone.now() - timedelta(minutes=django_settings.DOCUMENT_JOB_STALE_MINUTES + 1)


def crashed(job):
    """What a worker killed mid-render leaves: running, heartbeat stopped long ago."""
    DocumentJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=stale(), heartbeat_at=stale(), queued_at=stale()
    )


def batch(application, **fields):
    """A print batch asked for, its message not delivered yet."""
    with mock.patch.object(services, "_enqueue"):
        return services.print_batch_request(user=user("window_staff"), application_ids=[application.pk], **fields)


def stored_documents():
    try:
        _dirs, files = default_storage.listdir("documents/print_batch/" + f"{timezone.localdate():%Y}")
    except FileNotFoundError:
        return []
    return files


# --- settings --------------------------------------------------------------------------------


def test_the_visibility_timeout_outlasts_the_longest_job():
    limit = django_settings.DOCUMENT_JOB_TIME_LIMIT_SECONDS
    assert django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > limit
    assert tasks.render_document.time_limit == limit and tasks.issue_certificate.time_limit == limit
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    dispatch = [e for e in schedule.values() if e["task"] == "certificates.tasks.dispatch_document_jobs"]
    assert dispatch and dispatch[0]["schedule"] <= 60


# --- heartbeat and the stale rule -------------------------------------------------------------


def test_a_running_job_records_a_heartbeat(demo):
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)
    beats = []
    real = documents.certificates_pdf

    def spy(certificates, progress=None, **kwargs):
        progress(50)
        beats.append(DocumentJob.objects.get(pk=job.pk).heartbeat_at)
        return real(certificates, progress, **kwargs)

    with mock.patch.object(documents, "certificates_pdf", spy):
        assert services.document_job_run(job_id=job.pk) == "done"
    assert beats and beats[0] is not None


def test_the_dispatcher_requeues_a_job_whose_worker_died_and_not_a_live_one(demo):
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)
    receipt = services.receipt_job_ensure(application_id=application.pk)
    DocumentJob.objects.filter(pk=receipt.pk).update(
        status=JobStatus.RUNNING, started_at=stale(), heartbeat_at=timezone.now(), queued_at=stale()
    )
    crashed(job)
    assert tasks.dispatch_document_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert DocumentJob.objects.get(pk=receipt.pk).status == JobStatus.RUNNING  # its heartbeat is fresh


def test_staff_are_offered_a_retry_for_a_stuck_job_on_its_page(demo, client, django_capture_on_commit_callbacks):
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)
    DocumentJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), queued_at=timezone.now()
    )
    client.force_login(user("window_staff"))
    retry = reverse("certificates:job_retry", args=[job.pk])
    assert retry not in client.get(reverse("certificates:job", args=[job.pk])).content.decode()  # alive
    with pytest.raises(ValidationError):
        services.job_retry(job_id=job.pk, user=user("window_staff"))
    crashed(job)
    assert retry in client.get(reverse("certificates:job", args=[job.pk])).content.decode()
    assert retry in client.get(reverse("certificates:jobs")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_the_admin_retry_goes_through_the_same_checks(demo, client, django_capture_on_commit_callbacks):
    application = approved()
    live = services.certificate_job_ensure(application_id=application.pk)
    DocumentJob.objects.filter(pk=live.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    stuck = services.receipt_job_ensure(application_id=application.pk)
    crashed(stuck)
    client.force_login(User.objects.filter(is_superuser=True).first())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:certificates_documentjob_changelist"),
            {"action": "retry", "_selected_action": [live.pk, stuck.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "已重新提交 1 个任务" in page and "1 个任务正在处理或已完成" in page
    assert DocumentJob.objects.get(pk=live.pk).status == JobStatus.RUNNING  # not queued twice
    assert DocumentJob.objects.get(pk=stuck.pk).status == JobStatus.DONE


# --- duplicate and superseded deliveries ------------------------------------------------------


def test_a_batch_delivered_twice_prints_once_and_writes_one_file(demo):
    application = approved()
    issued(application)
    job = batch(application)
    assert tasks.render_document.delay(job.pk).get() == "done"
    files = stored_documents()
    assert tasks.render_document.delay(job.pk).get() == "skipped"
    assert PrintLog.objects.filter(certificate__application=application).count() == 1
    assert stored_documents() == files and len(files) == 1


def test_a_duplicate_delivered_while_the_job_renders_does_nothing(demo):
    application = approved()
    issued(application)
    job = batch(application)
    DocumentJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    render = mock.Mock()
    with mock.patch.dict(documents.RENDERERS, {DocumentKind.PRINT_BATCH: render}):
        assert tasks.render_document.delay(job.pk).get() == "skipped"
    render.assert_not_called()
    assert not PrintLog.objects.exists() and stored_documents() == []


def test_a_superseded_batch_delivered_late_records_no_reprint(demo, django_capture_on_commit_callbacks):
    application = approved()
    issued(application)
    first = batch(application)
    crashed(first)  # the worker died with it; the window asks again, without a reprint reason
    with django_capture_on_commit_callbacks(execute=True):
        second = services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    assert DocumentJob.objects.get(pk=second.pk).status == JobStatus.DONE
    assert DocumentJob.objects.get(pk=first.pk).status == JobStatus.SUPERSEDED
    files = stored_documents()
    assert tasks.render_document.delay(first.pk).get() == "skipped"  # the late redelivery
    logs = list(PrintLog.objects.filter(certificate__application=application))
    assert [(log.sequence, log.job_id) for log in logs] == [(1, second.pk)]
    assert stored_documents() == files
    tasks.dispatch_document_jobs()  # nor does the dispatcher bring it back
    assert DocumentJob.objects.get(pk=first.pk).status == JobStatus.SUPERSEDED
    assert PrintLog.objects.filter(certificate__application=application).count() == 1


def test_a_run_overtaken_by_a_requeue_records_nothing(demo):
    """A worker thought dead (heartbeat stale) finishes after its job was claimed again: only the
    run that holds the job finishes it."""
    application = approved()
    issued(application)
    job = batch(application)
    real = documents.RENDERERS[DocumentKind.PRINT_BATCH]

    runs = []

    def overtaken(job_row, progress):
        runs.append(job_row.attempts)
        if len(runs) == 1:
            crashed(job_row)
            assert services.document_job_run(job_id=job_row.pk) == "done"  # the re-queued run
        return real(job_row, progress)

    with mock.patch.dict(documents.RENDERERS, {DocumentKind.PRINT_BATCH: overtaken}):
        assert services.document_job_run(job_id=job.pk) == "duplicate"
    assert PrintLog.objects.filter(job=job).count() == 1 and len(stored_documents()) == 1


# --- the broker down --------------------------------------------------------------------------


def broker_down():
    return mock.patch.object(tasks.render_document, "apply_async", side_effect=OperationalError("connection refused"))


def test_a_job_queued_while_the_broker_is_down_waits_honestly_and_is_dispatched(
    demo, client, django_capture_on_commit_callbacks
):
    application = approved()
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        job = services.form_job_ensure(application=application, user=application.applicant)
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.queued_at is None
    client.force_login(application.applicant)
    page = client.get(reverse("certificates:job", args=[job.pk])).content.decode()
    assert "排队等待中（后台服务暂不可用）" in page and "生成中" not in page
    with broker_down():
        assert tasks.dispatch_document_jobs() == 0  # too young, and the broker still down
    DocumentJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(seconds=django_settings.DOCUMENT_JOB_DISPATCH_AFTER_SECONDS + 1)
    )
    with broker_down():
        assert tasks.dispatch_document_jobs() == 0
    assert "排队等待中（后台服务暂不可用）" in client.get(reverse("certificates:job", args=[job.pk])).content.decode()
    assert tasks.dispatch_document_jobs() == 1  # the broker is back: the next minute's run
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_an_approval_while_the_broker_is_down_keeps_its_certificate_job(demo, django_capture_on_commit_callbacks):
    waiting = at(State.BUREAU_APPROVAL, "initial_recognition")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        application = drive(waiting)  # the bureau approves; the broker is down
    job = DocumentJob.objects.get(key=f"certificate:{application.pk}")
    assert job.status == JobStatus.PENDING and job.waits_for_broker
    DocumentJob.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert tasks.dispatch_document_jobs() >= 1
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.DONE
