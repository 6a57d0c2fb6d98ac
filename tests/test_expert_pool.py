"""The expert pool (专家库): kept by the committee office, imported whole or not at all,
exported with inert cells and masked mobiles."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from home.demo import DEMO_EXPERT_UNIT_CODE, DEMO_POOL, DEMO_UNIT_CODE
from portal.core.identity import with_check_digit
from portal.organizations.models import Membership, Role
from reviews import experts
from reviews.models import Expert, ExpertStatus
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db

HEADER = list(experts.IMPORT_COLUMNS)


def sheet(*rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(n, name="新专家", unit=DEMO_EXPERT_UNIT_CODE, series="中小学教师", level="正高级", note=""):
    return (
        name,
        with_check_digit(f"5301021972{n:02d}0170{n}"),
        f"1370000{n:04d}",
        series,
        "中学数学",
        level,
        unit,
        note,
    )


def test_the_demo_pool_is_there(demo):
    pool = experts.experts_of_pool(DEMO_POOL)
    assert pool.count() == 7 and all(e.status == ExpertStatus.IN_POOL for e in pool)
    assert Membership.objects.filter(user=user("committee_expert"), role=Role.COMMITTEE_EXPERT).exists()


def test_an_import_adds_every_row_with_an_expert_account(demo):
    created, errors = experts.experts_import(
        organizer=DEMO_POOL, data=sheet(person(1), person(2, "二号")), by=user("committee_office")
    )
    assert (created, errors) == (2, [])
    expert = Expert.objects.get(organizer=DEMO_POOL, user__real_name="二号")
    assert expert.unit.credit_code == DEMO_EXPERT_UNIT_CODE and expert.region == expert.unit.region
    assert not expert.user.has_usable_password()
    assert Membership.objects.filter(user=expert.user, organization=expert.unit, role=Role.COMMITTEE_EXPERT).exists()


def test_a_wrong_row_imports_nothing_and_every_wrong_row_is_named(demo):
    before = Expert.objects.count()
    bad_id = ("坏号", "530102197201017777", "13700009999", "中小学教师", "", "正高级", DEMO_UNIT_CODE, "")
    created, errors = experts.experts_import(
        organizer=DEMO_POOL,
        data=sheet(
            person(1), bad_id, person(3, series="不存在的系列"), person(4, unit="91530100MA6K000000"), person(1)
        ),
        by=user("committee_office"),
    )
    assert created == 0 and Expert.objects.count() == before
    assert [number for number, _ in errors] == [3, 4, 5, 6]
    reasons = dict(errors)
    assert "身份证" in reasons[3] and "不存在的系列" in reasons[4] and "单位" in reasons[5] and "重复" in reasons[6]
    assert not Membership.objects.filter(user__real_name="新专家").exists()


def test_a_file_that_is_not_a_sheet_is_refused_at_the_file(demo):
    with pytest.raises(ValidationError) as refused:
        experts.experts_import(organizer=DEMO_POOL, data=b"%PDF-1.4 not a sheet", by=user("committee_office"))
    assert "file" in refused.value.message_dict


def test_only_the_office_keeps_the_pool(demo):
    for role in ("applicant", "unit_hr", "window_staff", "bureau_approver", "committee_expert"):
        with pytest.raises(ValidationError):
            experts.experts_import(organizer=DEMO_POOL, data=sheet(person(1)), by=user(role))
    assert not Expert.objects.filter(user__real_name="新专家").exists()


def test_the_export_neutralises_formulas_and_masks_mobiles(demo):
    experts.expert_add(
        organizer=DEMO_POOL, row=experts.ExpertRow(*person(5, note='=HYPERLINK("http://x")')), by=user("admin")
    )
    rows = list(load_workbook(BytesIO(experts.experts_export(DEMO_POOL))).active.iter_rows(values_only=True))
    note = [r for r in rows if r[0] == "新专家"][0]
    assert note[8] == '\'=HYPERLINK("http://x")'
    assert note[6] == "137****0005"
    assert not any("13700000005" in str(cell) for row in rows for cell in row)


def test_the_office_adds_retires_and_imports_on_the_page(as_role, demo):
    client = as_role("committee_office")
    page = client.get(reverse("reviews:experts")).content.decode()
    assert "孙丽" in page and "138****0007" in page and "13800000007" not in page
    row = dict(
        zip(
            ["real_name", "id_number", "mobile", "series", "speciality", "level", "unit_code", "integrity_note"],
            person(6),
            strict=True,
        )
    )
    response = client.post(reverse("reviews:expert_add"), {"organizer": DEMO_POOL, **row})
    assert response.status_code == 302
    expert = Expert.objects.get(user__real_name="新专家")
    response = client.post(
        reverse("reviews:expert_status", args=[expert.pk]), {"organizer": DEMO_POOL, "status": ExpertStatus.RETIRED}
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.RETIRED
    bad = SimpleUploadedFile("experts.xlsx", sheet(person(7), person(8, level="特级")))
    response = client.post(reverse("reviews:expert_import"), {"organizer": DEMO_POOL, "file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第3行" in html and "特级" in html and "未导入任何专家" in html
    assert not Expert.objects.filter(user__id_number=person(7)[1]).exists()


def test_a_wrong_field_on_the_add_form_is_said_at_the_field(as_role, demo):
    client = as_role("committee_office")
    row = dict(
        zip(
            ["real_name", "id_number", "mobile", "series", "speciality", "level", "unit_code", "integrity_note"],
            person(9),
            strict=True,
        )
    )
    row["level"] = "特级"
    response = client.post(reverse("reviews:expert_add"), {"organizer": DEMO_POOL, **row})
    assert response.status_code == 400
    html = response.content.decode()
    assert "特级" in html[html.index('id="id_level_error"') :][:200]
