"""The interview (答辩): the office schedules one slot per applicant, the applicant is told (once
per scheduling) and sees the slot on their progress page, the office records who came, and an
absence is shown at the vote without stopping it; every page is scoped."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import State
from portal.notifications.models import Notification, SmsMessage
from portal.organizations.models import Role
from reviews import interviews, meetings, online
from reviews.models import InterviewAttendance, SessionEvent
from tests.factories import member
from tests.meeting_helpers import attend, roll, sitting
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 8)


def t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


@pytest.fixture
def session(demo):
    first = at(State.COMMITTEE_REVIEW, "evaluation")
    first.committee.holds_interview = True
    first.committee.save(update_fields=["holds_interview"])
    other = member(Role.APPLICANT, first.unit, real_name="钱敏")
    at(State.COMMITTEE_REVIEW, "evaluation", applicant=other)
    return sitting(7, application=first)


def applications(session):
    return list(session.applications.order_by("pk"))


def schedule(session, application, start="09:00", end="09:20", place="市人社局三楼第一会议室", day=DAY):
    return interviews.interview_schedule(
        session_id=session.pk,
        application_id=application.pk,
        date=day,
        starts_at=t(start),
        ends_at=t(end),
        place=place,
        by=user("committee_office"),
    )


def form(application, start="09:00", end="09:20", place="市人社局三楼第一会议室"):
    return {
        "interview-application": application.pk,
        "interview-date": DAY.isoformat(),
        "interview-starts_at": start,
        "interview-ends_at": end,
        "interview-place": place,
    }


def test_a_clashing_slot_is_refused_with_a_chinese_message_at_the_field(client, session):
    first, second = applications(session)
    client.force_login(user("committee_office"))
    url = reverse("reviews:session_interview_schedule", args=[session.pk])
    assert client.post(url, form(first)).status_code == 302
    response = client.post(url, form(second, start="09:10", end="09:30", place="二楼会议室"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "该时段与" in page and "冲突，同一时段只能安排一位申报人" in page
    assert 'id="id_interview-starts_at"' in page and 'aria-invalid="true"' in page
    # Back to back is no clash.
    assert client.post(url, form(second, start="09:20", end="09:40")).status_code == 302
    assert session.interviews.count() == 2


def test_an_end_before_the_start_is_refused_at_the_field(session):
    first, _second = applications(session)
    with pytest.raises(ValidationError) as refused:
        schedule(session, first, start="10:00", end="09:30")
    assert "结束时间须晚于开始时间" in refused.value.message_dict["ends_at"][0]


def test_a_committee_without_interviews_refuses_a_slot(session):
    session.committee.holds_interview = False
    session.committee.save(update_fields=["holds_interview"])
    with pytest.raises(ValidationError, match="不组织答辩"):
        schedule(session, applications(session)[0])


def test_the_notice_goes_once_per_scheduling_and_again_on_a_change(session, django_capture_on_commit_callbacks):
    first, _second = applications(session)
    applicant = first.applicant
    with django_capture_on_commit_callbacks(execute=True):
        schedule(session, first)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(session, first)  # the same slot again: nothing new to tell
    notices = Notification.objects.filter(recipient=applicant, event="interview_scheduled")
    assert notices.count() == 1
    slot = session.interviews.get()
    interviews._tell(slot.pk, slot.revision)  # the after-commit step run twice: still one notice
    assert notices.count() == 1
    sms = SmsMessage.objects.filter(notification__in=notices).get()
    assert sms.text == f"请于2026-12-08 09:00—09:20到市人社局三楼第一会议室参加答辩（{session.committee.name}）。"
    with django_capture_on_commit_callbacks(execute=True):
        schedule(session, first, start="14:00", end="14:20", place="二楼会议室")
    assert notices.count() == 2
    latest = SmsMessage.objects.filter(notification__in=notices).order_by("-id").first()
    assert latest.text.startswith("【答辩变更】请于2026-12-08 14:00—14:20到二楼会议室")
    # The notice holds no secret: no expert is named.
    names = {m.expert.user.real_name for m in roll(session)}
    assert not any(name in latest.text for name in names)


def test_a_moved_interview_forgets_the_old_attendance(session):
    first, _second = applications(session)
    slot = schedule(session, first)
    interviews.interview_attendance_record(slot_id=slot.pk, by=user("committee_office"), attended=False, note="请假")
    slot = schedule(session, first, start="15:00", end="15:20")
    assert (slot.attendance, slot.attendance_note, slot.revision) == (InterviewAttendance.PENDING, "", 2)


def test_the_applicant_sees_their_own_slot_and_no_one_elses(client, session):
    first, second = applications(session)
    schedule(session, first)
    schedule(session, second, start="09:20", end="09:40", place="二楼会议室")
    client.force_login(first.applicant)
    page = client.get(reverse("applications:timeline", args=[first.pk])).content.decode()
    assert 'id="interview"' in page and "2026-12-08 09:00—09:20" in page and "市人社局三楼第一会议室" in page
    assert "二楼会议室" not in page
    assert client.get(reverse("applications:timeline", args=[second.pk])).status_code == 404
    assert client.get(reverse("reviews:session_interviews", args=[session.pk])).status_code == 404


def test_absence_is_shown_on_the_ballot_page_and_does_not_stop_the_vote(client, session):
    first, second = applications(session)
    office = user("committee_office")
    slot = schedule(session, first)
    schedule(session, second, start="09:20", end="09:40")
    client.force_login(office)
    response = client.post(
        reverse("reviews:interview_attendance", args=[slot.pk]),
        {f"slot{slot.pk}-attendance": "absent", f"slot{slot.pk}-note": "未说明原因"},
    )
    assert response.status_code == 302
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office)
    client.force_login(present[0].expert.user)
    page = client.get(reverse("reviews:ballots")).content.decode()
    row_first = page[page.index(f'id="ballot-{first.pk}"') :].split("</tr>")[0]
    row_second = page[page.index(f'id="ballot-{second.pk}"') :].split("</tr>")[0]
    assert "答辩缺席" in row_first and "未说明原因" in row_first and 'name="b' in row_first
    assert "答辩缺席" not in row_second
    meetings.ballot_cast(session_id=session.pk, application_id=first.pk, by=present[0].expert.user, choice="for")
    client.force_login(office)
    page = client.get(reverse("reviews:session", args=[session.pk])).content.decode()
    tally = page[page.index(f'id="tally-{first.pk}"') :].split("</tr>")[0]
    assert "答辩缺席" in tally
    trail = list(SessionEvent.objects.filter(session=session, action=meetings.INTERVIEW_ATTENDANCE))
    assert [e.detail for e in trail] == [f"{first.applicant.real_name}答辩缺席（未说明原因）"]
    assert "答辩到场登记" in page and "答辩缺席（未说明原因）" in page


def test_no_slot_is_scheduled_once_the_vote_has_opened(session):
    attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=user("committee_office"))
    with pytest.raises(ValidationError, match="表决已经开始"):
        schedule(session, applications(session)[0])


def test_the_schedule_page_is_the_sessions_experts_and_office_only(client, session):
    first, _second = applications(session)
    schedule(session, first)
    url = reverse("reviews:session_interviews", args=[session.pk])
    drawn = roll(session)[0].expert.user
    client.force_login(drawn)
    assert "市人社局三楼第一会议室" in client.get(url).content.decode()
    online.online_review_open(session_id=session.pk, by=user("committee_office"))
    assert url in client.get(reverse("reviews:online")).content.decode()  # how the expert finds it
    client.force_login(user("committee_office"))
    assert client.get(url).status_code == 200
    # An expert of the pool who is not drawn into this session: as if it did not exist.
    outsider = member(Role.COMMITTEE_EXPERT, first.unit)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(user("unit_hr"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("reviews:session_interviews", args=[999999])).status_code == 404


def test_the_demo_session_shows_an_interview_slot_and_a_discipline_group(catalog):
    from home.demo import load_demo
    from reviews.models import CommitteeSession, GroupOpinion, InterviewSlot

    load_demo()
    demo_session = CommitteeSession.objects.get()
    slot = InterviewSlot.objects.get(session=demo_session)
    assert slot.attendance == InterviewAttendance.PRESENT and slot.place
    assert demo_session.groups.get().members.count() == 5
    assert GroupOpinion.objects.filter(group__session=demo_session).count() == 1
    assert demo_session.vote_opened_at is not None
