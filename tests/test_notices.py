"""Unit public notices: opening (who, whom, how long), the public page, the result and what it
unlocks in the workflow, and the audit records."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from applications.models import Action, Application, ReviewRecord
from portal.notifications.models import SmsMessage
from reviews import notices
from reviews.models import NoticeResult, UnitNotice
from tests.factories import UnitFactory, member
from tests.filing_helpers import teacher_evaluation

pytestmark = pytest.mark.django_db

D = datetime.date


def in_notice_stage(user) -> Application:
    application = teacher_evaluation(user)
    Application.objects.filter(pk=application.pk).update(state="unit_notice", submitted_at=timezone.now())
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def unit_setup(catalog):
    unit = UnitFactory(name="昆明市第一中学", phone="0871-63100000")
    officer = member("unit_hr", unit, real_name="李经办")
    first = in_notice_stage(member("applicant", unit, real_name="张三"))
    second = in_notice_stage(member("applicant", unit, real_name="王五"))
    return unit, officer, [first, second]


def open_kwargs(unit, officer, applications, **overrides):
    kwargs = {
        "unit": unit,
        "user": officer,
        "applications": applications,
        "title": "",
        "content": "现予公示。",
        "contact_person": "李经办",
        "phone": "0871-63100000",
        "start_date": D(2025, 9, 26),
        "working_days": 5,
        "today": D(2025, 9, 20),
    }
    return {**kwargs, **overrides}


NATIONAL_DAY_END = D(2025, 10, 9)


def past_notice(unit, officer, applications, *, end_date=NATIONAL_DAY_END) -> UnitNotice:
    """A notice whose period lies in the past, built directly (the service refuses past starts)."""
    notice = UnitNotice.objects.create(
        unit=unit,
        title="关于张三等2人申报职称的公示",
        contact_person="李经办",
        phone="0871-63100000",
        start_date=D(2025, 9, 26),
        working_days=5,
        end_date=end_date,
        created_by=officer,
    )
    notice.applications.set(applications)
    return notice


# --- opening --------------------------------------------------------------------------------------


def test_officer_opens_a_notice_across_national_day(unit_setup, django_capture_on_commit_callbacks):
    unit, officer, applications = unit_setup
    with django_capture_on_commit_callbacks(execute=True):
        notice = notices.notice_open(**open_kwargs(unit, officer, applications))
    assert notice.end_date == D(2025, 10, 9)  # 5 working days over the 2025 National Day holiday
    assert notice.title == "关于张三等2人申报职称的公示"
    assert notice.result == NoticeResult.PENDING and notice.calendar_note == ""
    assert set(notice.applications.all()) == set(applications)
    records = ReviewRecord.objects.filter(action=Action.NOTICE_OPEN).order_by("application_id")
    assert [r.application_id for r in records] == sorted(a.pk for a in applications)
    for record in records:
        assert (record.from_state, record.to_state, record.role) == ("unit_notice", "unit_notice", "unit_hr")
        assert record.actor == officer and record.organization == unit
        assert record.opinion == "公示期 2025-09-26—2025-10-09"
    texts = SmsMessage.objects.filter(purpose="notice_open").values_list("mobile", "text")
    assert {m for m, _ in texts} == {a.applicant.mobile for a in applications}
    assert all("2025-10-09" in text for _, text in texts)
    for application in applications:
        application.refresh_from_db()
        assert application.state == "unit_notice"  # a notice does not move the application
        assert application.current_notice == notice


def test_default_title_names_the_first_person_and_the_count(unit_setup):
    unit, officer, applications = unit_setup
    one = notices.notice_open(**open_kwargs(unit, officer, applications[:1]))
    assert one.title == "关于张三申报职称的公示"
    other = in_notice_stage(member("applicant", unit, real_name="赵六"))
    both = notices.notice_open(**open_kwargs(unit, officer, [applications[1], other], title="  "))
    assert both.title == "关于王五等2人申报职称的公示"


def test_fewer_than_five_working_days_is_refused_at_the_field(unit_setup):
    unit, officer, applications = unit_setup
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, applications, working_days=4))
    assert caught.value.message_dict == {"working_days": ["公示期不得少于5个工作日。"]}
    assert not UnitNotice.objects.exists() and not ReviewRecord.objects.exists()


def test_start_date_in_the_past_is_refused(unit_setup):
    unit, officer, applications = unit_setup
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, applications, start_date=D(2025, 9, 19)))
    assert "start_date" in caught.value.message_dict


def test_another_units_application_is_refused_without_naming_it(unit_setup):
    unit, officer, applications = unit_setup
    stranger = in_notice_stage(member("applicant", UnitFactory(), real_name="外单位人"))
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, [applications[0], stranger]))
    messages = caught.value.message_dict["applications"]
    assert messages == ["所选人员中有不属于本单位的申报，不能公示。"]
    assert not UnitNotice.objects.exists()


def test_application_not_at_the_notice_stage_is_refused(unit_setup):
    unit, officer, applications = unit_setup
    Application.objects.filter(pk=applications[1].pk).update(state="unit_review")
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, applications))
    assert caught.value.message_dict["applications"] == ["王五的申报当前处于“单位审核”，不在单位公示环节。"]
    assert not UnitNotice.objects.exists()


def test_application_already_in_a_pending_notice_is_refused(unit_setup):
    unit, officer, applications = unit_setup
    notices.notice_open(**open_kwargs(unit, officer, applications[:1]))
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, applications))
    assert caught.value.message_dict["applications"] == ["张三已在公示中，不能重复公示。"]
    assert UnitNotice.objects.count() == 1
    assert list(notices.applications_awaiting_notice(unit)) == [applications[1]]


@pytest.mark.parametrize("role", ["applicant", "dept_reviewer", "admin"])
def test_only_the_units_hr_officer_opens_notices(unit_setup, role):
    unit, _, applications = unit_setup
    outsider = member(role, unit if role == "applicant" else None)
    with pytest.raises(PermissionDenied):
        notices.notice_open(**open_kwargs(unit, outsider, applications))
    other_officer = member("unit_hr", UnitFactory())
    with pytest.raises(PermissionDenied):
        notices.notice_open(**open_kwargs(unit, other_officer, applications))


def test_a_year_beyond_the_calendar_is_noted_on_the_notice(unit_setup):
    unit, officer, applications = unit_setup
    notice = notices.notice_open(
        **open_kwargs(unit, officer, applications, start_date=D(2031, 3, 6), today=D(2031, 3, 1))
    )
    assert notice.end_date == D(2031, 3, 12)
    assert notice.calendar_note.startswith("2031年的法定节假日尚未录入")


def test_a_start_more_than_a_year_ahead_is_refused_at_the_field(unit_setup):
    unit, officer, applications = unit_setup
    notice = notices.notice_open(**open_kwargs(unit, officer, applications[:1], start_date=D(2026, 9, 21)))
    assert notice.end_date == D(2026, 9, 28)  # Fri 09-25 is the 2026 Mid-autumn Festival
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, applications[1:], start_date=D(2026, 9, 22)))
    assert caught.value.message_dict == {"start_date": ["公示开始日期不能晚于2026-09-21。"]}


def test_the_last_dates_of_the_calendar_never_crash_the_page(client, unit_setup):
    """A start typed as 9999-12-30 once ran the working-day count off the end of the calendar (a 500)."""
    from reviews.working_days import add_working_days

    with pytest.raises(ValueError):
        add_working_days(D(9999, 12, 30), 5)
    assert add_working_days(D(9999, 12, 27), 5).end_date == D(9999, 12, 31)
    unit, officer, applications = unit_setup
    client.force_login(officer)
    data = {
        "unit": unit.pk,
        "applications": [applications[0].pk],
        "content": "现予公示。",
        "contact_person": "李经办",
        "phone": "0871-63100000",
        "start_date": "9999-12-30",
        "working_days": "5",
    }
    response = client.post(reverse("reviews:notice_create"), data)
    assert response.status_code == 400
    assert "公示开始日期不能晚于" in response.content.decode()
    assert not UnitNotice.objects.exists()


# --- the officer's pages --------------------------------------------------------------------------


def test_officer_page_lists_waiting_applications_and_publishes(client, unit_setup):
    unit, officer, applications = unit_setup
    client.force_login(officer)
    page = client.get(reverse("reviews:notice_list")).content.decode()
    assert "张三" in page and "王五" in page and applications[0].title.name in page
    assert f'value="{applications[0].pk}"' in page
    assert 'value="李经办"' in page and 'value="5"' in page  # contact person and working days defaults
    start = timezone.localdate()
    response = client.post(
        reverse("reviews:notice_create"),
        {
            "unit": unit.pk,
            "applications": [a.pk for a in applications],
            "title": "",
            "content": "现予公示。",
            "contact_person": "李经办",
            "phone": "0871-63100000",
            "start_date": start.isoformat(),
            "working_days": 5,
        },
        follow=True,
    )
    notice = UnitNotice.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reviews:notice_detail", args=[notice.pk])
    content = response.content.decode()
    assert notice.end_date.isoformat() in content  # the computed end date, shown after creation
    assert "公示已发布" in content
    assert "等2人申报职称的公示" in content
    # Published people no longer wait.
    page = client.get(reverse("reviews:notice_list")).content.decode()
    assert f'value="{applications[0].pk}"' not in page


def test_officer_page_shows_the_working_days_error_at_the_field(client, unit_setup):
    unit, officer, applications = unit_setup
    client.force_login(officer)
    response = client.post(
        reverse("reviews:notice_create"),
        {
            "unit": unit.pk,
            "applications": [applications[0].pk],
            "content": "现予公示。",
            "contact_person": "李经办",
            "phone": "0871-63100000",
            "start_date": timezone.localdate().isoformat(),
            "working_days": 3,
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    field = content[content.index('id="field-working_days"') :]
    assert "公示期不得少于5个工作日。" in field[: field.index("</div>")]
    assert not UnitNotice.objects.exists()


def test_officer_cannot_post_another_units_application(client, unit_setup):
    unit, officer, applications = unit_setup
    stranger = in_notice_stage(member("applicant", UnitFactory(), real_name="外单位人"))
    client.force_login(officer)
    response = client.post(
        reverse("reviews:notice_create"),
        {
            "unit": unit.pk,
            "applications": [stranger.pk],
            "content": "x",
            "contact_person": "李经办",
            "phone": "1",
            "start_date": timezone.localdate().isoformat(),
            "working_days": 5,
        },
    )
    assert response.status_code == 400
    assert "外单位人" not in response.content.decode()
    assert not UnitNotice.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "dept_reviewer", "window_staff", "other_unit_hr"])
def test_pages_are_404_for_anyone_but_the_units_officer(client, unit_setup, role):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    if role == "other_unit_hr":
        user = member("unit_hr", UnitFactory())
    else:
        user = member(role, unit if role == "applicant" else None)
    client.force_login(user)
    if role != "other_unit_hr":
        assert client.get(reverse("reviews:notice_list")).status_code == 404
    assert client.get(reverse("reviews:notice_list"), {"unit": unit.pk}).status_code == 404
    assert client.get(reverse("reviews:notice_detail", args=[notice.pk])).status_code == 404
    response = client.post(reverse("reviews:notice_conclude", args=[notice.pk]), {"result": "no_objection"})
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.result == NoticeResult.PENDING


def test_anonymous_is_sent_to_login(client, unit_setup):
    response = client.get(reverse("reviews:notice_list"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the public page ------------------------------------------------------------------------------


def test_public_page_shows_open_notices_without_id_or_phone_numbers(client, unit_setup):
    unit, officer, applications = unit_setup
    today = timezone.localdate()
    notices.notice_open(**open_kwargs(unit, officer, applications, start_date=today, today=today))
    ended = past_notice(unit, officer, [in_notice_stage(member("applicant", unit, real_name="已结束"))])
    assert ended.end_date < today
    response = client.get(reverse("reviews:public_notices"))  # no login
    assert response.status_code == 200
    content = response.content.decode()
    assert "昆明市第一中学" in content and "关于" in content and "现予公示。" in content
    assert "张三" in content and "王五" in content and applications[0].title.name in content
    assert "李经办" in content and "0871-63100000" in content
    assert "已结束" not in content
    for application in applications:
        user = application.applicant
        assert user.id_number not in content
        assert user.id_number[-6:] not in content
        assert user.mobile not in content


def test_public_page_leaves_out_concluded_notices_and_paginates(client, unit_setup):
    unit, officer, applications = unit_setup
    today = timezone.localdate()
    future = today + datetime.timedelta(days=30)
    for index in range(11):
        notice = past_notice(unit, officer, applications, end_date=future)
        UnitNotice.objects.filter(pk=notice.pk).update(title=f"公示第{index}号")
    concluded = past_notice(unit, officer, applications, end_date=future)
    UnitNotice.objects.filter(pk=concluded.pk).update(title="已登记结果的公示", result=NoticeResult.NO_OBJECTION)
    first = client.get(reverse("reviews:public_notices")).content.decode()
    second = client.get(reverse("reviews:public_notices"), {"page": 2}).content.decode()
    assert first.count('<article class="card"') == 10 and second.count('<article class="card"') == 1
    assert "已登记结果的公示" not in first + second
    assert "第2页，共2页" in second


# --- the result -----------------------------------------------------------------------------------


def test_conclude_is_refused_until_the_end_date_has_passed(unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    for today in (D(2025, 10, 1), D(2025, 10, 9)):
        with pytest.raises(ValidationError) as caught:
            notices.notice_conclude(notice=notice, user=officer, result="no_objection", note="", today=today)
        assert "2025-10-09" in caught.value.messages[0]
    notice.refresh_from_db()
    assert notice.result == NoticeResult.PENDING and notice.concluded_at is None
    assert not ReviewRecord.objects.filter(action=Action.NOTICE_RESULT).exists()


def test_no_objection_lets_the_unit_recommend(unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    for application in applications:
        assert not can_proceed(Application.objects.get(pk=application.pk).notice_recommend)
    notices.notice_conclude(notice=notice, user=officer, result="no_objection", note="", today=D(2025, 10, 10))
    notice.refresh_from_db()
    assert notice.result == NoticeResult.NO_OBJECTION and notice.concluded_at is not None
    for application in applications:
        application = Application.objects.get(pk=application.pk)
        assert application.current_notice.result == "no_objection"
        assert can_proceed(application.notice_recommend)
        record = ReviewRecord.objects.get(application=application, action=Action.NOTICE_RESULT)
        assert (record.from_state, record.to_state, record.actor, record.role) == (
            "unit_notice",
            "unit_notice",
            officer,
            "unit_hr",
        )
        assert record.opinion == "公示无异议"
    # Only once.
    with pytest.raises(ValidationError):
        notices.notice_conclude(notice=notice, user=officer, result="objection_upheld", note="x", today=D(2025, 10, 11))
    assert ReviewRecord.objects.filter(action=Action.NOTICE_RESULT).count() == 2
    # Passed people do not wait for a notice again, and cannot be put in another one this round.
    assert not notices.applications_awaiting_notice(unit).exists()
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, applications[:1], today=D(2025, 9, 20)))
    assert caught.value.message_dict["applications"] == ["张三的公示已结束且无异议，请推荐上报。"]


def test_objection_upheld_needs_the_people_and_a_note(unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    with pytest.raises(ValidationError) as caught:
        notices.notice_conclude(notice=notice, user=officer, result="objection_upheld", note=" ", today=D(2025, 10, 10))
    assert caught.value.message_dict == {
        "objections": ["请勾选异议成立的人员。"],
        "note": ["异议成立时须写明异议内容及核实情况。"],
    }
    other = in_notice_stage(member("applicant", unit, real_name="赵六"))  # same unit, not in this notice
    with pytest.raises(ValidationError) as caught:
        notices.notice_conclude(
            notice=notice, user=officer, result="objection_upheld", note="x", objections=[other], today=D(2025, 10, 10)
        )
    assert caught.value.message_dict == {"objections": ["所选人员不在本次公示中。"]}
    with pytest.raises(ValidationError) as caught:
        notices.notice_conclude(
            notice=notice, user=officer, result="no_objection", objections=[applications[0]], today=D(2025, 10, 10)
        )
    assert caught.value.message_dict == {"objections": ["公示无异议时不应勾选异议成立人员。"]}
    notice.refresh_from_db()
    assert notice.result == NoticeResult.PENDING and not notice.objections.exists()
    assert not ReviewRecord.objects.filter(action=Action.NOTICE_RESULT).exists()


def test_an_upheld_objection_stops_only_the_person_it_concerns(unit_setup):
    unit, officer, applications = unit_setup
    zhang, wang = applications
    notice = past_notice(unit, officer, applications)
    notices.notice_conclude(
        notice=notice,
        user=officer,
        result="objection_upheld",
        note="论文存在抄袭，经核实属实。",
        objections=[zhang],
        today=D(2025, 10, 10),
    )
    zhang, wang = (Application.objects.get(pk=a.pk) for a in applications)
    assert not can_proceed(zhang.notice_recommend)
    assert can_proceed(wang.notice_recommend)
    # The note is about 张三: it goes on his record only, never on 王五's (he reads his own timeline).
    opinions = dict(
        ReviewRecord.objects.filter(action=Action.NOTICE_RESULT).values_list(
            "application__applicant__real_name", "opinion"
        )
    )
    assert opinions == {"张三": "异议成立：论文存在抄袭，经核实属实。", "王五": "公示无异议"}
    # 王五 passed and waits for no other notice; 张三 waits (after a return and resubmission, a new notice).
    assert list(notices.applications_awaiting_notice(unit)) == [zhang]
    with pytest.raises(ValidationError) as caught:
        notices.notice_open(**open_kwargs(unit, officer, [wang], today=D(2025, 9, 20)))
    assert caught.value.message_dict["applications"] == ["王五的公示已结束且无异议，请推荐上报。"]


def test_a_one_person_notice_needs_no_ticking(unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications[:1])
    notices.notice_conclude(
        notice=notice, user=officer, result="objection_upheld", note="学历造假。", today=D(2025, 10, 10)
    )
    assert list(notice.objections.all()) == applications[:1]
    assert not can_proceed(Application.objects.get(pk=applications[0].pk).notice_recommend)


def test_the_page_records_one_persons_objection(client, unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    client.force_login(officer)
    page = client.get(reverse("reviews:notice_detail", args=[notice.pk])).content.decode()
    assert "异议成立人员" in page and "张三（" in page and "王五（" in page
    url = reverse("reviews:notice_conclude", args=[notice.pk])
    response = client.post(url, {"result": "objection_upheld", "note": "论文抄袭。"})
    assert response.status_code == 400
    assert "请勾选异议成立的人员。" in response.content.decode() and "论文抄袭。" in response.content.decode()
    response = client.post(url, {"result": "objection_upheld", "note": "论文抄袭。", "objections": ["999999"]})
    assert response.status_code == 400 and "所选人员不在本次公示中。" in response.content.decode()
    response = client.post(
        url, {"result": "objection_upheld", "note": "论文抄袭。", "objections": [applications[0].pk]}, follow=True
    )
    page = response.content.decode()
    assert "已登记公示结果。" in page and "（1人）" in page
    assert page.count('class="person-result"') == 2
    assert list(UnitNotice.objects.get(pk=notice.pk).objections.all()) == applications[:1]


def test_an_unknown_result_is_refused(unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    with pytest.raises(ValidationError) as caught:
        notices.notice_conclude(notice=notice, user=officer, result="pending", note="", today=D(2025, 10, 10))
    assert "result" in caught.value.message_dict


def test_conclude_through_the_page(client, unit_setup):
    unit, officer, applications = unit_setup
    notice = past_notice(unit, officer, applications)
    client.force_login(officer)
    page = client.get(reverse("reviews:notice_detail", args=[notice.pk])).content.decode()
    assert 'id="conclude"' in page and "2025-10-09" in page
    response = client.post(
        reverse("reviews:notice_conclude", args=[notice.pk]), {"result": "objection_upheld", "note": ""}
    )
    assert response.status_code == 400
    assert "异议成立时须写明异议内容及核实情况。" in response.content.decode()
    response = client.post(
        reverse("reviews:notice_conclude", args=[notice.pk]), {"result": "no_objection", "note": ""}, follow=True
    )
    assert "已登记公示结果。" in response.content.decode()
    notice.refresh_from_db()
    assert notice.result == NoticeResult.NO_OBJECTION
    assert 'id="conclude"' not in response.content.decode()


def test_page_offers_no_result_form_before_the_end_and_refuses_a_post(client, unit_setup):
    unit, officer, applications = unit_setup
    today = timezone.localdate()
    notice = notices.notice_open(**open_kwargs(unit, officer, applications, start_date=today, today=today))
    client.force_login(officer)
    page = client.get(reverse("reviews:notice_detail", args=[notice.pk])).content.decode()
    assert 'id="conclude"' not in page and 'id="conclude-later"' in page
    response = client.post(
        reverse("reviews:notice_conclude", args=[notice.pk]), {"result": "no_objection"}, follow=True
    )
    assert "结束后才能登记公示结果" in response.content.decode()
    notice.refresh_from_db()
    assert notice.result == NoticeResult.PENDING
