"""Materials: type checks from the bytes, storage under server-made names, slots, replace, delete,
download, and who may do what."""

import errno
import io
import logging
import struct
import zipfile
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from applications import materials as services
from applications.models import Application, Material
from applications.sample import pdf_bytes
from portal.catalog.models import Item, Level, MaterialRequirement, Series, TitleName
from portal.organizations.models import Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


# --- files ------------------------------------------------------------------------------------


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
PDF = pdf_bytes()


def zip_bytes(names, *, size: int = 20) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, b"<x/>".ljust(size, b" "))
    return buffer.getvalue()


DOCX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
XLSX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])

FREE, END, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF


def ole_bytes(entries) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors): sector 0 the FAT, sector 1 the directory.

    `entries`: [(name, type, left, right, child)] after the root entry (index 0), whose child is 1.
    """

    def entry(name, kind, left=NOSTREAM, right=NOSTREAM, child=NOSTREAM):
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        raw = encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
        raw = raw.ljust(116, b"\0") + struct.pack("<IQ", END, 0)
        return raw

    directory = entry("Root Entry", 5, child=1) + b"".join(entry(*e) for e in entries)
    directory = directory.ljust(512, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<109I", 0, *([FREE] * 108))
    )
    assert len(header) == 512
    fat = struct.pack("<128I", 0xFFFFFFFD, END, *([FREE] * 126))
    return header + fat + directory


DOC = ole_bytes([("WordDocument", 2)])
XLS = ole_bytes([("Workbook", 2)])


def upload(content: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- data -------------------------------------------------------------------------------------


def make_application(applicant=None) -> Application:
    applicant = applicant or member(Role.APPLICANT)
    unit = applicant.memberships.first().organization
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="zhongji")
    return Application.objects.create(
        applicant=applicant,
        unit=unit,
        item=Item.objects.get(code="evaluation"),
        series=series,
        level=level,
        title=TitleName.objects.get(series=series, level=level),
        year=2026,
    )


@pytest.fixture
def application(catalog):
    return make_application()


@pytest.fixture
def applicant(application):
    return application.applicant


@pytest.fixture
def as_applicant(client, applicant):
    client.force_login(applicant)
    return client


def slot(application, name="身份证复印件") -> MaterialRequirement:
    return services.required_materials(application).get(name=name)


def page_url(application):
    return reverse("applications:materials", args=[application.pk])


def post_upload(client, application, content, name="file.bin", requirement=None, material_name=None):
    data = {"file": upload(content, name)}
    if requirement is not None:
        data["requirement"] = requirement.pk
    if material_name is not None:
        data["name"] = material_name
    return client.post(page_url(application), data)


def stored_files(application) -> list[str]:
    folder = f"materials/{application.pk}"
    try:  # S3 has no directories: listdir of an unknown prefix is empty, on disk it raises.
        return sorted(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return []


def fragment(page: str, element_id: str) -> str:
    """The markup of a slot (up to the next slot) or of a section, from its id on."""
    start = page.index(f'id="{element_id}"')
    ends = [page.find('id="slot-', start + 1), page.index("</section>", start)]
    return page[start : min(e for e in ends if e >= 0)]


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "extension"),
    [(JPEG, ".jpg"), (PNG, ".png"), (PDF, ".pdf"), (DOCX, ".docx"), (XLSX, ".xlsx"), (DOC, ".doc"), (XLS, ".xls")],
)
def test_sniff_judges_by_bytes_not_name(content, extension):
    assert services.sniff(upload(content, "misleading.exe", "text/html")) == (
        extension,
        services.CONTENT_TYPES[extension],
    )


def test_sniff_accepts_pdf_with_leading_bytes_and_old_xls_book_stream():
    assert services.sniff(upload(b"\n\n" + PDF))[0] == ".pdf"
    assert services.sniff(upload(ole_bytes([("Book", 2)])))[0] == ".xls"


def test_doc_with_embedded_workbook_is_a_doc():
    # Root → WordDocument (1), right sibling ObjectPool storage (2) → child Workbook stream (3).
    content = ole_bytes([("WordDocument", 2, NOSTREAM, 2), ("ObjectPool", 1, NOSTREAM, NOSTREAM, 3), ("Workbook", 2)])
    assert services.sniff(upload(content))[0] == ".doc"


GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"MZ\x90\x00" + b"\0" * 200, id="exe"),
        pytest.param(b"<!DOCTYPE html><html><body>hi</body></html>", id="html"),
        pytest.param(SVG, id="svg"),
        pytest.param(GIF, id="gif"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", id="script"),
        pytest.param(b"MZ" + b"\0" * 100 + PDF, id="exe-with-pdf-inside"),
        pytest.param(b"<html>" + PDF, id="html-pdf-polyglot"),
        pytest.param(zip_bytes(["readme.txt", "setup.exe"]), id="zip"),
        pytest.param(zip_bytes(["word/document.xml"]), id="zip-without-content-types"),
        pytest.param(zip_bytes(["[Content_Types].xml", "ppt/presentation.xml"]), id="pptx"),
        pytest.param(b"PK\x03\x04not really a zip", id="broken-zip"),
        pytest.param(ole_bytes([("PowerPoint Document", 2)]), id="ppt"),
        pytest.param(ole_bytes([("WordDocument", 2, NOSTREAM, 2), ("Workbook", 2)]), id="ole-both"),
        pytest.param(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, id="broken-ole"),
        pytest.param(PNG[:40], id="truncated-png"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\0" * 50, id="fake-jpeg"),
    ],
)
def test_sniff_refuses(content):
    with pytest.raises(ValidationError):
        services.sniff(upload(content, "x.pdf", "application/pdf"))


def test_sniff_refuses_unsupported_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        services.sniff(upload(GIF, "photo.jpg"))
    assert error.value.messages == [
        "文件类型不受支持：只接受 JPG、PNG、PDF、DOC/DOCX、XLS/XLSX 文件（按文件内容判断，修改扩展名无效）。"
    ]


def test_zip_bomb_and_macros_refused(monkeypatch):
    monkeypatch.setattr(services, "ZIP_MAX_UNCOMPRESSED", 1000)
    bomb = zip_bytes(["[Content_Types].xml", "word/document.xml"], size=2000)
    with pytest.raises(ValidationError, match="解压后过大"):
        services.sniff(upload(bomb))
    monkeypatch.undo()
    with pytest.raises(ValidationError, match="宏"):
        services.sniff(upload(zip_bytes(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"])))


def test_size_message_and_empty_file():
    big = upload(PDF)
    big.size = int(12.3 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        services.check_upload(big)
    assert error.value.messages == ["文件过大：最大 10 MB，当前 12.3 MB。"]
    with pytest.raises(ValidationError, match="文件为空"):
        services.check_upload(upload(b""))


def test_photo_check():
    assert services.photo_check(upload(JPEG, "me.pdf"))[0] == ".jpg"
    assert services.photo_check(upload(PNG))[0] == ".png"
    for content in (PDF, GIF, b"<html></html>"):
        with pytest.raises(ValidationError) as error:
            services.photo_check(upload(content, "me.jpg", "image/jpeg"))
        assert error.value.messages == ["证件照须为JPG或PNG图片。"]
    with pytest.raises(ValidationError, match="损坏"):
        services.photo_check(upload(PNG[:40], "me.png"))
    big = upload(PNG)
    big.size = 3 * 1024 * 1024
    with pytest.raises(ValidationError, match="证件照过大：最大 2 MB，当前 3 MB"):
        services.photo_check(big)


# --- requirements -----------------------------------------------------------------------------


def test_required_materials_are_the_items_general_and_series_ones(application):
    names = [r.name for r in services.required_materials(application)]
    assert names[0] == "身份证复印件"
    assert "个人综述" in names and "课堂教学评估意见表" in names
    assert names.index("业绩成果材料") < names.index("个人综述")  # general ones first
    for requirement in services.required_materials(application):
        assert requirement.item_id == application.item_id
        assert requirement.series_id in (None, application.series_id)
    other_series = MaterialRequirement.objects.filter(item=application.item).exclude(series=None)
    assert (
        not other_series.exclude(series=application.series)
        .filter(pk__in=services.required_materials(application))
        .exists()
    )


def test_material_slots_in_two_queries(application, django_assert_num_queries):
    services.material_upload(
        application=application, user=application.applicant, upload=upload(PDF), requirement=slot(application)
    )
    with django_assert_num_queries(2):
        slots = services.material_slots(application)
    assert slots[0][0].name == "身份证复印件" and slots[0][1].display_name == "身份证复印件.pdf"
    assert all(material is None for _requirement, material in slots[1:])
    assert [r.name for r in services.missing_required_materials(application)] == [
        r.name for r, m in slots if r.required and m is None
    ]


# --- services ---------------------------------------------------------------------------------


def test_upload_refuses_a_requirement_of_another_series_or_item(application):
    other_series = (
        MaterialRequirement.objects.filter(item=application.item)
        .exclude(series=None)
        .exclude(series=application.series)
    )
    other_item = MaterialRequirement.objects.exclude(item=application.item).first()
    foreign = other_series.first() or other_item
    for requirement in {foreign, other_item}:
        with pytest.raises(ValidationError):
            services.material_upload(
                application=application, user=application.applicant, upload=upload(PDF), requirement=requirement
            )
    assert not Material.objects.exists()


def test_upload_needs_edit_permission(application):
    stranger = member(Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        services.material_upload(application=application, user=stranger, upload=upload(PDF), name="x")
    assert not Material.objects.exists() and stored_files(application) == []


def test_extra_material_name_rules(application):
    user = application.applicant
    material = services.material_upload(application=application, user=user, upload=upload(PDF), name="  获奖证书.pdf ")
    assert material.name == "获奖证书" and material.display_name == "获奖证书.pdf"
    for bad in ("", "   ", "a/b", "a\\b", "证书\u202efdp.exe", "x\ny", "a\x00b", "长" * 101):
        with pytest.raises(ValidationError) as error:
            services.material_upload(application=application, user=user, upload=upload(PDF), name=bad)
        assert "name" in error.value.message_dict
    assert Material.objects.count() == 1 and len(stored_files(application)) == 1


def test_stored_file_removed_when_the_transaction_fails(application, monkeypatch):
    def fail(self, *args, **kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(Material, "save", fail)
    with pytest.raises(ValidationError):
        services.material_upload(
            application=application, user=application.applicant, upload=upload(PDF), requirement=slot(application)
        )
    assert stored_files(application) == []


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "extension"),
    [(JPEG, ".jpg"), (PNG, ".png"), (PDF, ".pdf"), (DOCX, ".docx"), (XLSX, ".xlsx"), (DOC, ".doc"), (XLS, ".xls")],
)
def test_upload_each_accepted_type(as_applicant, application, content, extension):
    requirement = slot(application)
    response = post_upload(as_applicant, application, content, "scan" + extension, requirement)
    assert response.status_code == 302
    assert response.url == page_url(application) + f"#slot-{requirement.pk}"
    material = Material.objects.get(application=application, requirement=requirement)
    assert (material.extension, material.content_type) == (extension, services.CONTENT_TYPES[extension])
    assert material.size == len(content)
    page = as_applicant.get(response.url).content.decode()
    assert f"已上传：身份证复印件{extension}" in page
    assert f"身份证复印件{extension}" in fragment(page, f"slot-{requirement.pk}")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03" + b"\0" * 300, "x.pdf", "文件类型不受支持"),
        (b"<html><body><script>alert(1)</script></body></html>", "photo.png", "文件类型不受支持"),
        (b"", "empty.pdf", "文件为空"),
        (zip_bytes(["a.txt", "b.txt"]), "x.docx", "文件类型不受支持"),
    ],
)
def test_refused_files_show_the_error_at_the_slot(as_applicant, application, content, name, message):
    requirement = slot(application)
    response = post_upload(as_applicant, application, content, name, requirement)
    assert response.status_code == 200
    assert message in fragment(response.content.decode(), f"slot-{requirement.pk}")
    assert not Material.objects.exists() and stored_files(application) == []


def test_too_large_file_refused(as_applicant, application, settings):
    settings.MATERIAL_MAX_BYTES = 1024 * 1024
    requirement = slot(application)
    response = post_upload(as_applicant, application, PDF.ljust(int(1.1 * 1024 * 1024), b" "), "big.pdf", requirement)
    assert "文件过大：最大 1 MB，当前 1.1 MB。" in fragment(response.content.decode(), f"slot-{requirement.pk}")
    assert not Material.objects.exists()
    assert "不超过 1 MB" in response.content.decode()


def test_uploaders_name_never_reaches_the_storage_path(as_applicant, application):
    requirement = slot(application)
    post_upload(as_applicant, application, PDF, "../../x.pdf", requirement)
    material = Material.objects.get()
    assert material.file.name.startswith(f"materials/{application.pk}/")
    stem = material.file.name.rsplit("/", 1)[1]
    assert (
        len(stem) == len("0" * 32 + ".pdf")
        and stem.endswith(".pdf")
        and "x" not in stem.removesuffix(".pdf").strip("0123456789abcdef")
    )
    assert material.original_name == "x.pdf"
    assert stored_files(application) == [material.file.name]

    response = as_applicant.get(reverse("applications:material_download", args=[application.pk, material.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('身份证复印件.pdf')}"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_name_says_pdf_bytes_say_png(as_applicant, application):
    post_upload(as_applicant, application, PNG, "x.pdf", slot(application))
    material = Material.objects.get()
    assert material.display_name == "身份证复印件.png" and material.file.name.endswith(".png")


def test_replace_keeps_one_upload_and_removes_the_old_file(
    as_applicant, application, django_capture_on_commit_callbacks
):
    requirement = slot(application)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(as_applicant, application, PDF, "a.pdf", requirement)
    old = Material.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(as_applicant, application, PNG, "b.png", requirement)
    assert response.status_code == 302
    new = Material.objects.get()
    assert new.pk != old.pk and new.extension == ".png"
    assert stored_files(application) == [new.file.name]


def test_delete_removes_row_and_file_after_commit(as_applicant, application, django_capture_on_commit_callbacks):
    post_upload(as_applicant, application, PDF, "a.pdf", slot(application))
    material = Material.objects.get()
    url = reverse("applications:material_delete", args=[application.pk, material.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_applicant.post(url)
    assert response.status_code == 302 and not Material.objects.exists()
    assert stored_files(application) == [material.file.name]  # not before commit
    for callback in callbacks:
        callback()
    assert stored_files(application) == []
    assert "已删除：身份证复印件.pdf" in as_applicant.get(response.url).content.decode()


def test_extra_materials_upload_and_errors(as_applicant, application):
    response = post_upload(as_applicant, application, DOCX, "论文.docx", material_name="发表论文（一）")
    assert response.status_code == 302 and response.url.endswith("#extras")
    extra = Material.objects.get(requirement=None)
    assert extra.display_name == "发表论文（一）.docx"
    page = as_applicant.get(page_url(application)).content.decode()
    assert "发表论文（一）.docx" in fragment(page, "extras")

    response = post_upload(as_applicant, application, PDF, "a.pdf", material_name="")
    assert "请填写材料名称" in fragment(response.content.decode(), "extras")
    response = post_upload(as_applicant, application, GIF, "a.pdf", material_name="获奖证书")
    page = response.content.decode()
    assert "文件类型不受支持" in fragment(page, "extras") and 'value="获奖证书"' in page
    assert Material.objects.count() == 1


def test_error_at_one_slot_keeps_the_others(as_applicant, application):
    first, second = slot(application), slot(application, "学历学位证书")
    post_upload(as_applicant, application, PDF, "id.pdf", first)
    response = post_upload(as_applicant, application, b"<html></html>", "diploma.pdf", second)
    page = response.content.decode()
    assert "文件类型不受支持" in fragment(page, f"slot-{second.pk}")
    first_row = fragment(page, f"slot-{first.pk}")
    assert "文件类型不受支持" not in first_row and "身份证复印件.pdf" in first_row and "已上传" in first_row
    assert "文件类型不受支持" not in fragment(page, "extras")


def test_tampered_requirement_id_is_a_bad_request(as_applicant, application):
    foreign = MaterialRequirement.objects.exclude(item=application.item).first()
    assert post_upload(as_applicant, application, PDF, "a.pdf", foreign).status_code == 400
    assert not Material.objects.exists()


def test_page_shows_slots_and_missing(as_applicant, application):
    page = as_applicant.get(page_url(application)).content.decode()
    assert 'enctype="multipart/form-data"' in page and f'accept="{services.ACCEPT}"' in page
    assert "缺少" in fragment(page, f"slot-{slot(application).pk}")
    assert "个人综述" in page and "不超过 10 MB" in page
    assert 'class="missing"' in page or " missing" in page


# --- who may do what --------------------------------------------------------------------------


def test_another_applicant_gets_404_everywhere(client, application):
    services.material_upload(application=application, user=application.applicant, upload=upload(PDF), name="x")
    material = Material.objects.get()
    client.force_login(member(Role.APPLICANT))
    assert client.get(page_url(application)).status_code == 404
    assert post_upload(client, application, PDF, "a.pdf", slot(application)).status_code == 404
    assert client.get(reverse("applications:material_download", args=[application.pk, material.pk])).status_code == 404
    assert client.post(reverse("applications:material_delete", args=[application.pk, material.pk])).status_code == 404
    assert Material.objects.filter(pk=material.pk).exists()


def test_material_of_another_application_is_404(as_applicant, application):
    other = make_application()
    theirs = services.material_upload(application=other, user=other.applicant, upload=upload(PDF), name="x")
    for name, method in (("material_download", "get"), ("material_delete", "post")):
        url = reverse(f"applications:{name}", args=[application.pk, theirs.pk])
        assert getattr(as_applicant, method)(url).status_code == 404
    assert Material.objects.filter(pk=theirs.pk).exists()


def test_anonymous_is_sent_to_login(client, application):
    material = services.material_upload(
        application=application, user=application.applicant, upload=upload(PDF), name="x"
    )
    login = reverse("accounts:login")
    for url in (page_url(application), reverse("applications:material_download", args=[application.pk, material.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(login)
    response = client.post(reverse("applications:material_delete", args=[application.pk, material.pk]))
    assert response.status_code == 302 and response.url.startswith(login)


def test_admin_may_view_and_download_but_not_change(client, application):
    material = services.material_upload(
        application=application, user=application.applicant, upload=upload(PDF), name="x"
    )
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(page_url(application)).content.decode()
    assert 'type="file"' not in page and "material-delete" not in page
    download = client.get(reverse("applications:material_download", args=[application.pk, material.pk]))
    assert download.status_code == 200
    response = post_upload(client, application, PDF, "a.pdf", slot(application))
    assert response.status_code == 403 and "只有申报人本人" in response.content.decode()


def test_submitted_application_is_read_only(as_applicant, application):
    material = services.material_upload(
        application=application, user=application.applicant, upload=upload(PDF), requirement=slot(application)
    )
    Application.objects.filter(pk=application.pk).update(state="unit_review")
    application = Application.objects.get(pk=application.pk)
    page = as_applicant.get(page_url(application)).content.decode()
    assert 'type="file"' not in page and "material-delete" not in page and "身份证复印件.pdf" in page

    response = post_upload(as_applicant, application, PNG, "a.png", slot(application))
    assert response.status_code == 403 and "材料不能上传或删除" in response.content.decode()
    response = as_applicant.post(reverse("applications:material_delete", args=[application.pk, material.pk]))
    assert response.status_code == 403
    assert list(Material.objects.all()) == [material] and Material.objects.get().extension == ".pdf"
    with pytest.raises(PermissionDenied):
        services.material_upload(application=application, user=application.applicant, upload=upload(PDF), name="x")
    # The applicant keeps access to their own copy.
    download = as_applicant.get(reverse("applications:material_download", args=[application.pk, material.pk]))
    assert download.status_code == 200


def test_service_rechecks_state_under_lock(application):
    """A stale in-memory application (still a draft) does not let an upload past a submission."""
    stale = Application.objects.get(pk=application.pk)
    Application.objects.filter(pk=application.pk).update(state="unit_review")
    with pytest.raises(PermissionDenied):
        services.material_upload(application=stale, user=stale.applicant, upload=upload(PDF), name="x")
    assert not Material.objects.exists() and stored_files(application) == []


def test_page_queries_do_not_grow_with_materials(as_applicant, application, django_assert_max_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_applicant.get(page_url(application)).status_code == 200
        return len(queries)

    services.material_upload(
        application=application, user=application.applicant, upload=upload(PDF), requirement=slot(application)
    )
    few = count()
    for requirement in list(services.required_materials(application))[1:]:
        services.material_upload(
            application=application, user=application.applicant, upload=upload(PNG), requirement=requirement
        )
    for n in range(5):
        services.material_upload(
            application=application, user=application.applicant, upload=upload(PDF), name=f"其他{n}"
        )
    assert Material.objects.count() > 15
    with django_assert_max_num_queries(few):
        assert as_applicant.get(page_url(application)).status_code == 200


def test_s3_download_is_streamed_under_the_material_name(as_applicant, application, settings):
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="materials-test")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "materials-test",
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "querystring_expire": 300,
                    "signature_version": "s3v4",
                    "file_overwrite": False,
                },
            },
        }
        post_upload(as_applicant, application, PDF, "../../x.pdf", slot(application))
        material = Material.objects.get()
        assert material.file.name.startswith(f"materials/{application.pk}/")
        response = as_applicant.get(reverse("applications:material_download", args=[application.pk, material.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert quote("身份证复印件.pdf") in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]


def test_submission_racing_an_upload_or_delete_answers_403(as_applicant, application, monkeypatch):
    """The view saw a draft; by the time the service locks the row the application was submitted."""
    material = services.material_upload(
        application=application, user=application.applicant, upload=upload(PDF), requirement=slot(application)
    )
    monkeypatch.setattr("applications.views_materials.can_edit_application", lambda user, app: True)
    Application.objects.filter(pk=application.pk).update(state="unit_review")
    response = post_upload(as_applicant, application, PNG, "a.png", slot(application))
    assert response.status_code == 403 and "材料不能上传或删除" in response.content.decode()
    response = as_applicant.post(reverse("applications:material_delete", args=[application.pk, material.pk]))
    assert response.status_code == 403
    assert list(Material.objects.all()) == [material] and stored_files(application) == [material.file.name]


def test_a_full_disk_refuses_the_upload_at_the_field_and_leaves_nothing(as_applicant, application, caplog):
    """ENOSPC half-way through writing: a clear message at the field, the typed name kept, no
    partial file and no row left, and the fault logged."""
    storage_class = type(storages["default"])  # the materials' storage (DefaultStorage)
    written = []
    real_save = storage_class._save

    def fills_up(self, name, content):
        real = real_save(self, name, SimpleUploadedFile("x", b"%PDF-1.4 partial"))  # what got onto the disk
        written.append(real)
        raise OSError(errno.ENOSPC, "No space left on device")

    with mock.patch.object(storage_class, "_save", fills_up), caplog.at_level(logging.WARNING, logger="portal"):
        response = post_upload(as_applicant, application, DOCX, "论文.docx", material_name="发表论文（二）")
    assert response.status_code == 200
    page = response.content.decode()
    assert "存储空间不足" in fragment(page, "extras") and 'value="发表论文（二）"' in page
    assert not Material.objects.exists()
    assert written and not any(default_storage.exists(name) for name in written)
    assert any("ENOSPC" in record.getMessage() for record in caplog.records if record.name.startswith("portal"))
