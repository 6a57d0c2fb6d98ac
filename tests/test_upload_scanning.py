"""Every upload (materials, the ID photo) is scanned by ClamAV's daemon before it is accepted; when
the scanner cannot answer, the upload is refused with a message at the field (fail closed).

Most tests talk to the fake clamd of tests/plugins/clamav.py (the protocol, not a shortcut past
it); the realstack ones talk to a real clamd loaded with scripts/clamav/portal-test.ndb."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import materials
from applications.models import Material, Profile
from applications.sample import pdf_bytes, png_bytes
from portal.core import clamav
from tests.plugins.clamav import EICAR
from tests.test_materials import JPEG, make_application, slot, stored_files

pytestmark = pytest.mark.django_db

SCANNER_DOWN = "病毒扫描服务暂时不可用"
INFECTED = "未通过病毒扫描"


@pytest.fixture
def application(catalog):
    return make_application()


@pytest.fixture
def applicant_client(client, application):
    client.force_login(application.applicant)
    return client


def post_material(client, application, content, name="scan.pdf"):
    url = reverse("applications:materials", args=[application.pk])
    return client.post(
        url, {"file": SimpleUploadedFile(name, content), "requirement": slot(application).pk}, follow=False
    )


def field_errors(response, field="file") -> str:
    form = next(row.form for row in response.context["slots"] if row.form is not None)
    return " ".join(form.errors.get(field, []))


def post_photo(client, application, content, name="me.png"):
    return client.post(
        reverse("applications:section", args=[application.pk, "basic"]),
        {
            "ethnicity": "汉族",
            "work_start_date": "2010-09-01",
            "wants_express": "0",
            "photo_upload": SimpleUploadedFile(name, content, content_type="image/png"),
        },
    )


# --- materials --------------------------------------------------------------------------------


def test_every_accepted_material_was_scanned(applicant_client, application, fake_clamd):
    content = pdf_bytes("clean")
    response = post_material(applicant_client, application, content)
    assert response.status_code == 302
    assert Material.objects.filter(application=application).count() == 1
    assert fake_clamd.scanned == [content]


@pytest.mark.parametrize(
    "content,name",
    [
        pytest.param(EICAR, "eicar.com", id="eicar-file"),
        pytest.param(pdf_bytes("x") + EICAR, "scan.pdf", id="eicar-after-a-pdf"),
    ],
)
def test_infected_material_is_refused_at_the_field(applicant_client, application, content, name):
    response = post_material(applicant_client, application, content, name)
    assert response.status_code == 200
    assert INFECTED in field_errors(response)
    assert "Eicar-Test-Signature" in field_errors(response)
    assert not Material.objects.filter(application=application).exists()
    assert stored_files(application) == []


def test_scanner_down_refuses_the_upload(applicant_client, application, settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "no-clamd-here.sock")
    response = post_material(applicant_client, application, pdf_bytes("clean"))
    assert response.status_code == 200
    assert SCANNER_DOWN in field_errors(response)
    assert not Material.objects.filter(application=application).exists()
    assert stored_files(application) == []


@pytest.mark.parametrize(
    "answer",
    ["INSTREAM size limit exceeded. ERROR", "stream: Can't allocate memory ERROR", "UNKNOWN COMMAND", ""],
)
def test_scanner_without_a_verdict_refuses_the_upload(applicant_client, application, fake_clamd, answer):
    fake_clamd.answer = answer
    response = post_material(applicant_client, application, pdf_bytes("clean"))
    assert SCANNER_DOWN in field_errors(response)
    assert not Material.objects.filter(application=application).exists()


def test_stream_longer_than_clamd_takes_is_refused(application, fake_clamd, settings):
    saved = fake_clamd.stream_max_length
    fake_clamd.stream_max_length = 1000
    try:
        with pytest.raises(materials.ValidationError) as caught:
            materials.check_upload(SimpleUploadedFile("big.pdf", pdf_bytes("x" * 5000)))
    finally:
        fake_clamd.stream_max_length = saved
    assert caught.value.code == "scanner_unavailable"


def test_disabled_scanner_is_not_asked(application, fake_clamd, settings):
    settings.CLAMAV_ENABLED = False
    assert materials.check_upload(SimpleUploadedFile("a.pdf", pdf_bytes("x")))[0] == ".pdf"
    assert fake_clamd.scanned == []


# --- the ID photo ------------------------------------------------------------------------------


def test_infected_photo_is_refused_and_the_form_kept(applicant_client, application):
    response = post_photo(applicant_client, application, png_bytes() + EICAR)
    errors = " ".join(response.context["form"].errors["photo_upload"])
    assert INFECTED in errors
    assert 'value="汉族"' in response.content.decode()  # nothing typed is lost
    profile = Profile.objects.filter(user=application.applicant).first()
    assert profile is None or not profile.photo


def test_photo_with_scanner_down_is_refused(applicant_client, application, settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "no-clamd-here.sock")
    response = post_photo(applicant_client, application, png_bytes())
    assert SCANNER_DOWN in " ".join(response.context["form"].errors["photo_upload"])
    profile = Profile.objects.filter(user=application.applicant).first()
    assert profile is None or not profile.photo


def test_clean_photo_is_scanned_and_accepted(applicant_client, application, fake_clamd):
    response = post_photo(applicant_client, application, JPEG, "me.jpg")
    assert response.status_code == 302
    assert Profile.objects.get(user=application.applicant).photo
    assert fake_clamd.scanned == [JPEG]


# --- the client -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer,signature",
    [
        ("stream: OK", None),
        ("stream: Eicar-Test-Signature FOUND", "Eicar-Test-Signature"),
        (
            "stream: Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68) FOUND",
            "Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68)",
        ),
    ],
)
def test_answers_are_read(answer, signature):
    assert clamav.parse_answer(answer).signature == signature


def test_ping(fake_clamd, settings, tmp_path):
    assert clamav.ping()
    settings.CLAMAV_SOCKET = str(tmp_path / "none.sock")
    assert not clamav.ping()


# --- a real clamd --------------------------------------------------------------------------------


@pytest.mark.realstack("clamav")
def test_real_clamd_refuses_eicar_and_accepts_clean_files(applicant_client, application):
    assert clamav.ping()
    response = post_material(applicant_client, application, EICAR, "eicar.com")
    assert INFECTED in field_errors(response)
    assert not Material.objects.filter(application=application).exists()

    assert not clamav.scan_stream(SimpleUploadedFile("a.pdf", pdf_bytes("clean"))).signature
    assert clamav.scan_stream(SimpleUploadedFile("b.pdf", pdf_bytes("x") + EICAR)).signature
    response = post_material(applicant_client, application, pdf_bytes("clean"))
    assert response.status_code == 302
    assert Material.objects.filter(application=application).count() == 1
