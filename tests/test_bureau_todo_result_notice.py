"""The bureau's to-do (待我处理, the queue's default view) lists the applications at the result
notice (评审结果公示) with what is pending on each: the office's notice still to publish, the notice
running until its end date, the result still to record, or the file ready to be filed (核准备案).
Before, they were only in the "all" view the dashboard linked to."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from reviews import meetings, result_notices
from reviews.models import NoticeResult, UnitNotice
from tests.meeting_helpers import attend, sitting, vote
from tests.test_result_notice import after, office, publish
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db


def _row(client, application) -> str:
    page = client.get(reverse("reviews:queue")).content.decode()
    start = page.find(f'id="application-{application.pk}"')
    assert start != -1, "not in the bureau's to-do"
    return page[start : page.find("</tr>", start)]


def test_the_bureaus_todo_lists_the_result_notice_with_what_is_pending(client, demo):
    session = sitting(10)
    application = session.applications.get()
    present = attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, application, present, votes_for=8, votes_against=2)
    meetings.vote_close(session_id=session.pk, by=office())
    meetings.vote_sign(session_id=session.pk, by=office())
    application.refresh_from_db()
    assert application.state == State.RESULT_NOTICE
    client.force_login(user("bureau_approver"))
    assert "待评委会办事机构发布评审结果公示" in _row(client, application)
    notice = publish(session)
    row = _row(client, application)
    assert f"公示中，至{notice.end_date:%Y-%m-%d}结束" in row
    # Ended, result not recorded yet (the page is read on a later day).
    result_notices.result_notice_conclude(
        notice_id=notice.pk, by=office(), result=NoticeResult.NO_OBJECTION, today=after(notice)
    )
    assert "公示无异议，可核准备案" in _row(client, application)
    # The dashboard's count of what waits for the bureau includes it.
    dashboard = client.get(reverse("home:dashboard")).content.decode()
    assert f'href="{reverse("reviews:detail", args=[application.pk])}"' in dashboard


def test_a_notice_past_its_end_waits_for_the_office_to_record_the_result(client, demo):
    session = sitting(10)
    application = session.applications.get()
    present = attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, application, present, votes_for=8, votes_against=2)
    meetings.vote_close(session_id=session.pk, by=office())
    meetings.vote_sign(session_id=session.pk, by=office())
    notice = publish(session)
    # Its days have passed (read a month later).
    past = timezone.localdate() - datetime.timedelta(days=30)
    UnitNotice.objects.filter(pk=notice.pk).update(start_date=past, end_date=past + datetime.timedelta(days=7))
    client.force_login(user("bureau_approver"))
    assert "公示期已满，待办事机构登记公示结果" in _row(client, application)
    # Other roles' to-do lists do not gain it.
    client.force_login(user("unit_hr"))
    assert f'id="application-{application.pk}"' not in client.get(reverse("reviews:queue")).content.decode()
