"""Sample filings: a complete application with small generated files. Used by the demo data
set (scripts/run shows reviewers applications waiting in their queues) and by the tests."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.catalog.models import Level

from .materials import material_slots, material_upload
from .models import (
    Assessment,
    Commitment,
    ContinuingEducation,
    CurrentTitle,
    Education,
    Profile,
    Statement,
    StudyHistory,
    WorkHistory,
)


def png_bytes() -> bytes:

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes(text: str = "materials") -> bytes:
    """A small well-formed one-page PDF (a cross-reference table, as real ones have); `text` makes
    files differ, in a comment."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    body = bytearray(b"%PDF-1.4\n%" + text.encode("utf-8", errors="replace").replace(b"\n", b" ") + b"\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(body)


def record_row(application, model, **fields):
    """A row of the applicant's record (个人业务档案), used by `application`."""
    row, _created = model.objects.get_or_create(person_id=application.applicant_id, **fields)
    row.applications.add(application)
    return row


def fill_sample_application(
    application, *, degree=Education.Degree.BENKE, graduated=datetime.date(2008, 7, 1), materials=True
):
    """Fill every required section directly (the page tests cover the forms themselves); with
    `materials`, upload the required materials through the upload service too."""
    user = application.applicant
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "ethnicity": "汉族",
            "politics": "masses",
            "work_start_date": graduated + datetime.timedelta(days=30),
            "photo": SimpleUploadedFile("p.png", png_bytes()),
        },
    )
    CurrentTitle.objects.update_or_create(
        application=application,
        defaults={
            "has_title": True,
            "series_name": "中小学教师",
            "level": Level.objects.get(code="zhongji"),
            "title_name": "一级教师",
            "obtained_on": datetime.date(2015, 9, 1),
            "obtained_by": "evaluation",
        },
    )
    record_row(
        application,
        Education,
        degree=degree,
        school="云南师范大学",
        major="数学与应用数学",
        start_date=graduated.replace(year=graduated.year - 4, month=9),
        graduation_date=graduated,
    )
    record_row(
        application,
        StudyHistory,
        start_date=datetime.date(2001, 9, 1),
        end_date=datetime.date(2004, 7, 1),
        school="昆明一中",
        stage="高中",
    )
    record_row(
        application,
        WorkHistory,
        start_date=graduated + datetime.timedelta(days=30),
        employer="昆明市第一中学",
        post="数学教师",
    )
    for kind in ("summary", "main_work"):
        Statement.objects.create(application=application, kind=kind, text="认真履行教师职责，" * 30)
    year = application.year
    for y in range(year - 5, year):
        record_row(application, ContinuingEducation, year=y, total_hours=80, public_hours=30)
        record_row(application, Assessment, year=y, result="competent")
    Commitment.objects.create(application=application, text_version="2026-1", text="承诺")
    if materials:
        upload_required_materials(application)
    return application


def upload_required_materials(application):

    for requirement, upload in material_slots(application):
        if requirement.required and upload is None:
            material_upload(
                application=application,
                user=application.applicant,
                upload=SimpleUploadedFile("scan.pdf", pdf_bytes(requirement.name)),
                requirement=requirement,
            )
