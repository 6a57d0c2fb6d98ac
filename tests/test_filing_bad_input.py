"""Bad input on the filing pages, beyond test_filing.py: every dated form, impossible numbers,
double-clicked saves and uploads, tampered formsets, photo attacks, queries per section page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import models as m
from applications import tasks
from applications.held_uploads import HELD_UPLOAD_HOURS, hold, release_stale
from applications.sample import pdf_bytes, png_bytes, record_row
from tests.factories import UnitFactory, member
from tests.filing_helpers import teacher_evaluation

pytestmark = pytest.mark.django_db

FUTURE = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()


@pytest.fixture
def application(catalog):
    return teacher_evaluation(member("applicant", UnitFactory(), real_name="杨老师"))


@pytest.fixture
def applicant_client(client, application):
    client.force_login(application.applicant)
    return client


def url(application, key):
    return reverse("applications:section", args=[application.pk, key])


def rows_post(key, rows, *, initial=0, action="save"):
    data = {f"{key}-TOTAL_FORMS": str(len(rows)), f"{key}-INITIAL_FORMS": str(initial), "action": action}
    for i, row in enumerate(rows):
        data.update({f"{key}-{i}-{name}": value for name, value in row.items()})
    return data


EDUCATION = {
    "degree": "3",
    "school": "云南大学",
    "major": "物理学",
    "start_date": "2004-09-01",
    "graduation_date": "2008-07-01",
}


# --- every dated form refuses a future date at the field, and saves nothing --------------------

ROWS_WITH_A_FUTURE_DATE = [
    ("study", m.StudyHistory, {"start_date": "2001-09-01", "end_date": FUTURE, "school": "一中", "stage": "高中"}),
    ("work", m.WorkHistory, {"start_date": FUTURE, "employer": "一中", "post": "教师"}),
    ("projects", m.Project, {"name": "课题", "role": "主持", "start_date": FUTURE}),
    ("patents", m.Patent, {"name": "专利", "number": "ZL1", "kind": "发明", "granted_on": FUTURE, "rank": "1"}),
    ("awards", m.Award, {"name": "奖", "grade": "省级", "awarded_by": "省厅", "awarded_on": FUTURE, "rank": "1"}),
    ("books", m.Book, {"title": "书", "publisher": "社", "published_on": FUTURE, "role": "主编"}),
    ("papers", m.Paper, {"title": "文", "journal": "刊", "issue": "1", "published_on": FUTURE, "rank": "1"}),
    ("exams", m.Exam, {"name": "职称外语", "taken_on": FUTURE, "score": "合格"}),
]


@pytest.mark.parametrize("key,model,row", ROWS_WITH_A_FUTURE_DATE, ids=[r[0] for r in ROWS_WITH_A_FUTURE_DATE])
def test_future_date_in_each_rows_section(applicant_client, application, key, model, row):
    response = applicant_client.post(url(application, key), rows_post(key, [row]))
    assert response.status_code == 200
    (date_field,) = [name for name, value in row.items() if value == FUTURE]
    assert "日期不能晚于今天" in str(response.context["formset"].forms[0].errors[date_field])
    assert "日期不能晚于今天" in response.content.decode()
    assert not model.objects.exists()


def test_future_or_pre_birth_dates_in_current_title_and_profile(applicant_client, application):
    response = applicant_client.post(
        url(application, "current_title"),
        {"has_title": "True", "series_name": "中小学教师", "title_name": "一级教师", "obtained_on": FUTURE},
    )
    assert "日期不能晚于今天" in str(response.context["form"].errors["obtained_on"])
    assert 'value="一级教师"' in response.content.decode()
    assert not m.CurrentTitle.objects.exists()

    birth = application.applicant.birth_date
    for value, message in [(FUTURE, "日期不能晚于今天"), ((birth.replace(year=birth.year + 10)).isoformat(), "14周岁")]:
        response = applicant_client.post(
            url(application, "basic"), {"ethnicity": "汉族", "work_start_date": value, "wants_express": "0"}
        )
        assert message in str(response.context["form"].errors["work_start_date"])
        assert 'value="汉族"' in response.content.decode()
    assert not m.Profile.objects.get(user=application.applicant).work_start_date


def test_impossible_numbers(applicant_client, application):
    book = {"title": "书", "publisher": "社", "published_on": "2020-01-01", "role": "主编", "words": "99999999999"}
    response = applicant_client.post(url(application, "books"), rows_post("books", [book]))
    assert "字数不合理" in str(response.context["formset"].forms[0].errors["words"])
    assert not m.Book.objects.exists()

    training = {"year": str(application.year - 1), "total_hours": "-3", "public_hours": "-9"}
    response = applicant_client.post(url(application, "training"), rows_post("training", [training]))
    errors = response.context["formset"].forms[0].errors
    assert "total_hours" in errors and "public_hours" in errors
    assert not m.ContinuingEducation.objects.exists()


# --- double clicks and stale pages --------------------------------------------------------------


def test_double_clicked_save_creates_each_row_once(applicant_client, application):
    data = rows_post("education", [EDUCATION, {**EDUCATION, "school": "云南师范大学", "degree": "5"}])
    first = applicant_client.post(url(application, "education"), data)
    second = applicant_client.post(url(application, "education"), data)
    assert first.status_code == second.status_code == 302
    assert sorted(m.Education.objects.values_list("school", flat=True)) == ["云南大学", "云南师范大学"]
    page = applicant_client.get(second.url).content.decode()
    assert "本次提交没有再次保存" in page


def test_double_clicked_save_of_yearly_rows_is_no_server_error(applicant_client, application):
    data = rows_post("training", [{"year": str(application.year - 1), "total_hours": "80", "public_hours": "30"}])
    assert applicant_client.post(url(application, "training"), data).status_code == 302
    assert applicant_client.post(url(application, "training"), data).status_code == 302
    assert m.ContinuingEducation.objects.count() == 1


def test_page_from_before_a_deletion_saves_nothing(applicant_client, application):
    row = record_row(application, m.Education, **{**EDUCATION, "degree": 3})
    stale = rows_post("education", [{**EDUCATION, "id": str(row.pk), "school": "改过的大学"}], initial=1)
    row.delete()  # deleted in another tab
    response = applicant_client.post(url(application, "education"), stale)
    assert response.status_code == 302
    assert not m.Education.objects.exists()


def test_editing_saved_rows_twice_is_fine(applicant_client, application):
    row = record_row(application, m.Education, **{**EDUCATION, "degree": 3})
    data = rows_post("education", [{**EDUCATION, "id": str(row.pk), "school": "改过的大学"}], initial=1)
    for _ in range(2):
        response = applicant_client.post(url(application, "education"), data)
        assert response.status_code == 302
        assert "本次提交没有再次保存" not in applicant_client.get(response.url).content.decode()
    row.refresh_from_db()
    assert row.school == "改过的大学"


def test_swapping_two_years_saves(applicant_client, application):
    year = application.year
    a = record_row(application, m.ContinuingEducation, year=year - 2, total_hours=50, public_hours=10)
    b = record_row(application, m.ContinuingEducation, year=year - 1, total_hours=60, public_hours=20)
    data = rows_post(
        "training",
        [
            {"id": str(a.pk), "year": str(year - 1), "total_hours": "50", "public_hours": "10"},
            {"id": str(b.pk), "year": str(year - 2), "total_hours": "60", "public_hours": "20"},
        ],
        initial=2,
    )
    assert applicant_client.post(url(application, "training"), data).status_code == 302
    saved = dict(m.ContinuingEducation.objects.values_list("year", "total_hours"))
    assert saved == {year - 1: 50, year - 2: 60}


def test_duplicate_years_are_refused_at_the_field(applicant_client, application):
    year = str(application.year - 1)
    rows = [{"year": year, "total_hours": "50", "public_hours": "10"}] * 2
    response = applicant_client.post(url(application, "training"), rows_post("training", rows))
    assert "与第1条重复" in str(response.context["formset"].forms[1].errors["year"])
    assert not m.ContinuingEducation.objects.exists()


def test_tampered_row_count_on_add_is_a_bad_request(applicant_client, application):
    data = {"education-TOTAL_FORMS": "x", "education-INITIAL_FORMS": "0", "action": "add"}
    assert applicant_client.post(url(application, "education"), data).status_code == 400


def test_other_applicants_row_id_changes_nothing(client, application):
    other = teacher_evaluation(member("applicant", UnitFactory()))
    theirs = record_row(other, m.Education, **{**EDUCATION, "degree": 3})
    client.force_login(application.applicant)
    data = rows_post("education", [{**EDUCATION, "id": str(theirs.pk), "school": "篡改"}], initial=1)
    client.post(url(application, "education"), data)
    theirs.refresh_from_db()
    assert theirs.school == "云南大学" and theirs.person == other.applicant
    assert list(theirs.applications.all()) == [other]
    assert not m.Education.objects.filter(applications=application).exists()


def test_error_in_one_row_keeps_every_row_as_typed(applicant_client, application):
    saved = record_row(application, m.Education, **{**EDUCATION, "degree": 3})
    data = rows_post(
        "education",
        [
            {**EDUCATION, "id": str(saved.pk), "school": "改名的大学", "DELETE": "on"},
            {**EDUCATION, "school": "新增大学"},
            {**EDUCATION, "school": "错误大学", "graduation_date": "2001-01-01"},
        ],
        initial=1,
    )
    page = applicant_client.post(url(application, "education"), data).content.decode()
    assert "毕业时间不能早于入学时间" in page
    assert 'value="改名的大学"' in page and 'value="新增大学"' in page and 'value="错误大学"' in page
    assert 'name="education-0-DELETE" checked' in page
    assert list(m.Education.objects.values_list("school", flat=True)) == ["云南大学"]


def test_double_clicked_extra_upload_keeps_one(applicant_client, application):
    materials = reverse("applications:materials", args=[application.pk])
    for _ in range(2):
        response = applicant_client.post(
            materials, {"name": "获奖证书", "file": SimpleUploadedFile("a.pdf", pdf_bytes("award"))}
        )
        assert response.status_code == 302
    assert m.Material.objects.filter(application=application, requirement=None).count() == 1
    # Another file under the same name is a second material, not a double click.
    applicant_client.post(materials, {"name": "获奖证书", "file": SimpleUploadedFile("b.pdf", pdf_bytes("other"))})
    assert m.Material.objects.filter(application=application, requirement=None).count() == 2


# --- the photo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("me.jpg", b"MZ\x90\x00\x03" + b"\0" * 200, "证件照须为JPG或PNG图片"),
        ("me.png", b"<html><body>hi</body></html>", "证件照须为JPG或PNG图片"),
        ("me.jpg", pdf_bytes(), "证件照须为JPG或PNG图片"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024), "证件照过大"),
    ],
)
def test_photo_attacks(applicant_client, application, name, content, message):
    response = applicant_client.post(
        url(application, "basic"),
        {
            "ethnicity": "汉族",
            "work_start_date": "2010-09-01",
            "wants_express": "0",
            "photo_upload": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        },
    )
    assert message in str(response.context["form"].errors["photo_upload"])
    assert 'value="汉族"' in response.content.decode()
    profile = m.Profile.objects.get(user=application.applicant)
    assert not profile.photo and not profile.ethnicity


def test_photo_path_name_is_not_used(applicant_client, application):
    response = applicant_client.post(
        url(application, "basic"),
        {
            "ethnicity": "汉族",
            "work_start_date": "2010-09-01",
            "wants_express": "0",
            "photo_upload": SimpleUploadedFile("../../x.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    name = m.Profile.objects.get(user=application.applicant).photo.name
    assert name.startswith("photos/") and ".." not in name and "x.png" not in name


def test_a_good_photo_is_kept_when_another_field_is_wrong(applicant_client, application, client):
    """Browsers cannot refill a file field: the photo is held and saved with the corrected page."""
    page = url(application, "basic")
    failed = applicant_client.post(
        page,
        {
            "ethnicity": "",  # required: the save fails here
            "work_start_date": "2010-09-01",
            "wants_express": "0",
            "photo_upload": SimpleUploadedFile("我的照片.png", png_bytes(), content_type="image/png"),
        },
    )
    assert failed.status_code == 200 and "ethnicity" in failed.context["form"].errors
    body = failed.content.decode()
    assert "已收到照片“我的照片.png”" in body
    token = failed.context["form"].data["photo_held"]
    assert f'name="photo_held" value="{token}"' in body
    profile = m.Profile.objects.get(user=application.applicant)
    assert not profile.photo and not profile.ethnicity  # nothing half-saved

    # Someone else cannot use the token to take the held file.
    other = member("applicant", application.unit, real_name="王芳")
    theirs = teacher_evaluation(other)
    client.force_login(other)
    client.post(
        url(theirs, "basic"),
        {"ethnicity": "汉族", "work_start_date": "2010-09-01", "wants_express": "0", "photo_held": token},
    )
    assert not m.Profile.objects.get(user=other).photo

    # The corrected page is saved with the photo, without choosing it again.
    applicant_client.force_login(application.applicant)
    saved = applicant_client.post(
        page, {"ethnicity": "汉族", "work_start_date": "2010-09-01", "wants_express": "0", "photo_held": token}
    )
    assert saved.status_code == 302
    profile.refresh_from_db()
    assert profile.ethnicity == "汉族" and profile.photo.name.startswith("photos/")
    with profile.photo.open("rb") as handle:
        assert handle.read() == png_bytes()


def test_held_photos_never_used_are_released_after_a_day(applicant_client, application):
    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    hold(upload, user=application.applicant, extension=".png")
    assert tasks.release_stale_held_uploads() == 0  # still within its token's lifetime
    later = timezone.now() + datetime.timedelta(hours=HELD_UPLOAD_HOURS + 2)
    assert release_stale(now=later) == 1
    assert release_stale(now=later) == 0


def test_a_forged_or_stale_photo_token_is_ignored(applicant_client, application):
    response = applicant_client.post(
        url(application, "basic"),
        {"ethnicity": "汉族", "work_start_date": "2010-09-01", "wants_express": "0", "photo_held": "forged:token"},
    )
    assert response.status_code == 302
    assert not m.Profile.objects.get(user=application.applicant).photo


# --- queries ------------------------------------------------------------------------------------

ROW_MAKERS = {
    "education": lambda a, n: m.Education(
        person_id=a.applicant_id,
        degree=3,
        school=f"学校{n}",
        major="数学",
        start_date=datetime.date(2000, 9, 1),
        graduation_date=datetime.date(2004, 7, 1),
    ),
    "work": lambda a, n: m.WorkHistory(
        person_id=a.applicant_id,
        start_date=datetime.date(2000 + n, 1, 1),
        end_date=datetime.date(2000 + n, 12, 31),
        employer=f"单位{n}",
        post="教师",
    ),
    "papers": lambda a, n: m.Paper(
        person_id=a.applicant_id,
        title=f"论文{n}",
        journal="刊",
        issue="1",
        published_on=datetime.date(2010, 1, 1),
        rank=1,
    ),
    "training": lambda a, n: m.ContinuingEducation(
        person_id=a.applicant_id, year=2000 + n, total_hours=40, public_hours=10
    ),
}


@pytest.mark.parametrize("key", sorted(ROW_MAKERS))
def test_section_queries_do_not_grow_with_its_own_rows(applicant_client, application, key):
    section_model = type(ROW_MAKERS[key](application, 0))
    section_model.objects.bulk_create([ROW_MAKERS[key](application, 1)])
    applicant_client.get(url(application, key))
    with CaptureQueriesContext(connection) as one:
        assert applicant_client.get(url(application, key)).status_code == 200
    section_model.objects.bulk_create([ROW_MAKERS[key](application, n) for n in range(2, 15)])
    with CaptureQueriesContext(connection) as many:
        page = applicant_client.get(url(application, key))
    assert page.status_code == 200 and len(page.context["formset"].forms) == 14
    assert len(many) == len(one)


def test_work_before_the_age_of_14_is_refused_at_the_field(applicant_client, application):
    birth = application.applicant.birth_date
    row = {"start_date": birth.replace(year=birth.year + 10).isoformat(), "employer": "一中", "post": "教师"}
    response = applicant_client.post(url(application, "work"), rows_post("work", [row]))
    assert "不能早于14周岁" in str(response.context["formset"].forms[0].errors["start_date"])
    assert not m.WorkHistory.objects.exists()


def test_applicant_born_on_29_february(client, catalog):
    from tests.factories import id_number

    user = member("applicant", UnitFactory(), id_number=id_number(birth="19920229"))
    assert user.birth_date == datetime.date(1992, 2, 29)
    application = teacher_evaluation(user)
    client.force_login(user)
    data = {"ethnicity": "汉族", "wants_express": "0"}
    response = client.post(url(application, "basic"), {**data, "work_start_date": "2006-02-28"})
    assert "14周岁" in str(response.context["form"].errors["work_start_date"])
    assert client.post(url(application, "basic"), {**data, "work_start_date": "2006-03-01"}).status_code == 302
    row = {"start_date": "2006-02-28", "employer": "一中", "post": "教师"}
    response = client.post(url(application, "work"), rows_post("work", [row]))
    assert "14周岁" in str(response.context["formset"].forms[0].errors["start_date"])
