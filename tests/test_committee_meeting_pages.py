"""The meeting's pages: the office runs the roll call, vote, sign-off and result notice from the
session page; each present expert votes on their ballot page; bad input comes back at its field;
the tallies are the office's and the bureau's, and no page shows who voted how."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from reviews import meetings
from reviews.models import Ballot, BallotReceipt
from tests.meeting_helpers import attend, grow_pool, roll, sitting, vote
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(demo):
    return sitting(7)


def as_user(client, person):
    client.force_login(person)
    return client


def test_the_office_records_attendance_and_is_refused_without_quorum(client, session):
    office = as_user(client, user("committee_office"))
    members = roll(session)
    url = reverse("reviews:session_attendance", args=[session.pk])
    response = office.post(url, {"present": [m.pk for m in members[:4]]})
    assert response.status_code == 302
    response = office.post(reverse("reviews:session_vote_open", args=[session.pk]), follow=True)
    page = response.content.decode()
    assert "实到委员4人" in page and "至少5人" in page and "尚缺1人" in page
    office.post(url, {"present": [m.pk for m in members[:5]]})
    response = office.post(reverse("reviews:session_vote_open", args=[session.pk]), follow=True)
    assert "表决已开始" in response.content.decode()


def test_a_stranger_in_the_attendance_form_is_refused_at_the_field(client, session):
    office = as_user(client, user("committee_office"))
    response = office.post(reverse("reviews:session_attendance", args=[session.pk]), {"present": ["999999"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "签到未登记" in page and 'aria-invalid="true"' in page


def test_the_expert_votes_once_on_their_ballot_page_and_sees_no_tally(client, session):
    present = attend(session, 7)
    application = session.applications.get()
    meetings.vote_open(session_id=session.pk, by=user("committee_office"))
    expert = as_user(client, present[0].expert.user)
    page = expert.get(reverse("reviews:ballots")).content.decode()
    assert application.applicant.real_name in page and "同意" in page
    cast = reverse("reviews:ballot_cast", args=[session.pk, application.pk])
    prefix = f"b{session.pk}-{application.pk}"
    response = expert.post(cast, {})
    assert response.status_code == 400 and "请选择同意、不同意或弃权" in response.content.decode()
    assert expert.post(cast, {f"{prefix}-choice": "for"}).status_code == 302
    page = expert.get(reverse("reviews:ballots")).content.decode()
    assert "已投票" in page
    response = expert.post(cast, {f"{prefix}-choice": "against"})
    assert response.status_code == 400 and "不能重复投票" in response.content.decode()
    assert Ballot.objects.count() == 1 and BallotReceipt.objects.count() == 1


def test_an_absent_or_undrawn_expert_has_no_ballot_page(client, session):
    attend(session, 6)
    absent = roll(session)[6]
    application = session.applications.get()
    meetings.vote_open(session_id=session.pk, by=user("committee_office"))
    for person in (absent.expert.user, user("committee_expert"), user("applicant")):
        client.force_login(person)
        response = client.post(
            reverse("reviews:ballot_cast", args=[session.pk, application.pk]),
            {f"b{session.pk}-{application.pk}-choice": "for"},
        )
        assert response.status_code == 404
    assert not Ballot.objects.exists()


def test_paper_ballots_close_and_sign_then_the_bureau_sees_the_tally_and_the_unit_does_not(client, session):
    present = attend(session, 7)
    application = session.applications.get()
    office_user = user("committee_office")
    meetings.vote_open(session_id=session.pk, by=office_user)
    vote(session, application, present[1:], votes_for=5, votes_against=1)
    office = as_user(client, office_user)
    response = office.post(
        reverse("reviews:session_paper_ballot", args=[session.pk]),
        {"member": present[0].pk, "application": application.pk, "choice": "abstain"},
    )
    assert response.status_code == 302
    page = office.get(reverse("reviews:session", args=[session.pk])).content.decode()
    assert 'id="tallies"' in page
    office.post(reverse("reviews:session_vote_close", args=[session.pk]))
    response = office.post(reverse("reviews:session_vote_sign", args=[session.pk]), follow=True)
    assert "评审结果已签发" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.RESULT_NOTICE
    bureau_page = as_user(client, user("bureau_approver")).get(reverse("reviews:detail", args=[application.pk]))
    assert 'id="committee-tally"' in bureau_page.content.decode() and "同意5票" in bureau_page.content.decode()
    unit_page = as_user(client, user("unit_hr")).get(reverse("reviews:detail", args=[application.pk]))
    assert unit_page.status_code == 200
    assert 'id="committee-tally"' not in unit_page.content.decode() and "同意5票" not in unit_page.content.decode()
    applicant_page = as_user(client, application.applicant).get(reverse("applications:timeline", args=[application.pk]))
    text = applicant_page.content.decode()
    assert "评审结果公示" in text and "同意5" not in text and "5票" not in text


def test_the_chair_signs_from_the_ballot_page_seeing_outcomes_not_counts(client, session):
    present = attend(session, 7)
    application = session.applications.get()
    office_user = user("committee_office")
    meetings.chair_designate(session_id=session.pk, by=office_user, member_id=present[2].pk)
    meetings.vote_open(session_id=session.pk, by=office_user)
    vote(session, application, present, votes_for=6, votes_against=1)
    meetings.vote_close(session_id=session.pk, by=office_user)
    chair = as_user(client, present[2].expert.user)
    page = chair.get(reverse("reviews:ballots")).content.decode()
    section = page.split('id="sign-')[1].split("</section>")[0]
    assert 'id="chair-sign"' in section and "通过" in section
    assert "同意" not in section and "票" not in section
    other = roll(session)[3].expert.user
    client.force_login(other)
    assert client.post(reverse("reviews:session_vote_sign", args=[session.pk])).status_code == 404
    chair = as_user(client, present[2].expert.user)
    assert chair.post(reverse("reviews:session_vote_sign", args=[session.pk])).status_code == 302
    application.refresh_from_db()
    assert application.state == State.RESULT_NOTICE


def test_a_result_notice_with_bad_input_keeps_what_was_typed(client, session):
    present = attend(session, 7)
    application = session.applications.get()
    office_user = user("committee_office")
    meetings.vote_open(session_id=session.pk, by=office_user)
    vote(session, application, present, votes_for=7)
    meetings.vote_close(session_id=session.pk, by=office_user)
    meetings.vote_sign(session_id=session.pk, by=office_user)
    office = as_user(client, office_user)
    url = reverse("reviews:session_result_notice", args=[session.pk])
    data = {"title": "我的公示标题", "contact_person": "周洁", "phone": "0871-1", "start_date": "", "working_days": "3"}
    response = office.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "我的公示标题" in page and "公示未发布" in page
    data.update(start_date=str(timezone.localdate()), working_days="5")
    response = office.post(url, data, follow=True)
    assert "评审结果公示已发布" in response.content.decode()
    public = client.get(reverse("reviews:public_notices")).content.decode()
    assert "我的公示标题" in public and application.applicant.real_name in public


def test_the_session_trail_exports_every_step_neutralised_and_no_ballot(client, session):
    from io import BytesIO

    from openpyxl import load_workbook

    from reviews import draws

    office_user = user("committee_office")
    members = roll(session)
    grow_pool(session.committee, 1)  # someone left to replace them with
    draws.conflict_surfaced(
        session_expert_id=members[0].pk,
        application_id=session.applications.get().pk,
        note="=HYPERLINK(1)",
        by=office_user,
    )
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office_user)
    vote(session, session.applications.get(), present, votes_for=7)
    meetings.vote_close(session_id=session.pk, by=office_user)
    meetings.vote_sign(session_id=session.pk, by=office_user)
    unit = present[0].expert.unit
    unit.name = "=1+2"
    unit.save(update_fields=["name"])
    response = as_user(client, office_user).get(reverse("reviews:session_trail", args=[session.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["抽取记录", "专家与签到", "会议记录", "评审结果"]
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert not [c for c in cells if c.startswith("=")]
    assert "'=1+2" in cells
    assert any("利益关系（=HYPERLINK(1)）" in c for c in cells)
    trail = [row for row in book["会议记录"].iter_rows(values_only=True)][1:]
    actions = [row[2] for row in trail]
    assert actions[:2] == ["利益冲突回避并补抽", "登记签到"] and "签发评审结果" in actions
    ballots = [row[3] for row in trail if row[2] == "投票"]
    assert len(ballots) == 7 and not [b for b in ballots if "同意" in b or "弃权" in b]
    assert [row[7] for row in book["评审结果"].iter_rows(values_only=True)][1:] == ["通过"]
