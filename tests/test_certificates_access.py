"""Every certificate and document URL, as every role: who gets the page or the file, who gets a
404 (no hint that the object exists), and that anonymous visitors are sent to log in."""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import DocumentKind
from portal.accounts.models import User
from portal.organizations.models import Organization
from tests.test_certificates_helpers import another_applicant, approved, issued
from tests.workflow_helpers import DEMO

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "unit_hr",
    "dept_reviewer",
    "window_staff",
    "bureau_approver",
    "admin",
]
LOGIN = "/accounts/login/"


@pytest.fixture
def world(demo, django_capture_on_commit_callbacks, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 100
    application = approved()
    certificate = issued(application)
    users = {role: User.objects.get(mobile=mobile) for role, mobile in DEMO.items()}
    users["other_applicant"] = another_applicant("王芳")
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.receipt_job_request(application=application)
        batch = services.print_batch_request(user=users["window_staff"], application_ids=[application.pk])
        roster = services.department_job_create(
            user=users["dept_reviewer"],
            kind=DocumentKind.ROSTER,
            department=Organization.objects.get(name="五华区人力资源和社会保障局"),
            year=application.year,
        )
    certificate_job = certificate.document_jobs.get()
    return {
        "users": users,
        "application": application,
        "certificate": certificate,
        "jobs": {"certificate": certificate_job, "receipt": receipt, "batch": batch, "roster": roster},
    }


def request_as(client, world, role, method, url, data=None):
    client.logout()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return getattr(client, method)(url, data or {})


def check(client, world, method, url, allowed: dict, *, denied=404, data=None):
    """`allowed` maps role → expected status; every other logged-in role gets `denied`."""
    for role in ROLES:
        response = request_as(client, world, role, method, url, data)
        if role == "anonymous" and "anonymous" not in allowed:
            assert response.status_code == 302 and response.url.startswith(LOGIN), (url, role)
            continue
        expected = allowed.get(role, denied)
        assert response.status_code == expected, (method, url, role, response.status_code)


CERTIFICATE_READERS = {"applicant": 200, "window_staff": 200, "bureau_approver": 200, "admin": 200}
APPLICATION_READERS = {
    role: 302 for role in ("applicant", "unit_hr", "dept_reviewer", "window_staff", "bureau_approver", "admin")
}


def test_public_verification_for_everyone(client, world):
    everyone = dict.fromkeys(ROLES, 200)
    certificate = world["certificate"]
    check(client, world, "get", reverse("certificates:verify"), everyone)
    check(client, world, "post", reverse("certificates:verify"), everyone, data={"number": "x", "name": "y"})
    check(client, world, "get", reverse("certificates:verify_token", args=[certificate.verify_token]), everyone)


def test_print_queue_only_for_window_staff(client, world):
    check(client, world, "get", reverse("certificates:print_queue"), {"window_staff": 200})
    check(
        client,
        world,
        "post",
        reverse("certificates:issue_now", args=[world["application"].pk]),
        {"window_staff": 302, "admin": 302},
    )


def test_certificate_pages_for_holder_and_staff_in_scope(client, world):
    pk = world["certificate"].pk
    check(client, world, "get", reverse("certificates:detail", args=[pk]), CERTIFICATE_READERS)
    check(client, world, "get", reverse("certificates:pdf", args=[pk]), CERTIFICATE_READERS)
    check(
        client,
        world,
        "post",
        reverse("certificates:handover", args=[pk]),
        # Those who may record it get the form back with its error (nothing is saved, so the
        # order of the roles does not matter); everyone else a 404.
        {"window_staff": 400, "admin": 400},
        data={"collected_by": ""},
    )


def test_job_pages_per_kind(client, world):
    jobs = world["jobs"]
    readers = {
        "certificate": CERTIFICATE_READERS,
        "receipt": {
            role: 200 for role in ("applicant", "unit_hr", "dept_reviewer", "window_staff", "bureau_approver", "admin")
        },
        "batch": {"window_staff": 200, "admin": 200},
        "roster": {"dept_reviewer": 200, "admin": 200},
    }
    for kind, job in jobs.items():
        for name in ("certificates:job", "certificates:job_status", "certificates:job_download"):
            check(client, world, "get", reverse(name, args=[job.pk]), readers[kind])
        check(
            client,
            world,
            "post",
            reverse("certificates:job_retry", args=[job.pk]),
            {role: 302 for role in readers[kind]},
        )


def test_job_list_for_staff(client, world):
    staff = {"dept_reviewer": 200, "window_staff": 200, "bureau_approver": 200, "admin": 200}
    check(client, world, "get", reverse("certificates:jobs"), staff)


def test_application_documents_for_those_who_see_the_application(client, world):
    pk = world["application"].pk
    check(client, world, "get", reverse("certificates:receipt", args=[pk]), APPLICATION_READERS)
    # The form was never asked for: a GET offers the button (and starts nothing), a POST starts it.
    check(client, world, "get", reverse("certificates:form", args=[pk]), dict.fromkeys(APPLICATION_READERS, 200))
    check(client, world, "post", reverse("certificates:form", args=[pk]), APPLICATION_READERS)
    check(client, world, "post", reverse("certificates:receipt", args=[pk]), APPLICATION_READERS)


def test_department_documents_for_department_reviewers(client, world):
    url = reverse("certificates:department_documents")
    check(client, world, "get", url, {"dept_reviewer": 200, "admin": 200})


def test_files_are_streamed_with_their_names(client, world):
    client.force_login(world["users"]["applicant"])
    response = client.get(reverse("certificates:pdf", args=[world["certificate"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        "inline" in response["Content-Disposition"] and world["certificate"].number in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world["users"]["dept_reviewer"])
    roster = client.get(reverse("certificates:job_download", args=[world["jobs"]["roster"].pk]))
    assert roster.status_code == 200 and "attachment" in roster["Content-Disposition"]
    assert roster["Content-Type"].startswith("application/vnd.openxmlformats")
