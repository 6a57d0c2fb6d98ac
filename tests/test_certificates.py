"""Certificates: made once per approved application whatever happens to the job, numbered
gap-free, voided and replaced by a reissue; printing at the window and the hand-over."""

import re
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone

from applications.models import Application, State
from certificates import documents, services, tasks
from certificates.models import (
    Certificate,
    CertificateCounter,
    DocumentJob,
    DocumentKind,
    Handover,
    JobStatus,
    PrintLog,
)
from portal.notifications.models import Notification
from tests.factories import UnitFactory, member
from tests.test_certificates_helpers import (
    another_applicant,
    approved,
    issued,
    reissue_of,
)
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved():
    """Names of the files the jobs store during the test (the bucket may hold other tests' files)."""
    names = []
    original = default_storage.save

    def save(name, content, **kwargs):
        stored = original(name, content, **kwargs)
        if stored.startswith("documents/"):
            names.append(stored)
        return stored

    with mock.patch.object(services.default_storage, "save", side_effect=save):
        yield names


def still_stored(names: list[str]) -> list[str]:
    return [name for name in names if default_storage.exists(name)]


# --- issuing -----------------------------------------------------------------------------------


def test_approved_application_gets_one_numbered_certificate(demo):
    application = approved()
    certificate = issued(application)
    year = certificate.issued_on.year
    assert certificate.number == f"530100{year}000001"  # default format: region code, year, serial
    assert (certificate.holder_name, certificate.id_number) == ("张伟", demo["applicant"].id_number)
    assert (certificate.series_name, certificate.title_name, certificate.level_name) == (
        "中小学教师",
        "二级教师",
        "助理级",
    )
    assert certificate.get_obtained_by_display() == "认定"
    assert certificate.authority_name == "昆明市人力资源和社会保障局"
    assert certificate.approved_on == application.decided_at.astimezone().date()
    job = DocumentJob.objects.get(key=f"certificate:{application.pk}")
    assert job.status == JobStatus.DONE and job.certificate == certificate and job.attempts == 1
    assert default_storage.exists(job.file.name) and job.file.name.endswith(".pdf")


def test_a_job_run_twice_leaves_one_certificate_and_one_file(demo, saved):
    application = approved()
    for _ in range(3):
        tasks.issue_certificate.delay(application.pk)
    tasks.issue_certificate.apply(args=[application.pk])
    assert Certificate.objects.filter(application=application).count() == 1
    assert DocumentJob.objects.filter(application=application, kind=DocumentKind.CERTIFICATE).count() == 1
    assert len(saved) == 1 and still_stored(saved) == saved
    assert CertificateCounter.objects.get().last_number == 1


def test_duplicates_racing_keep_only_the_first_finished_file(demo, saved):
    """Two deliveries of one job render at once: the later one finds the job done and deletes its file."""
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)
    real = documents.RENDERERS[DocumentKind.CERTIFICATE]
    calls = []

    def render_while_another_worker_finishes(job, progress):
        calls.append(job.pk)
        if len(calls) == 1:
            DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.PENDING)
            assert services.document_job_run(job_id=job.pk) == "done"
        return real(job, progress)

    with mock.patch.dict(documents.RENDERERS, {DocumentKind.CERTIFICATE: render_while_another_worker_finishes}):
        assert services.document_job_run(job_id=job.pk) == "duplicate"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert len(saved) == 2 and still_stored(saved) == [job.file.name]
    assert Certificate.objects.count() == 1


def test_numbers_follow_the_bureaus_format_and_have_no_gaps(demo, settings):
    settings.CERTIFICATE_NUMBER_FORMATS = {"530100": "云昆职〔{year}〕{level}-{serial:05d}"}
    first = issued(approved())
    # A certificate whose transaction fails after taking a serial gives it back.
    second_application = approved(applicant=another_applicant())
    with mock.patch.object(Certificate.objects, "create", side_effect=RuntimeError("disk full")):
        tasks.issue_certificate.delay(second_application.pk)
    job = DocumentJob.objects.get(key=f"certificate:{second_application.pk}")
    assert job.status == JobStatus.FAILED and "disk full" in job.error
    assert CertificateCounter.objects.get().last_number == 1
    second = issued(second_application)  # the retry (here: the next run)
    year = first.issued_on.year
    assert first.number == f"云昆职〔{year}〕2-00001"
    assert second.number == f"云昆职〔{year}〕2-00002"
    assert (first.serial, second.serial) == (1, 2)


