"""Notifications, second look: a step that rolls back leaves nothing behind, overdue counting on a
pinned calendar with a holiday and a 调休 working Saturday, and the wording of every message with
the optional values empty (no "，。", "（）", "：。" or "None" left in the text)."""

import datetime
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
from django.db.models import QuerySet

from applications import services as filing
from applications.models import Action, Application, ReviewRecord, State
from portal.notifications import events, templating
from portal.notifications.models import DigestEntry, EmailMessage, Notification, SmsMessage
from reviews import alerts as triggers
from reviews import reminders
from reviews import services as review_services
from reviews.models import Holiday
from tests.filing_helpers import fill_everything
from tests.workflow_helpers import start, step, submitted, user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def nothing_recorded():
    return not (
        Notification.objects.exists()
        or SmsMessage.objects.exists()
        or EmailMessage.objects.exists()
        or DigestEntry.objects.exists()
    )


class Boom(RuntimeError):
    pass


def _explode_after_notify(monkeypatch):
    """The applicant's notification is recorded, then the step fails before it commits."""

    def boom(application):
        assert Notification.objects.filter(application=application).exists()
        raise Boom

    monkeypatch.setattr(triggers, "queue_for_digest", boom)


# --- a step that rolls back records no notification -------------------------------------------------


def test_a_review_step_that_rolls_back_records_and_sends_nothing(demo, monkeypatch, django_capture_on_commit_callbacks):
    application = submitted("initial_recognition")
    Notification.objects.all().delete()
    SmsMessage.objects.all().delete()
    EmailMessage.objects.all().delete()
    DigestEntry.objects.all().delete()
    records = ReviewRecord.objects.count()
    _explode_after_notify(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        step(application, "unit_hr", "return_for_changes", "请补充学历证明")
    assert callbacks == [] and nothing_recorded()
    application.refresh_from_db()
    assert application.state == State.UNIT_REVIEW and ReviewRecord.objects.count() == records


def test_a_submission_that_rolls_back_records_and_sends_nothing(demo, monkeypatch, django_capture_on_commit_callbacks):
    draft = fill_everything(start("initial_recognition"))
    _explode_after_notify(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        filing.application_submit(application=draft, user=draft.applicant)
    assert callbacks == [] and nothing_recorded()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and not draft.records.exists()


def test_a_committee_result_that_rolls_back_records_and_sends_nothing(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    application = submitted("evaluation")
    Application.objects.filter(pk=application.pk).update(state=State.COMMITTEE_REVIEW)
    Notification.objects.all().delete()
    SmsMessage.objects.all().delete()
    EmailMessage.objects.all().delete()
    DigestEntry.objects.all().delete()
    _explode_after_notify(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        review_services.committee_record(
            application_id=application.pk,
            user=user("bureau_approver"),
            members=10,
            present=10,
            votes_for=9,
            votes_against=1,
            abstentions=0,
            opinion="评审通过",
        )
    assert callbacks == [] and nothing_recorded()
    application.refresh_from_db()
    assert application.state == State.COMMITTEE_REVIEW
    assert not application.records.filter(action=Action.COMMITTEE).exists()


# --- overdue on a pinned calendar ---------------------------------------------------------------------


def test_overdue_counts_a_holiday_out_and_a_working_saturday_in(demo, settings, django_capture_on_commit_callbacks):
    """Entered on Friday 2030-04-26; Saturday 04-27 is a 调休 working day, Wednesday 05-01 a holiday
    (the admin's table: the calendar library does not know 2030). Limit: 2 working days."""
    settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS = 2
    Holiday.objects.create(date=datetime.date(2030, 4, 27), is_workday=True, name="劳动节调休")
    Holiday.objects.create(date=datetime.date(2030, 5, 1), is_workday=False, name="劳动节")
    application = submitted("initial_recognition")
    entered = datetime.datetime(2030, 4, 26, 16, 0, tzinfo=SHANGHAI)
    # Records are append-only; the test moves the submission back in time past that guard.
    QuerySet.update(ReviewRecord.objects.filter(application=application), created_at=entered)
    Application.objects.filter(pk=application.pk).update(submitted_at=entered)

    def waited(day):
        found = reminders.overdue_applications(now=datetime.datetime(*day, 9, 15, tzinfo=SHANGHAI))
        return [o.waited for o in found]

    # Sat (working) 1, Sun 1, Mon 2: not yet more than 2.
    assert waited((2030, 4, 29)) == []
    # Tue 3: overdue. Without the working Saturday it would still be 2.
    assert waited((2030, 4, 30)) == [3]
    # Wed is the holiday: still 3, and nobody is reminded on it.
    assert waited((2030, 5, 1)) == [3]
    assert reminders.overdue_stages_remind(now=datetime.datetime(2030, 5, 1, 9, 15, tzinfo=SHANGHAI)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.overdue_stages_remind(now=datetime.datetime(2030, 4, 30, 9, 15, tzinfo=SHANGHAI)) == 1
    [reminder] = Notification.objects.filter(recipient=user("unit_hr"), event="stage_overdue")
    assert "已等待3个工作日" in reminder.body and "2030-04-26 16:00起" in reminder.body


# --- wording -------------------------------------------------------------------------------------------

REALISTIC = {
    "name": "张伟",
    "portal_name": "职称申报服务平台",
    "url": "http://127.0.0.1:8000/applications/1/",
    "applicant": "张伟",
    "unit": "昆明市第一中学",
    "item": "初次认定",
    "series": "中小学教师",
    "title": "二级教师",
    "state": "已提交，等待工作单位审核",
    "opinion": "请补充学历证明",
    "organization": "昆明市第一中学",
    "window_name": "昆明市政务服务中心人才服务窗口",
    "window_address": "昆明市呈贡区市级行政中心政务服务大厅",
    "window_phone": "0871-63190000",
    "acceptance_number": "受理〔2026〕0000001",
    "returned_from": "单位审核",
    "returns_left": 2,
    "deadline": "2026-12-01 00:00",
    "certificate_number": "530100-2026-0001",
    "place": "昆明市政务服务中心人才服务窗口",
    "address": "昆明市呈贡区市级行政中心政务服务大厅",
    "note": "周六、周日不办公",
    "carrier": "中国邮政EMS",
    "tracking_number": "EMS1234567",
    "express_address": "昆明市五华区人民中路1号",
    "date": "2026-11-23",
    "new_count": 2,
    "waiting_count": 3,
    "items": [
        {
            "applicant": "张伟",
            "unit": "昆明市第一中学",
            "item": "初次认定",
            "title": "二级教师",
            "stage": "单位审核",
            "since": "2026-11-20 10:00",
            "waited": 6,
        }
    ],
    "days": 5,
    "count": 1,
    "week": "2026年第48周",
    "total": 1,
    "stages": [{"stage": "单位审核", "count": 1}],
    "unit_name": "昆明市第一中学",
    "reason": "统一社会信用代码与营业执照不符",
    "notice_title": "关于张伟申报职称的公示",
    "start_date": "2026-11-24",
    "end_date": "2026-11-30",
    "contact_person": "李娜",
    "phone": "0871-65310000",
    "committee": "昆明市中小学教师高级职务评审委员会",
    "closes_at": "2026-12-01 00:00",
    "days_left": 7,
    "old_start_date": "2026-11-23",
    "old_end_date": "2026-11-29",
    "sender": "李娜",
    "topic": "材料提交提醒",
    "message": "请于本周五前提交年度考核表。",
    "starts_at": "09:00",
    "ends_at": "09:20",
    "changed": True,
}
# Values a caller may pass empty: a step without an opinion (or one that was only punctuation), a
# record without an organization, a window without address or phone, an expired deadline, …
MAY_BE_EMPTY = [
    "opinion",
    "organization",
    "window_address",
    "window_phone",
    "deadline",
    "address",
    "note",
    "express_address",
    "committee",
]
# A "：" at a line's end is fine only where a list follows (numbered rows, the stages, 明细).
ARTEFACTS = re.compile(
    r"，。|（）|“”|：。|：，|：\n(?!\d+\. |单位审核：|明细)|：$|，，|。。|None|已由审核|到核验|\{\{|\{%"
)


def test_every_default_message_reads_cleanly_with_optional_values_empty():
    assert set(REALISTIC) >= {name for e in events.EVENTS.values() for name in e.all_variables}
    problems = []
    for event in events.EVENTS.values():
        optional = [name for name in MAY_BE_EMPTY if name in event.all_variables]
        for size in range(len(optional) + 1):
            for empty in itertools.combinations(optional, size):
                values = {**REALISTIC, **dict.fromkeys(empty, "")}
                for part, source in (("subject", event.subject), ("body", event.body), ("sms", event.sms)):
                    text = templating.render(source, values)
                    # "您好：" ends the greeting line; anything else ending in "：" lost its value.
                    text = text.replace("您好：\n", "您好，\n")
                    for found in ARTEFACTS.finditer(text):
                        problems.append((event.key, part, empty, text[max(0, found.start() - 20) : found.end() + 5]))
    assert problems == []


def test_a_punctuation_only_opinion_leaves_no_empty_label(demo, django_capture_on_commit_callbacks):
    application = submitted("initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        step(application, "unit_hr", "return_for_changes", "。")
    returned = Notification.objects.filter(recipient=user("applicant")).order_by("id").last()
    sms = returned.sms_messages.get().text
    assert returned.event == "application_returned"
    assert "需要修改的内容：\n" not in returned.body and "审核意见：。" not in sms


def test_submitted_and_approved_do_not_repeat_themselves(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted("initial_recognition")
        application = step(application, "unit_hr", "unit_recommend", "同意")
        application = step(application, "window_staff", "window_accept", "原件一致")
        step(application, "bureau_approver", "bureau_approve", "同意认定")
    inbox = {n.event: n for n in Notification.objects.filter(recipient=user("applicant"))}
    submitted_sms = inbox["application_submitted"].sms_messages.get().text
    assert "已提交：已提交" not in submitted_sms and "当前状态：已提交，等待工作单位审核" in submitted_sms
    approved = inbox["application_approved"].body
    assert "已审核通过：审核通过" not in approved and "审核意见：同意认定" in approved


def test_waiting_for_the_committee_meeting_is_not_overdue(demo, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS = 5
    at_committee = submitted("evaluation")
    Application.objects.filter(pk=at_committee.pk).update(state=State.COMMITTEE_REVIEW)
    at_unit = submitted("initial_recognition")
    later = datetime.datetime.now(tz=SHANGHAI) + datetime.timedelta(days=30)
    assert [o.application for o in reminders.overdue_applications(now=later)] == [at_unit]


# --- language ------------------------------------------------------------------------------------------


def test_a_reviewer_on_the_english_pages_sends_the_applicant_chinese(demo, django_capture_on_commit_callbacks):
    from django.utils import translation

    application = submitted("initial_recognition")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        step(application, "unit_hr", "return_for_changes", "请补充学历证明")
        assert translation.get_language() == "en"
    returned = Notification.objects.filter(recipient=user("applicant")).order_by("id").last()
    assert "在“单位审核”环节被退回" in returned.body, returned.body
    assert "Unit review" not in returned.body and "Resubmit" not in returned.body


def test_the_english_pages_do_not_leak_into_a_submission_message(client, demo, django_capture_on_commit_callbacks):
    from django.utils import translation

    draft = fill_everything(start("initial_recognition"))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        filing.application_submit(application=draft, user=draft.applicant)
    [message] = Notification.objects.filter(recipient=user("applicant"))
    assert "当前状态：已提交，等待工作单位审核" in message.body
