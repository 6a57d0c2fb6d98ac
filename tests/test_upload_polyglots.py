"""A file must be the format it claims from its first byte to its last: no PDF header after other
content (an HTML page that is also a "PDF"), no data after a JPEG's end marker or a PNG's IEND
chunk (a script, an archive or a phone's "motion photo" video riding along). Plain images,
including progressive JPEGs and ones with an EXIF thumbnail, are still accepted."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from applications import materials
from applications.models import Material, Profile
from applications.sample import pdf_bytes
from tests.test_materials import DOCX, make_application, slot, zip_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("polyglot")
LEADING = "文件开头含有其他内容"
TRAILING = "图片文件末尾附带了其他数据"


def jpeg(**options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def jpeg_with_exif_thumbnail() -> bytes:
    """A JPEG whose APP1 (EXIF) segment carries a whole JPEG of its own, end marker included."""
    thumbnail = jpeg()
    image = Image.new("RGB", (40, 30), (200, 120, 10))
    exif = Image.Exif()
    exif[0x010E] = "扫描件"  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes() + thumbnail)
    data = buffer.getvalue()
    assert data.count(b"\xff\xd9") >= 2
    return data


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def sniff(content: bytes):
    return materials.sniff(SimpleUploadedFile("file.bin", content))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"hello <script>alert(1)</script>\n" + PDF, id="text-then-html-then-pdf"),
        pytest.param(b"\xef\xbb\xbf<html><body>x</body></html>" + PDF, id="bom-html-pdf"),
        pytest.param(b"  <!-- x -->\n" + PDF, id="comment-pdf"),
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + PDF, id="gif-pdf"),
        pytest.param(b"\x00" * 8 + b"JUNK" + PDF, id="nul-junk-pdf"),
    ],
)
def test_pdf_header_after_other_content_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        sniff(content)
    assert caught.value.code == "pdf_leading_data"
    assert LEADING in caught.value.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(jpeg() + b"<?php system($_GET['c']); ?>", id="jpeg-php"),
        pytest.param(jpeg() + zip_bytes(["setup.exe"]), id="jpeg-zip"),
        pytest.param(jpeg() + b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, id="jpeg-motion-photo"),
        pytest.param(jpeg(progressive=True) + b"MZ\x90\x00", id="progressive-jpeg-exe"),
        pytest.param(jpeg_with_exif_thumbnail() + b"<script>", id="exif-jpeg-script"),
        pytest.param(png() + b"<script>alert(1)</script>", id="png-script"),
        pytest.param(png() + DOCX, id="png-docx"),
    ],
)
def test_data_after_the_image_end_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        sniff(content)
    assert caught.value.code == "image_trailing_data"
    assert TRAILING in caught.value.messages[0]


@pytest.mark.parametrize(
    "content,extension",
    [
        pytest.param(jpeg(), ".jpg", id="jpeg"),
        pytest.param(jpeg(progressive=True, quality=70), ".jpg", id="progressive-jpeg"),
        pytest.param(jpeg(quality=90, optimize=True, restart_marker_blocks=1), ".jpg", id="restart-markers"),
        pytest.param(jpeg_with_exif_thumbnail(), ".jpg", id="exif-thumbnail"),
        pytest.param(jpeg() + b"\x00" * 512, ".jpg", id="jpeg-zero-padding"),
        pytest.param(png(), ".png", id="png"),
        pytest.param(PDF, ".pdf", id="pdf"),
        pytest.param(b"\r\n \t" + PDF, ".pdf", id="pdf-after-whitespace"),
    ],
)
def test_plain_files_are_accepted(content, extension):
    assert sniff(content)[0] == extension


def test_jpeg_with_appended_data_is_refused_at_the_material_field(client, catalog):
    application = make_application()
    client.force_login(application.applicant)
    response = client.post(
        reverse("applications:materials", args=[application.pk]),
        {"file": SimpleUploadedFile("scan.jpg", jpeg() + b"<script>"), "requirement": slot(application).pk},
    )
    form = next(row.form for row in response.context["slots"] if row.form is not None)
    assert TRAILING in " ".join(form.errors["file"])
    assert not Material.objects.filter(application=application).exists()


def test_photo_with_appended_data_is_refused_at_the_photo_field(client, catalog):
    application = make_application()
    client.force_login(application.applicant)
    response = client.post(
        reverse("applications:section", args=[application.pk, "basic"]),
        {
            "ethnicity": "汉族",
            "work_start_date": "2010-09-01",
            "wants_express": "0",
            "photo_upload": SimpleUploadedFile("me.png", png() + b"<?php ?>", content_type="image/png"),
        },
    )
    assert TRAILING in " ".join(response.context["form"].errors["photo_upload"])
    profile = Profile.objects.filter(user=application.applicant).first()
    assert profile is None or not profile.photo