def test_a_failed_render_is_recorded_and_retried_by_staff(demo, django_capture_on_commit_callbacks):
    application = approved()
    with mock.patch.object(documents, "certificates_pdf", side_effect=OSError("font cache locked")):
        assert tasks.issue_certificate.delay(application.pk).get() == "failed"
    job = DocumentJob.objects.get(key=f"certificate:{application.pk}")
    assert job.status == JobStatus.FAILED and "font cache locked" in job.error and job.attempts == 1
    number = Certificate.objects.get(application=application).number
    with pytest.raises(PermissionDenied):
        services.job_retry(job_id=job.pk, user=member("window_staff"))  # a window elsewhere
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(job_id=job.pk, user=user("window_staff"))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and not job.error
    assert Certificate.objects.get(application=application).number == number


def test_no_certificate_before_approval(demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    assert tasks.issue_certificate.delay(application.pk).get() == "refused"
    job = DocumentJob.objects.get(key=f"certificate:{application.pk}")
    assert job.status == JobStatus.FAILED and "审批通过后" in job.error
    assert not Certificate.objects.exists() and not CertificateCounter.objects.filter(last_number__gt=0).exists()


def test_task_retries_with_backoff_when_a_broker_is_there(demo):
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)
    retries = []

    def retry(exc, countdown):
        retries.append(countdown)
        return Retry(exc=exc, when=countdown)

    fake = SimpleNamespace(request=SimpleNamespace(is_eager=False, retries=2), max_retries=4, retry=retry)
    with mock.patch.object(documents, "certificates_pdf", side_effect=OSError("flaky")), pytest.raises(Retry):
        tasks._run(fake, job.pk)
    assert retries == [60]
    fake.request.retries = 4  # out of retries: the failure stays on the job for staff
    with mock.patch.object(documents, "certificates_pdf", side_effect=OSError("flaky")):
        assert tasks._run(fake, job.pk) == "failed"
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert tasks.issue_certificate.acks_late and tasks.render_document.acks_late


def test_sweep_issues_what_a_lost_message_left_behind(demo):
    application = approved()  # the approval's message was "lost": no task ran
    assert tasks.issue_missing_documents() == 2  # its certificate, and the receipt of its acceptance
    assert Certificate.objects.filter(application=application).exists()
    assert DocumentJob.objects.get(key=f"receipt:{application.pk}").status == JobStatus.DONE
    assert tasks.issue_missing_documents() == 0


def test_sweep_requeues_a_job_left_waiting(demo, settings):
    application = approved()
    tasks.issue_missing_documents()
    fresh = services.form_job_ensure(application=application, user=application.applicant)  # message "lost"
    DocumentJob.objects.filter(pk=fresh.pk).update(queued_at=timezone.now())
    assert DocumentJob.objects.get(pk=fresh.pk).status == JobStatus.PENDING
    assert tasks.issue_missing_documents() == 0  # not yet stale: its message may still be on the way
    DocumentJob.objects.filter(pk=fresh.pk).update(
        queued_at=timezone.now() - timedelta(minutes=settings.DOCUMENT_JOB_STALE_MINUTES + 1)
    )
    assert tasks.issue_missing_documents() == 1
    assert DocumentJob.objects.get(pk=fresh.pk).status == JobStatus.DONE


def test_staff_may_retry_a_waiting_job_when_the_sweep_would_requeue_it(
    demo, settings, django_capture_on_commit_callbacks
):
    """One threshold: a job counts as stuck for the staff's retry button exactly when the sweep
    would queue it again, so staff are neither refused for a job the sweep already gave up on
    nor offered a retry while its message may still be on the way."""
    settings.DOCUMENT_JOB_STALE_MINUTES = 30
    application = approved()
    tasks.issue_missing_documents()
    job = services.form_job_ensure(application=application, user=application.applicant)
    window = user("window_staff")
    queued = timezone.now() - timedelta(minutes=20)  # handed to the broker, never started
    DocumentJob.objects.filter(pk=job.pk).update(created_at=queued, queued_at=queued)
    with pytest.raises(ValidationError):
        services.job_retry(job_id=job.pk, user=window)  # 20 minutes: not stuck yet
    assert tasks.issue_missing_documents() == 0
    queued = timezone.now() - timedelta(minutes=31)
    DocumentJob.objects.filter(pk=job.pk).update(created_at=queued, queued_at=queued)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(job_id=job.pk, user=window)
    assert DocumentJob.objects.get(pk=job.pk).status == JobStatus.DONE


# --- reissue -----------------------------------------------------------------------------------


def test_reissue_voids_the_old_certificate_and_links_the_new_one(demo):
    old = issued(approved())
    reissue = reissue_of(old)
    new = issued(reissue)
    old.refresh_from_db()
    assert old.is_void and old.voided_at and old.replaced_by == new
    assert new.number in old.void_reason and reissue.acceptance_number in old.void_reason
    # The new paper restates the old qualification, not the reissue item's own title.
    assert (new.title_name, new.level_name, new.obtained_by, new.approved_on) == (
        old.title_name,
        old.level_name,
        old.obtained_by,
        old.approved_on,
    )
    assert not new.is_void and new.number != old.number
    from certificates.selectors import certificate_chain

    assert certificate_chain(old) == certificate_chain(new) == [old, new]


