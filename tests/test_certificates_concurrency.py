"""Certificates and print batches at once, on PostgreSQL (SQLite serialises writers, so it proves
nothing there): numbers gap-free per year, one certificate per application, one batch per
double-click, print log sequences without duplicates or gaps."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, DocumentJob, DocumentKind, JobStatus, PrintLog
from tests.factories import member
from tests.test_certificates_helpers import approved
from tests.test_workflow_concurrency import run_at_once
from tests.workflow_helpers import user

pytestmark = [pytest.mark.realstack("postgres"), pytest.mark.django_db(transaction=True)]


def approved_for_others(count: int):
    unit = user("unit_hr").memberships.get().organization
    return [approved(applicant=member("applicant", unit)) for _ in range(count)]


def test_certificate_numbers_are_gap_free_and_made_once_under_concurrency(demo):
    applications = approved_for_others(4)
    # Every application twice, all at once: four certificates, serials 1..4, nothing skipped.
    calls = [lambda a=a: services.certificate_issue(application_id=a.pk) for a in applications * 2]
    results = run_at_once(calls)
    assert all(kind == "ok" for kind, _ in results), results
    assert Certificate.objects.count() == 4
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [1, 2, 3, 4]
    for application in applications:
        made = {value.pk for (_, value), a in zip(results, applications * 2, strict=True) if a == application}
        assert len(made) == 1


def test_two_print_requests_at_once_make_one_batch(demo):
    application = approved_for_others(1)[0]
    services.certificate_issue(application_id=application.pk)
    window_user = user("window_staff")
    with mock.patch.object(services, "_enqueue"):
        results = run_at_once(
            [lambda: services.print_batch_request(user=window_user, application_ids=[application.pk])] * 2
        )
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    assert "正在打印" in str(next(value for kind, value in results if kind == "error"))
    assert DocumentJob.objects.filter(kind=DocumentKind.PRINT_BATCH).count() == 1


def test_batches_finishing_at_once_log_each_print_once_in_sequence(demo):
    applications = approved_for_others(3)
    for application in applications:
        services.certificate_issue(application_id=application.pk)
    ids = [a.pk for a in applications]
    window_user = user("window_staff")
    with mock.patch.object(services, "_enqueue"):  # queued, not rendered yet: the test runs them
        first = services.print_batch_request(user=window_user, application_ids=ids)
        others = [
            services.print_batch_request(user=window_user, application_ids=ids[::-1], reason=f"重印{n}")
            for n in range(2)
        ]
    jobs = [first, *others]
    # Each batch rendered twice at once (a duplicated message), all three batches together.
    results = run_at_once([lambda j=j: services.document_job_run(job_id=j.pk) for j in jobs * 2])
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(value for _, value in results).count("done") == 3
    for certificate in Certificate.objects.all():
        logs = list(PrintLog.objects.filter(certificate=certificate).order_by("sequence"))
        assert [log.sequence for log in logs] == [1, 2, 3]
        assert sorted(log.job_id for log in logs) == sorted(j.pk for j in jobs)
        assert all(log.reason for log in logs[1:]) and not logs[0].reason


def test_a_stuck_batch_delivered_twice_at_once_is_claimed_once(demo):
    """Two deliveries of a job whose worker died (the dispatcher's and Redis's late one) at once:
    the claim is re-checked on the locked row, so one renders and the other does nothing."""
    application = approved_for_others(1)[0]
    services.certificate_issue(application_id=application.pk)
    with mock.patch.object(services, "_enqueue"):
        job = services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    long_ago = timezone.now() - timedelta(hours=1)
    DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=long_ago, started_at=long_ago)
    results = run_at_once([lambda: services.document_job_run(job_id=job.pk)] * 2)
    assert sorted(value for _, value in results) == ["done", "skipped"], results
    assert DocumentJob.objects.get(pk=job.pk).attempts == 1
    assert PrintLog.objects.filter(job=job).count() == 1
