"""Issue 11, notices: a year counts as known only once marked complete; holiday changes count open
notices again (audited, people told); the end date is previewed before publishing; a published
notice can be corrected (never under the minimum) or withdrawn (its people back to awaiting one)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from applications.models import Action, Application, ReviewRecord
from portal.notifications.models import Notification
from reviews import notices
from reviews.holidays import holiday_save, holiday_year_mark
from reviews.models import Holiday, HolidayYear, NoticeChange, NoticeResult, UnitNotice
from tests.factories import UnitFactory, UserFactory, member
from tests.filing_helpers import teacher_evaluation

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 3)  # a Thursday; the library knows 2026, not 2027
FIRST_MONDAY_2027 = D(2027, 1, 4)


def in_notice_stage(user) -> Application:
    application = teacher_evaluation(user)
    Application.objects.filter(pk=application.pk).update(state="unit_notice", submitted_at=timezone.now())
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def setup(catalog):
    unit = UnitFactory(name="昆明市第一中学", phone="0871-63100000")
    officer = member("unit_hr", unit, real_name="李经办")
    people = [in_notice_stage(member("applicant", unit, real_name=n)) for n in ("张三", "王五")]
    return unit, officer, people


def publish(unit, officer, people, *, start=FIRST_MONDAY_2027, days=5, today=TODAY) -> UnitNotice:
    return notices.notice_open(
        unit=unit,
        user=officer,
        applications=people,
        title="",
        content="现予公示。",
        contact_person="李经办",
        phone="0871-63100000",
        start_date=start,
        working_days=days,
        today=today,
    )


# --- years marked complete --------------------------------------------------------------------------


def test_a_notice_into_an_unmarked_year_warns_until_the_bureau_marks_it(setup):
    unit, officer, people = setup
    Holiday.objects.create(date=D(2027, 2, 10), is_workday=False, name="春节")
    notice = publish(unit, officer, people)
    assert notice.end_date == D(2027, 1, 8)
    assert notice.calendar_note.startswith("2027年的法定节假日尚未录入完整")
    holiday_year_mark(year=2027, complete=True, user=officer)
    notice.refresh_from_db()
    assert notice.calendar_note == ""
    assert HolidayYear.objects.get(year=2027).marked_by == officer
    # Marking it incomplete again brings the warning back.
    holiday_year_mark(year=2027, complete=False, user=officer)
    notice.refresh_from_db()
    assert notice.calendar_note.startswith("2027年")


# --- holiday changes count open notices again ---------------------------------------------------------


def test_a_new_holiday_moves_open_notices_and_tells_people_and_officers(setup):
    unit, officer, people = setup
    open_notice = publish(unit, officer, people[:1])
    later = publish(unit, officer, people[1:], start=D(2027, 3, 1))
    assert open_notice.end_date == D(2027, 1, 8)
    moved = holiday_save(holiday=Holiday(date=D(2027, 1, 5), is_workday=False, name="临时放假"), created=True)
    assert [n.pk for n in moved] == [open_notice.pk]
    open_notice.refresh_from_db()
    assert open_notice.end_date == D(2027, 1, 11)
    later.refresh_from_db()
    assert later.end_date == D(2027, 3, 5)  # untouched
    change = NoticeChange.objects.get(notice=open_notice)
    assert (change.kind, change.end_before, change.end_after) == ("recalendared", D(2027, 1, 8), D(2027, 1, 11))
    record = ReviewRecord.objects.get(application=people[0], action=Action.NOTICE_CHANGE)
    assert "2027-01-11" in record.opinion and "2027-01-05" in record.opinion
    told = Notification.objects.filter(event="notice_changed")
    assert set(told.values_list("recipient", flat=True)) == {people[0].applicant_id, officer.pk}
    assert "2027-01-11" in told.get(recipient=officer).body
    # A later notice is not told of a change that did not move it.
    assert not Notification.objects.filter(event="notice_changed", application=people[1]).exists()


def test_the_admin_counts_notices_again_when_a_row_is_saved_or_deleted(setup, client):
    unit, officer, people = setup
    notice = publish(unit, officer, people)
    admin = UserFactory(real_name="管理员", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:reviews_holiday_add"), {"date": "2027-01-06", "is_workday": "", "name": "停工"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.end_date == D(2027, 1, 11)
    row = Holiday.objects.get(date=D(2027, 1, 6))
    response = client.post(reverse("admin:reviews_holiday_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.end_date == D(2027, 1, 8)
    assert NoticeChange.objects.filter(notice=notice, kind="recalendared").count() == 2


def test_concluded_and_withdrawn_notices_are_not_counted_again(setup):
    unit, officer, people = setup
    notice = publish(unit, officer, people)
    notices.notice_withdraw(notice=notice, user=officer, reason="名单有误")
    holiday_save(holiday=Holiday(date=D(2027, 1, 5), is_workday=False, name="临时放假"), created=True)
    notice.refresh_from_db()
    assert notice.end_date == D(2027, 1, 8)


# --- preview ------------------------------------------------------------------------------------------


def test_the_form_previews_the_end_date_without_publishing(setup, client):
    unit, officer, people = setup
    client.force_login(officer)
    start = TODAY + datetime.timedelta(days=1)  # Fri 2026-12-04
    response = client.post(
        reverse("reviews:notice_create"),
        {
            "unit": unit.pk,
            "applications": [people[0].pk],
            "content": "现予公示。",
            "contact_person": "李经办",
            "phone": "0871-63100000",
            "start_date": start.isoformat(),
            "working_days": "5",
            "preview": "1",
        },
    )
    if timezone.localdate() != TODAY:
        pytest.skip("the dates below are counted from 2026-12-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="notice-preview"' in html and "2026-12-10" in html
    assert UnitNotice.objects.count() == 0
    # What was typed is kept.
    assert 'value="0871-63100000"' in html and "checked" in html


def test_the_preview_refuses_fewer_than_the_minimum_at_the_field(setup, client):
    unit, officer, people = setup
    client.force_login(officer)
    response = client.post(
        reverse("reviews:notice_create"),
        {"unit": unit.pk, "start_date": timezone.localdate().isoformat(), "working_days": "3", "preview": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "公示期不得少于5个工作日。" in html and 'id="notice-preview"' not in html
    assert "请选择公示人员" not in html  # the preview checks the period only


def test_preview_service_computes_what_publishing_would():
    result = notices.notice_preview(start_date=D(2025, 9, 26), working_days=5, today=D(2025, 9, 20))
    assert result.end_date == D(2025, 10, 9)
    with pytest.raises(ValidationError) as error:
        notices.notice_preview(start_date=D(2025, 9, 26), working_days=4, today=D(2025, 9, 20))
    assert "working_days" in error.value.error_dict


# --- correction ---------------------------------------------------------------------------------------


def test_a_notice_is_extended_with_a_reason_audited_and_people_told(setup):
    unit, officer, people = setup
    notice = publish(unit, officer, people, start=D(2026, 12, 7))
    assert notice.end_date == D(2026, 12, 11)
    notices.notice_correct(notice=notice, user=officer, working_days=7, reason="延长公示", today=D(2026, 12, 8))
    notice.refresh_from_db()
    assert (notice.start_date, notice.working_days, notice.end_date) == (D(2026, 12, 7), 7, D(2026, 12, 15))
    records = ReviewRecord.objects.filter(action=Action.NOTICE_CHANGE, actor=officer)
    assert records.count() == 2 and all("延长公示" in r.opinion and "2026-12-15" in r.opinion for r in records)
    assert Notification.objects.filter(event="notice_changed").count() == 2
    assert NoticeChange.objects.get(notice=notice).reason == "延长公示"


def test_a_correction_never_goes_below_the_minimum_nor_without_a_reason(setup):
    unit, officer, people = setup
    notice = publish(unit, officer, people, start=D(2026, 12, 7), days=8)
    with pytest.raises(ValidationError) as error:
        notices.notice_correct(notice=notice, user=officer, working_days=4, reason="缩短", today=TODAY)
    assert error.value.error_dict["working_days"][0].messages == ["公示期不得少于5个工作日。"]
    with pytest.raises(ValidationError) as error:
        notices.notice_correct(notice=notice, user=officer, working_days=9, reason=" ", today=TODAY)
    assert "reason" in error.value.error_dict
    # Down to the minimum is allowed before it has run out; a start moves only before it starts.
    notices.notice_correct(
        notice=notice, user=officer, working_days=5, start_date=D(2026, 12, 14), reason="推迟", today=TODAY
    )
    notice.refresh_from_db()
    assert (notice.start_date, notice.end_date) == (D(2026, 12, 14), D(2026, 12, 18))
    notices.notice_correct(
        notice=notice, user=officer, working_days=6, start_date=D(2026, 12, 21), reason="再推迟", today=D(2026, 12, 15)
    )
    notice.refresh_from_db()
    assert notice.start_date == D(2026, 12, 14)  # started: the start is kept
    assert notice.end_date == D(2026, 12, 21)


def test_only_the_units_officer_corrects_or_withdraws(setup):
    unit, officer, people = setup
    notice = publish(unit, officer, people)
    stranger = member("unit_hr", UnitFactory(name="别的单位"))
    with pytest.raises(PermissionDenied):
        notices.notice_correct(notice=notice, user=stranger, working_days=6, reason="x", today=TODAY)
    with pytest.raises(PermissionDenied):
        notices.notice_withdraw(notice=notice, user=stranger, reason="x")


def test_other_units_officer_gets_404_on_the_pages(setup, client):
    unit, officer, people = setup
    notice = publish(unit, officer, people)
    client.force_login(member("unit_hr", UnitFactory(name="别的单位")))
    for name in ("reviews:notice_correct", "reviews:notice_withdraw"):
        response = client.post(reverse(name, args=[notice.pk]), {"withdraw-reason": "x", "correct-reason": "x"})
        assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.result == NoticeResult.PENDING


def test_the_correct_page_shows_errors_at_the_field(setup, client):
    unit, officer, people = setup
    notice = publish(unit, officer, people)
    client.force_login(officer)
    response = client.post(
        reverse("reviews:notice_correct", args=[notice.pk]), {"correct-working_days": "3", "correct-reason": "缩短"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "公示期不得少于5个工作日。" in html and "缩短" in html


# --- withdrawal ---------------------------------------------------------------------------------------


def test_a_withdrawn_notice_puts_its_people_back_to_awaiting_a_notice(setup, client):
    unit, officer, people = setup
    notice = publish(unit, officer, people, start=D(2026, 12, 7))
    assert list(notices.applications_awaiting_notice(unit)) == []
    notices.notice_withdraw(notice=notice, user=officer, reason="名单有误")
    notice.refresh_from_db()
    assert notice.result == NoticeResult.WITHDRAWN and notice.withdrawn_at is not None
    assert {a.pk for a in notices.applications_awaiting_notice(unit)} == {a.pk for a in people}
    assert all(Application.objects.get(pk=a.pk).state == "unit_notice" for a in people)
    assert ReviewRecord.objects.filter(action=Action.NOTICE_WITHDRAW).count() == 2
    assert Notification.objects.filter(event="notice_withdrawn").count() == 2
    assert notice not in notices.public_open_notices(today=D(2026, 12, 7))
    # A withdrawn notice never lets anyone be recommended, and cannot be concluded or changed.
    assert not can_proceed(Application.objects.get(pk=people[0].pk).notice_recommend)
    with pytest.raises(ValidationError):
        notices.notice_correct(notice=notice, user=officer, working_days=6, reason="x", today=TODAY)
    with pytest.raises(ValidationError):
        notices.notice_conclude(notice=notice, user=officer, result=NoticeResult.NO_OBJECTION, today=D(2027, 1, 1))
    # They can be put in a new notice, which then counts.
    again = publish(unit, officer, people, start=D(2026, 12, 4))
    notices.notice_conclude(notice=again, user=officer, result=NoticeResult.NO_OBJECTION, today=D(2026, 12, 11))
    assert can_proceed(Application.objects.get(pk=people[0].pk).notice_recommend)


def test_the_withdraw_page_needs_a_reason(setup, client):
    unit, officer, people = setup
    notice = publish(unit, officer, people)
    client.force_login(officer)
    response = client.post(reverse("reviews:notice_withdraw", args=[notice.pk]), {"withdraw-reason": ""})
    assert response.status_code == 400
    assert "请填写撤回原因。" in response.content.decode()
    response = client.post(reverse("reviews:notice_withdraw", args=[notice.pk]), {"withdraw-reason": "名单有误"})
    assert response.status_code == 302
    page = client.get(reverse("reviews:notice_detail", args=[notice.pk])).content.decode()
    assert "已撤回" in page and "名单有误" in page and 'id="withdraw"' not in page