def test_reissue_without_a_certificate_in_the_system_issues_a_new_one(demo):
    application = approved("reissue")
    certificate = issued(application)
    assert not certificate.is_void and not Certificate.objects.filter(is_void=True).exists()


# --- printing ----------------------------------------------------------------------------------


def print_batch(django_capture_on_commit_callbacks, applications, *, as_user=None, reason=""):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_batch_request(
            user=as_user or user("window_staff"), application_ids=[a.pk for a in applications], reason=reason
        )
    job.refresh_from_db()
    return job


def test_window_prints_a_batch_as_one_pdf_and_logs_each_certificate(demo, django_capture_on_commit_callbacks):
    applications = [approved(), approved(applicant=another_applicant("李秀英"))]
    for application in applications:
        issued(application)
    job = print_batch(django_capture_on_commit_callbacks, applications)
    assert job.status == JobStatus.DONE and job.progress == 100
    from pypdf import PdfReader

    with default_storage.open(job.file.name) as handle:
        assert len(PdfReader(handle).pages) == 2
    logs = list(PrintLog.objects.select_related("window"))
    assert [(log.sequence, log.printed_by, log.window.name, log.reason, log.job) for log in logs] == [
        (1, user("window_staff"), demo["window_staff"].organization, "", job)
    ] * 2
    told = Notification.objects.filter(event="certificate_ready").order_by("recipient__real_name")
    assert [n.recipient.real_name for n in told] == sorted(["张伟", "李秀英"])
    assert all("携带身份证" in n.body for n in told)


def test_a_reprint_needs_a_reason_and_is_counted(demo, django_capture_on_commit_callbacks):
    application = approved()
    certificate = issued(application)
    print_batch(django_capture_on_commit_callbacks, [application])
    with pytest.raises(ValidationError, match="重印须填写原因"):
        services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    print_batch(django_capture_on_commit_callbacks, [application], reason="打印机卡纸")
    logs = list(certificate.print_logs.order_by("sequence"))
    assert [(log.sequence, log.reprint_count, log.reason) for log in logs] == [(1, 0, ""), (2, 1, "打印机卡纸")]
    assert Notification.objects.filter(event="certificate_ready").count() == 1  # only the first print


def test_printing_an_application_that_is_not_approved_is_refused(demo, client):
    application = at(State.BUREAU_APPROVAL, "initial_recognition")
    with pytest.raises(ValidationError, match="尚未审批通过"):
        services.print_batch_request(user=user("window_staff"), application_ids=[application.pk])
    client.force_login(user("window_staff"))
    response = client.post("/certificates/print/", {"application": [application.pk]})
    assert response.status_code == 400 and "尚未审批通过" in response.content.decode()
    assert not DocumentJob.objects.filter(kind=DocumentKind.PRINT_BATCH).exists()


def test_printing_is_refused_outside_the_window_and_for_void_certificates(demo):
    old = issued(approved())
    outsider = member("applicant", UnitFactory())  # a unit in another region
    elsewhere = drive_other_region(outsider)
    with pytest.raises(PermissionDenied):
        services.print_batch_request(user=user("window_staff"), application_ids=[elsewhere.pk])
    with pytest.raises(PermissionDenied):
        services.print_batch_request(user=user("bureau_approver"), application_ids=[old.application_id])
    issued(reissue_of(old))
    with pytest.raises(ValidationError, match="已作废"):
        services.print_batch_request(user=user("window_staff"), application_ids=[old.application_id])


def drive_other_region(applicant) -> Application:
    """An approved application, in a unit of a region no demo window serves."""
    return approved(applicant=applicant)


# --- hand-over ---------------------------------------------------------------------------------


def timeline_panel(application) -> str:
    request = RequestFactory().get("/")
    request.user = application.applicant
    template = Template("{% load certificate_tags %}{% certificate_panel application %}")
    return template.render(RequestContext(request, {"application": application, "user": application.applicant}))


