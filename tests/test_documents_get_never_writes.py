"""Opening a document's address never creates a job: a GET shows the existing document or a
button that asks for it; only the POST of that button starts the work."""

import pytest
from django.urls import reverse

from certificates.models import DocumentJob, DocumentKind
from tests.test_certificates_helpers import approved
from tests.workflow_helpers import user


@pytest.fixture
def application(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return approved()


def test_opening_the_form_address_creates_no_job(client, application):
    client.force_login(user("applicant"))
    before = DocumentJob.objects.filter(kind=DocumentKind.FORM).count()
    response = client.get(reverse("certificates:form", args=[application.pk]))
    assert DocumentJob.objects.filter(kind=DocumentKind.FORM).count() == before
    assert response.status_code == 200
    assert "生成" in response.content.decode()


def test_posting_the_form_button_starts_one_job_and_a_get_then_finds_it(client, application):
    client.force_login(user("applicant"))
    url = reverse("certificates:form", args=[application.pk])
    first = client.post(url)
    job = DocumentJob.objects.get(kind=DocumentKind.FORM, application=application)
    assert first.status_code == 302 and first.url == reverse("certificates:job", args=[job.pk])
    again = client.get(url)
    assert again.status_code == 302 and again.url == first.url
    assert client.post(url).url == first.url
    assert DocumentJob.objects.filter(kind=DocumentKind.FORM, application=application).count() == 1


def test_opening_the_receipt_address_creates_no_job(client, application):
    DocumentJob.objects.filter(kind=DocumentKind.RECEIPT).delete()  # an older file, never rendered
    client.force_login(user("applicant"))
    response = client.get(reverse("certificates:receipt", args=[application.pk]))
    assert response.status_code == 200
    assert not DocumentJob.objects.filter(kind=DocumentKind.RECEIPT).exists()
    created = client.post(reverse("certificates:receipt", args=[application.pk]))
    job = DocumentJob.objects.get(kind=DocumentKind.RECEIPT, application=application)
    assert created.url == reverse("certificates:job", args=[job.pk])
