import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Education, Profile, State, WorkHistory
from portal.catalog.models import ApplicationWindow, Committee, Item, Level, Series, TitleName
from tests.factories import UnitFactory, member
from tests.filing_helpers import fill_everything, open_window, teacher_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(catalog):
    return member("applicant", UnitFactory(), real_name="杨老师")


@pytest.fixture
def application(applicant):
    return teacher_evaluation(applicant)


def section_url(application, key):
    return reverse("applications:section", args=[application.pk, key])


def test_start_offers_open_committees_and_shows_closed_ones_with_dates(client, applicant):
    series = Series.objects.get(name="中小学教师")
    level = Level.objects.get(code="fugao")
    committees = list(Committee.objects.filter(series=series, grade="senior"))
    open_window(committees[0])
    closed = committees[1] if len(committees) > 1 else None
    if closed:
        now = timezone.now()
        ApplicationWindow.objects.create(
            name="已截止",
            committee=closed,
            year=now.year,
            opens_at=now - datetime.timedelta(days=60),
            closes_at=now - datetime.timedelta(days=1),
        )
    client.force_login(applicant)
    item = Item.objects.get(code="evaluation")
    response = client.get(reverse("applications:start"), {"item": item.pk, "series": series.pk, "level": level.pk})
    form = response.context["form"]
    assert list(form.fields["committee"].queryset) == [committees[0]]
    if closed:
        assert closed.name in response.content.decode()
        assert "申报时间" in response.content.decode()
    title = TitleName.objects.get(series=series, level=level)
    response = client.post(
        reverse("applications:start"),
        {"item": item.pk, "series": series.pk, "level": level.pk, "title": title.pk, "committee": committees[0].pk},
    )
    application = Application.objects.get(applicant=applicant)
    assert response.url == section_url(application, "basic")
    assert application.state == State.DRAFT and application.window is not None

    # A second open application for the same item and title is refused.
    response = client.post(
        reverse("applications:start"),
        {"item": item.pk, "series": series.pk, "level": level.pk, "title": title.pk, "committee": committees[0].pk},
    )
    assert "请继续办理该申报" in response.content.decode()
    assert Application.objects.filter(applicant=applicant).count() == 1


def test_civil_servants_cannot_start(client, applicant):
    Profile.objects.create(user=applicant, is_civil_servant=True)
    client.force_login(applicant)
    response = client.get(reverse("applications:start"))
    assert "公务员" in response.content.decode()