def test_collected_in_person(demo, django_capture_on_commit_callbacks):
    application = approved()
    certificate = issued(application)
    assert "等待窗口打印" in timeline_panel(application)
    with pytest.raises(ValidationError, match="尚未打印"):
        services.handover_record(certificate_id=certificate.pk, user=user("window_staff"), collected_by="张伟")
    print_batch(django_capture_on_commit_callbacks, [application])
    assert "请本人携带身份证到窗口领取" in timeline_panel(application)
    with pytest.raises(ValidationError):
        services.handover_record(certificate_id=certificate.pk, user=user("window_staff"), collected_by=" ")
    with pytest.raises(PermissionDenied):
        services.handover_record(certificate_id=certificate.pk, user=user("bureau_approver"), collected_by="张伟")
    handover = services.handover_record(certificate_id=certificate.pk, user=user("window_staff"), collected_by="张伟")
    assert handover.method == "pickup" and handover.recorded_by == user("window_staff")
    assert re.search(r"已于 \d{4}-\d\d-\d\d 由 张伟 领取", timeline_panel(application))
    with pytest.raises(ValidationError, match="已发放"):
        services.handover_record(certificate_id=certificate.pk, user=user("window_staff"), collected_by="张伟")


def test_sent_by_express_as_the_applicant_chose(demo, django_capture_on_commit_callbacks):
    application = approved(wants_express=True, express_address="昆明市五华区人民中路1号")
    certificate = issued(application)
    print_batch(django_capture_on_commit_callbacks, [application])
    assert "等待快递寄出" in timeline_panel(application)
    with pytest.raises(ValidationError):
        services.handover_record(certificate_id=certificate.pk, user=user("window_staff"), carrier="EMS")
    services.handover_record(
        certificate_id=certificate.pk, user=user("window_staff"), carrier="中国邮政EMS", tracking_number="1188123456789"
    )
    handover = Handover.objects.get(certificate=certificate)
    assert (handover.method, handover.address) == ("express", "昆明市五华区人民中路1号")
    assert "由中国邮政EMS寄出，快递单号 1188123456789" in timeline_panel(application)
    assert Notification.objects.get(event="certificate_posted", recipient=application.applicant).body.count(
        "1188123456789"
    )
    assert not Notification.objects.filter(event="certificate_ready").exists()  # express: no "come and collect"


def test_window_dashboard_summary(demo, rf):
    issued(approved())
    request = rf.get("/")
    request.user = user("window_staff")
    html = Template("{% load certificate_tags %}{% window_certificates %}").render(RequestContext(request, {}))
    assert "待打印证书 <strong>1</strong> 份" in html
    request.user = user("unit_hr")
    assert (
        Template("{% load certificate_tags %}{% window_certificates %}").render(Context({"request": request})).strip()
        == ""
    )


# --- pages -------------------------------------------------------------------------------------


def test_job_page_polls_until_the_file_is_ready(demo, client):
    application = approved()
    job = services.certificate_job_ensure(application_id=application.pk)  # queued, not run yet
    client.force_login(user("window_staff"))
    page = client.get(f"/documents/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and f"/documents/{job.pk}/status/" in page and "排队中" in page
    services.document_job_run(job_id=job.pk)
    fragment = client.get(f"/documents/{job.pk}/status/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and 'value="100"' in fragment
    assert f"/documents/{job.pk}/download/" in fragment and "已完成" in fragment


def test_failed_job_shows_its_error_and_a_retry_button(demo, client):
    application = approved()
    with mock.patch.object(documents, "certificates_pdf", side_effect=OSError("disk quota")):
        tasks.issue_certificate.delay(application.pk)
    job = DocumentJob.objects.get(key=f"certificate:{application.pk}")
    client.force_login(user("window_staff"))
    listing = client.get("/documents/?status=failed").content.decode()
    assert f'id="job-{job.pk}"' in listing and "disk quota" in listing and "重试" in listing
    assert "disk quota" in client.get(f"/documents/{job.pk}/").content.decode()


def test_print_page_lists_what_waits_and_prints_the_selection(demo, client):
    printable = approved()
    issued(printable)
    in_the_making = approved(applicant=another_applicant("王芳"))  # its job has not run
    client.force_login(user("window_staff"))
    page = client.get("/certificates/print/").content.decode()
    assert f'id="print-{printable.pk}"' in page and f'value="{printable.pk}"' in page
    assert f'id="print-{in_the_making.pk}"' in page and "证书制作中" in page
    assert f'name="application" value="{in_the_making.pk}"' not in page  # nothing to print yet
    response = client.post("/certificates/print/", {"application": [printable.pk]})
    job = DocumentJob.objects.get(kind=DocumentKind.PRINT_BATCH)
    assert response.status_code == 302 and response.url == f"/documents/{job.pk}/"
    assert job.params["certificate_ids"] == [printable.certificate.pk]


def test_staff_see_the_chain_of_a_reissue(demo, client):
    old = issued(approved())
    new = issued(reissue_of(old))
    client.force_login(user("window_staff"))
    page = client.get(f"/certificates/{new.pk}/").content.decode()
    assert 'id="certificate-chain"' in page and old.number in page and "已作废" in page
    assert old.void_reason in client.get(f"/certificates/{old.pk}/").content.decode()
