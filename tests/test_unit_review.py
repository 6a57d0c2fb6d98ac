import pytest
from django.urls import reverse

from portal.accounts.lockout import lock_key
from portal.notifications.models import SmsMessage
from portal.organizations.models import NameChange, OrgStatus
from tests.factories import DepartmentFactory, UnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_unit():
    department = DepartmentFactory()
    unit = UnitFactory(pending=True, parent=department, name="待审单位")
    officer = member("unit_hr", unit)
    reviewer = member("dept_reviewer", department)
    return unit, officer, reviewer


def test_department_approves_its_unit_and_officer_is_told(client, pending_unit, django_capture_on_commit_callbacks):
    unit, officer, reviewer = pending_unit
    client.force_login(reviewer)
    assert "待审单位" in client.get(reverse("organizations:unit_review_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organizations:unit_approve", args=[unit.pk]))
    unit.refresh_from_db()
    assert unit.status == OrgStatus.APPROVED and unit.reviewed_by == reviewer
    assert SmsMessage.objects.get(mobile=officer.mobile).purpose == "unit_approved"
    # Approving twice is refused with a message, state unchanged.
    response = client.post(reverse("organizations:unit_approve", args=[unit.pk]), follow=True)
    assert "不能重复审核" in response.content.decode()


def test_reject_needs_a_reason_and_keeps_it(client, pending_unit):
    unit, officer, reviewer = pending_unit
    client.force_login(reviewer)
    response = client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "请填写不通过的理由" in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == OrgStatus.PENDING
    client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": "信用代码与营业执照不符"})
    unit.refresh_from_db()
    assert unit.status == OrgStatus.REJECTED and unit.rejection_reason == "信用代码与营业执照不符"

    # The officer sees the reason, corrects, and the unit goes back to its department.
    client.force_login(officer)
    assert "信用代码与营业执照不符" in client.get(reverse("home:dashboard")).content.decode()
    client.post(
        reverse("organizations:unit_edit", args=[unit.pk]),
        {"name": "更正后的单位", "address": "新地址", "phone": "0871-1"},
    )
    unit.refresh_from_db()
    assert unit.status == OrgStatus.PENDING and unit.name == "更正后的单位"
    assert NameChange.objects.get(organization=unit).old_name == "待审单位"


@pytest.mark.parametrize("role", ["applicant", "unit_hr", "window_staff", "bureau_approver"])
def test_other_roles_cannot_review(client, pending_unit, role):
    unit, _, _ = pending_unit
    client.force_login(member(role))
    assert client.post(reverse("organizations:unit_approve", args=[unit.pk])).status_code == 404
    assert client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": "x"}).status_code == 404
    unit.refresh_from_db()
    assert unit.status == OrgStatus.PENDING


def test_reviewer_of_another_department_sees_nothing_and_cannot_act(client, pending_unit):
    unit, _, _ = pending_unit
    other = member("dept_reviewer", DepartmentFactory())
    client.force_login(other)
    assert "待审单位" not in client.get(reverse("organizations:unit_review_list")).content.decode()
    assert client.post(reverse("organizations:unit_approve", args=[unit.pk])).status_code == 404


def test_admin_reviews_any_unit(client, pending_unit):
    unit, _, _ = pending_unit
    client.force_login(member("admin"))
    client.post(reverse("organizations:unit_approve", args=[unit.pk]))
    unit.refresh_from_db()
    assert unit.status == OrgStatus.APPROVED


def test_review_list_queries_do_not_grow_with_units(client, pending_unit, django_assert_max_num_queries):
    unit, _, reviewer = pending_unit
    client.force_login(reviewer)
    client.get(reverse("organizations:unit_review_list"))
    for _ in range(15):
        member("unit_hr", UnitFactory(pending=True, parent=unit.parent))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("organizations:unit_review_list"))
    assert response.content.decode().count('id="unit-') == 16


def test_staff_page_queries_do_not_grow_with_staff(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = UnitFactory()
    officer = member("unit_hr", unit)
    client.force_login(officer)
    counts = []
    for staff in (2, 20):
        while unit.memberships.count() < staff + 1:
            member("applicant", unit)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("organizations:unit_staff", args=[unit.pk]))
        assert response.content.decode().count('id="staff-') == staff + 1
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 13, counts  # 13: the pending requests to join


def test_officer_home_counts_staff_and_locked_accounts_in_the_database(client, settings):
    from axes.models import AccessAttempt
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = UnitFactory()
    officer = member("unit_hr", unit)
    client.force_login(officer)
    counts = []
    for staff in (2, 20):
        while unit.memberships.filter(role="applicant").count() < staff:
            member("applicant", unit)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("home:dashboard")).content.decode()
        counts.append(len(queries))
        assert f"<dt>本单位申报人</dt><dd>{staff}</dd>" in page
    assert counts[0] == counts[1], counts  # the same queries for 2 and 20 staff

    locked = unit.memberships.filter(role="applicant").select_related("user").first().user
    outsider = member("applicant", UnitFactory())
    for username in [lock_key(locked), lock_key(outsider)]:
        AccessAttempt.objects.create(
            username=username,
            ip_address="10.0.0.1",
            user_agent="test",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/accounts/login/",
        )
    page = client.get(reverse("home:dashboard")).content.decode()
    assert '<dt>被锁定账号</dt><dd><span class="badge locked">1</span>' in page  # not the other unit's
