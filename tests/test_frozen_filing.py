"""What is filed stays filed: after submission, the applicant's later edits to their profile and
photo (for another draft) change nothing the submitted application shows, prints or certifies."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services as filing
from applications.models import Profile
from applications.sample import png_bytes
from applications.services import SubmitRefused
from certificates.documents import _photos
from tests.filing_helpers import fill_everything
from tests.test_certificates_helpers import approved, issued
from tests.workflow_helpers import start, submitted, user


def _profile_changes_after_submission(applicant):
    profile = Profile.objects.get(user=applicant)
    profile.address = "后来搬去的新地址 99 号"
    profile.ethnicity = "白族"
    profile.photo = SimpleUploadedFile("new.png", png_bytes() + b"later")
    profile.save()


@pytest.fixture
def filed(demo):
    application = submitted("initial_recognition")
    profile = Profile.objects.get(user=application.applicant)
    profile.photo.open("rb")
    original_photo = profile.photo.read()
    profile.photo.close()
    _profile_changes_after_submission(application.applicant)
    return application, original_photo


def test_the_submitted_profile_page_shows_what_was_filed(client, filed):
    application, _photo = filed
    client.force_login(user("applicant"))
    page = client.get(reverse("applications:section", args=[application.pk, "basic"])).content.decode()
    assert "汉族" in page
    assert "白族" not in page and "后来搬去的新地址" not in page


def test_the_submitted_photo_is_the_one_filed(client, filed):
    application, original = filed
    client.force_login(user("applicant"))
    response = client.get(reverse("applications:photo", args=[application.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original


def test_a_draft_still_shows_the_live_profile(client, demo):
    draft = start("initial_recognition")
    Profile.objects.update_or_create(user=draft.applicant, defaults={"ethnicity": "白族"})
    client.force_login(user("applicant"))
    page = client.get(reverse("applications:section", args=[draft.pk, "basic"])).content.decode()
    assert "白族" in page


def test_the_certificate_carries_the_filed_photo(demo):
    application = approved()
    certificate = issued(application)
    filed = application.filed_photo.open("rb").read()
    application.filed_photo.close()
    _profile_changes_after_submission(application.applicant)
    photo = _photos([certificate])[certificate.pk]
    assert photo == "data:image/png;base64," + base64.b64encode(filed).decode()


def test_a_photo_lost_from_storage_refuses_the_submission_at_the_photo(demo):
    """A profile whose photo file is gone from storage (a restore without media, say) is told to
    upload it again; the submission is refused with nothing filed, not a server error."""
    application = fill_everything(start("initial_recognition"))
    profile = Profile.objects.get(user=application.applicant)
    profile.photo.storage.delete(profile.photo.name)
    with pytest.raises(SubmitRefused) as refused:
        filing.application_submit(application=application, user=application.applicant)
    assert any("证件照" in problem for problem in refused.value.problems)
    application.refresh_from_db()
    assert application.submitted_at is None and not application.filed_photo
