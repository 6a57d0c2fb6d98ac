"""The embedded stack renders documents in the web process's background thread
(DOCUMENTS_IN_BACKGROUND, portal/core/background.py): accepting or approving answers while the
PDF is still being made, the job page shows its progress, and the job completes after. The
renderer is held on an Event, so "before the render finishes" is a fact of the test, not a time."""

import threading

import pytest
from django.urls import reverse

from applications.models import State
from certificates import documents
from certificates.models import Certificate, DocumentJob, DocumentKind, JobStatus
from portal.core import background
from tests.test_certificates_helpers import another_applicant
from tests.workflow_helpers import at, step, user

# Transactional: the background thread reads and writes through a connection of its own, which
# sees only what was committed (as in production).
pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 60  # seconds an Event may take before the test fails instead of hanging


class HeldRenderer:
    """Wraps a renderer: reports 40 %, says it started, waits to be released, then renders."""

    def __init__(self, original):
        self.original = original
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []

    def __call__(self, job, progress):
        progress(40)
        self.threads.append(threading.current_thread().name)
        self.started.set()
        assert self.release.wait(WAIT), "the test never released the renderer"
        return self.original(job, progress)


def hold(monkeypatch, kind) -> HeldRenderer:
    held = HeldRenderer(documents.RENDERERS[kind])
    monkeypatch.setitem(documents.RENDERERS, kind, held)
    return held


def gate() -> threading.Event:
    """Hold the background thread before anything submitted after this call: the test's own
    connection then never races the thread's (the in-memory test database locks whole tables)."""
    opened, holding = threading.Event(), threading.Event()

    def wait():
        holding.set()
        assert opened.wait(WAIT), "the test never opened the gate"

    background.submit(wait)
    assert holding.wait(WAIT)
    return opened


def drain() -> None:
    """Wait until the background thread has run everything submitted before (it runs in order)."""
    done = threading.Event()
    background.submit(done.set)
    assert done.wait(WAIT), "the background thread did not finish its work"


@pytest.fixture
def in_background(settings, catalog):
    settings.DOCUMENTS_IN_BACKGROUND = True
    yield
    drain()  # nothing of this test left running into the next


def test_accepting_answers_before_the_receipt_is_rendered(client, demo, in_background, monkeypatch):
    held = hold(monkeypatch, DocumentKind.RECEIPT)
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    client.force_login(user("window_staff"))
    opened = gate()

    response = client.post(
        reverse("reviews:decide", args=[application.pk]),
        {"step": "window_accept", "opinion": "", "expected_state": State.WINDOW_INTAKE},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.BUREAU_APPROVAL and application.acceptance_number
    job = DocumentJob.objects.get(key=f"receipt:{application.pk}")
    assert job.status == JobStatus.PENDING and job.queued_at and not job.file  # handed on, not made

    opened.set()
    assert held.started.wait(WAIT)
    assert held.threads == ["portal-background"]  # not the thread that answered the request
    client.force_login(application.applicant)
    page = client.get(reverse("certificates:job", args=[job.pk])).content.decode()
    assert 'value="40"' in page and "40%" in page and 'hx-trigger="every 1s"' in page  # progress, polling

    held.release.set()
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.file and job.filename.endswith(".pdf"), job.error
    page = client.get(reverse("certificates:job", args=[job.pk])).content.decode()
    assert 'id="job-download"' in page


def test_approving_answers_before_the_certificate_is_rendered(client, demo, in_background, monkeypatch):
    held = hold(monkeypatch, DocumentKind.CERTIFICATE)
    application = at(State.BUREAU_APPROVAL, "initial_recognition")
    client.force_login(user("bureau_approver"))
    opened = gate()

    response = client.post(
        reverse("reviews:decide", args=[application.pk]),
        {"step": "bureau_approve", "opinion": "同意", "expected_state": State.BUREAU_APPROVAL},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.APPROVED
    job = DocumentJob.objects.get(key=f"certificate:{application.pk}")
    assert (
        job.status == JobStatus.PENDING
        and not job.file
        and not Certificate.objects.filter(application=application).exists()
    )
    opened.set()
    assert held.started.wait(WAIT)
    held.release.set()
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.certificate_id and job.file, job.error


def test_a_failing_render_is_recorded_and_the_next_job_still_runs(demo, in_background, monkeypatch):
    original = documents.RENDERERS[DocumentKind.RECEIPT]
    calls = []

    def fails_first(job, progress):
        calls.append(job.pk)
        if len(calls) == 1:
            raise RuntimeError("字体缺失")
        return original(job, progress)

    monkeypatch.setitem(documents.RENDERERS, DocumentKind.RECEIPT, fails_first)
    opened = gate()
    first = step(at(State.WINDOW_INTAKE, "initial_recognition"), "window_staff", "window_accept", "")
    second = step(
        at(State.WINDOW_INTAKE, "initial_recognition", another_applicant()), "window_staff", "window_accept", ""
    )
    opened.set()
    drain()
    failed = DocumentJob.objects.get(key=f"receipt:{first.pk}")
    assert failed.status == JobStatus.FAILED and "字体缺失" in failed.error
    done = DocumentJob.objects.get(key=f"receipt:{second.pk}")
    assert done.status == JobStatus.DONE and done.file, done.error