def test_rows_add_keeps_everything_typed(client, application):
    client.force_login(application.applicant)
    data = {
        "education-TOTAL_FORMS": "1",
        "education-INITIAL_FORMS": "0",
        "education-0-degree": "3",
        "education-0-school": "云南大学",
        "education-0-major": "物理学",
        "education-0-start_date": "2004-09-01",
        "education-0-graduation_date": "2008-07-01",
        "action": "add",
    }
    response = client.post(section_url(application, "education"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="云南大学"' in page and 'name="education-1-school"' in page
    assert "errorlist" not in page
    assert not Education.objects.exists()


def test_bad_dates_are_refused_at_the_field_and_nothing_is_saved(client, application):
    client.force_login(application.applicant)
    birth = application.applicant.birth_date
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    data = {
        "education-TOTAL_FORMS": "3",
        "education-INITIAL_FORMS": "0",
        # graduation before birth
        "education-0-degree": "3",
        "education-0-school": "甲大学",
        "education-0-major": "数学",
        "education-0-start_date": (birth - datetime.timedelta(days=3000)).isoformat(),
        "education-0-graduation_date": (birth - datetime.timedelta(days=10)).isoformat(),
        # graduation before start
        "education-1-degree": "3",
        "education-1-school": "乙大学",
        "education-1-major": "数学",
        "education-1-start_date": "2010-09-01",
        "education-1-graduation_date": "2008-07-01",
        # in the future
        "education-2-degree": "5",
        "education-2-school": "丙大学",
        "education-2-major": "数学",
        "education-2-start_date": "2010-09-01",
        "education-2-graduation_date": future,
        "action": "save",
    }
    response = client.post(section_url(application, "education"), data)
    formset = response.context["formset"]
    assert "出生日期" in str(formset.forms[0].errors)
    assert "不能早于入学时间" in str(formset.forms[1].errors["graduation_date"])
    assert "不能晚于今天" in str(formset.forms[2].errors["graduation_date"])
    assert 'value="丙大学"' in response.content.decode()
    assert not Education.objects.exists()


def test_work_history_gap_needs_explanation_and_one_current_post(client, application):
    client.force_login(application.applicant)
    base = {
        "work-TOTAL_FORMS": "2",
        "work-INITIAL_FORMS": "0",
        "work-0-start_date": "2008-08-01",
        "work-0-end_date": "2012-06-30",
        "work-0-employer": "甲中学",
        "work-0-post": "教师",
        "work-0-is_professional": "on",
        "work-1-start_date": "2013-03-01",
        "work-1-employer": "昆明市第一中学",
        "work-1-post": "教师",
        "work-1-is_professional": "on",
        "action": "save",
    }
    response = client.post(section_url(application, "work"), base)
    assert "请说明原因" in str(response.context["formset"].forms[1].errors["gap_explanation"])
    assert not WorkHistory.objects.exists()
    response = client.post(section_url(application, "work"), {**base, "work-1-gap_explanation": "脱产进修"})
    assert response.status_code == 302
    assert WorkHistory.objects.filter(applications=application).count() == 2

    two_current = {**base, "work-0-end_date": "", "work-1-gap_explanation": "x"}
    two_current["work-INITIAL_FORMS"] = "0"
    WorkHistory.objects.all().delete()
    response = client.post(section_url(application, "work"), two_current)
    assert "只有现任岗位可以不填结束时间" in str(response.context["formset"].forms[0].errors)


def test_impossible_hours(client, application):
    client.force_login(application.applicant)
    data = {
        "training-TOTAL_FORMS": "2",
        "training-INITIAL_FORMS": "0",
        "training-0-year": str(application.year - 1),
        "training-0-total_hours": "5000",
        "training-0-public_hours": "10",
        "training-1-year": str(application.year - 2),
        "training-1-total_hours": "40",
        "training-1-public_hours": "60",
        "action": "save",
    }
    formset = client.post(section_url(application, "training"), data).context["formset"]
    assert "学时不合理" in str(formset.forms[0].errors["total_hours"])
    assert "不能超过总学时" in str(formset.forms[1].errors["public_hours"])


def test_photo_that_is_not_an_image_is_refused(client, application):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(application.applicant)
    response = client.post(
        section_url(application, "basic"),
        {
            "ethnicity": "汉族",
            "work_start_date": "2008-08-01",
            "wants_express": "0",
            "photo_upload": SimpleUploadedFile(
                "me.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
            ),
        },
    )
    assert "photo_upload" in response.context["form"].errors
    assert 'value="汉族"' in response.content.decode()
    assert not Profile.objects.get(user=application.applicant).ethnicity


def test_checklist_goes_to_zero_and_submit_freezes(client, application, django_assert_max_num_queries):
    client.force_login(application.applicant)
    response = client.get(reverse("applications:checklist", args=[application.pk]))
    assert len(response.context["missing"]) > 5
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    assert "请至少填写" in response.content.decode() or "缺少材料" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT

    fill_everything(application)
    response = client.get(reverse("applications:checklist", args=[application.pk]))
    assert response.context["missing"] == []
    assert response.context["result"].qualified

    client.post(reverse("applications:submit", args=[application.pk]))
    client.post(reverse("applications:submit", args=[application.pk]))  # a double click
    application.refresh_from_db()
    assert application.state == State.UNIT_REVIEW
    assert application.filed_content["education"][0]["school"] == "云南师范大学"
    assert application.eligibility["qualified"] is True
    # Frozen: the section pages refuse writes.
    response = client.post(section_url(application, "summary"), {"text": "改" * 200})
    assert response.status_code == 403


def test_submit_after_the_window_closed_is_refused_on_the_server(client, application):
    fill_everything(application)
    ApplicationWindow.objects.filter(pk=application.window_id).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(application.applicant)
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    assert "申报时间已截止" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT
    # The draft stays readable.
    assert client.get(section_url(application, "education")).status_code == 200


def test_filed_copy_zip(client, application):
    fill_everything(application)
    client.force_login(application.applicant)
    client.post(reverse("applications:submit", args=[application.pk]))
    response = client.get(reverse("applications:filed_copy", args=[application.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "申报信息.html" in names and "申报信息.json" in names
    assert any(name.endswith("身份证复印件.pdf") for name in names)
    assert "云南师范大学" in archive.read("申报信息.html").decode()


def test_other_people_get_404(client, application):
    fill_everything(application)
    stranger = member("applicant", UnitFactory())
    client.force_login(stranger)
    for url in [
        section_url(application, "basic"),
        reverse("applications:checklist", args=[application.pk]),
        reverse("applications:filed_copy", args=[application.pk]),
        reverse("applications:photo", args=[application.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("applications:submit", args=[application.pk])).status_code == 404
    material = application.materials.first()
    assert client.get(reverse("applications:material_download", args=[application.pk, material.pk])).status_code == 404


@pytest.mark.parametrize("key", ["basic", "education", "work", "papers", "training", "commitment"])
def test_section_queries_do_not_grow_with_rows_elsewhere(client, application, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill_everything(application)
    client.force_login(application.applicant)
    client.get(section_url(application, key))
    with CaptureQueriesContext(connection) as before:
        assert client.get(section_url(application, key)).status_code == 200
    for _ in range(3):
        fill_everything(teacher_evaluation(member("applicant", UnitFactory())))
    with CaptureQueriesContext(connection) as after:
        assert client.get(section_url(application, key)).status_code == 200
    assert len(after) == len(before) <= 30


def test_blacklisted_applicant_is_refused_at_submit_with_the_end_date(client, application):
    from applications.models import Blacklist

    fill_everything(application)
    user = application.applicant
    decided = timezone.localdate() - datetime.timedelta(days=100)
    Blacklist.objects.create(
        id_number=user.id_number,
        real_name=user.real_name,
        reason="提供虚假论文",
        decided_on=decided,
        ends_on=decided.replace(year=decided.year + 3),
    )
    client.force_login(user)
    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    page = response.content.decode()
    assert "提供虚假论文" in page and str(decided.year + 3) in page
    application.refresh_from_db()
    assert application.state == State.DRAFT
