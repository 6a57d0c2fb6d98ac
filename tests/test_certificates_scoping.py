"""Every certificate and document URL as the people who must NOT get at this applicant's papers:
another applicant, the HR officer of another unit, the reviewer of another department, window staff
and bureau approvers of another region. Each gets a 404 for the object (no hint it exists), and
their own lists and queues never show it. (The roles in scope: tests/test_certificates_access.py.)"""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import DocumentJob, DocumentKind
from portal.catalog.models import Committee
from portal.organizations.models import Organization, OrgKind
from tests.factories import DepartmentFactory, OrganizationFactory, UnitFactory, member
from tests.test_certificates_helpers import another_applicant, approved, issued
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_applicant", "other_unit_hr", "other_dept_reviewer", "other_window_staff", "other_bureau_approver"]


@pytest.fixture
def papers(demo, django_capture_on_commit_callbacks, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 100
    application = approved()
    certificate = issued(application)
    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    committee = Committee.objects.filter(is_active=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        jobs = {
            "certificate": certificate.document_jobs.get(),
            "receipt": services.receipt_job_request(application=application),
            "form": services.form_job_ensure(application=application, user=application.applicant),
            "batch": services.print_batch_request(user=user("window_staff"), application_ids=[application.pk]),
            "roster": services.department_job_create(
                user=user("dept_reviewer"), kind=DocumentKind.ROSTER, department=department, year=application.year
            ),
            "commission": services.department_job_create(
                user=user("dept_reviewer"),
                kind=DocumentKind.COMMISSION,
                department=department,
                year=application.year,
                committee=committee,
            ),
        }
    people = {
        "other_applicant": another_applicant("王芳"),
        "other_unit_hr": member("unit_hr", UnitFactory(parent=department, region=application.unit.region)),
        "other_dept_reviewer": member("dept_reviewer", DepartmentFactory()),
        "other_window_staff": member("window_staff", OrganizationFactory(kind=OrgKind.WINDOW)),
        "other_bureau_approver": member("bureau_approver", OrganizationFactory(kind=OrgKind.BUREAU)),
    }
    return {"application": application, "certificate": certificate, "jobs": jobs, "people": people}


def object_urls(papers):
    certificate, application = papers["certificate"], papers["application"]
    urls = [
        ("get", reverse("certificates:detail", args=[certificate.pk])),
        ("get", reverse("certificates:pdf", args=[certificate.pk])),
        ("post", reverse("certificates:handover", args=[certificate.pk])),
        ("post", reverse("certificates:issue_now", args=[application.pk])),
        ("get", reverse("certificates:receipt", args=[application.pk])),
        ("get", reverse("certificates:form", args=[application.pk])),
    ]
    for job in papers["jobs"].values():
        for name in ("job", "job_status", "job_download"):
            urls.append(("get", reverse(f"certificates:{name}", args=[job.pk])))
        urls.append(("post", reverse("certificates:job_retry", args=[job.pk])))
    return urls


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_every_object(client, papers, who):
    client.force_login(papers["people"][who])
    jobs_before = DocumentJob.objects.count()
    for method, url in object_urls(papers):
        data = {"collected_by": "张伟"} if "handover" in url else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, method, url, response.status_code)
    assert DocumentJob.objects.count() == jobs_before
    assert not papers["certificate"].print_logs.exclude(job=papers["jobs"]["batch"]).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_lists_never_show_these_papers(client, papers, who):
    client.force_login(papers["people"][who])
    number, name = papers["certificate"].number, "张伟"
    for url_name in ("print_queue", "jobs", "department_documents"):
        response = client.get(reverse(f"certificates:{url_name}"))
        assert response.status_code in (200, 404), (who, url_name)
        page = response.content.decode()
        assert number not in page and name not in page, (who, url_name)
        assert "五华区人力资源和社会保障局" not in page or url_name != "department_documents", who


def test_another_window_cannot_print_or_hand_over_here(client, papers):
    client.force_login(papers["people"]["other_window_staff"])
    jobs_before = DocumentJob.objects.count()
    response = client.post(reverse("certificates:print_queue"), {"application": [papers["application"].pk]})
    assert response.status_code == 400
    assert "所选申报中有不存在或不在本窗口服务范围内的" in response.content.decode()
    assert DocumentJob.objects.count() == jobs_before


def test_another_department_cannot_make_this_departments_documents(client, papers):
    client.force_login(papers["people"]["other_dept_reviewer"])
    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    jobs_before = DocumentJob.objects.count()
    response = client.post(
        reverse("certificates:department_documents"),
        {"department": department.pk, "year": papers["application"].year, "kind": DocumentKind.ROSTER},
    )
    assert response.status_code == 400 and DocumentJob.objects.count() == jobs_before
    assert "选择一个有效的选项" in response.content.decode()
