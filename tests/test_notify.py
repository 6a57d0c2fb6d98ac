"""Notifications: who gets what at each workflow step, the inbox, preferences, bad addresses, the
admin's templates, and the outbox surviving a broker that is down."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from applications.models import State
from applications.workflow import services as workflow_services
from portal.accounts.models import User
from portal.notifications import services
from portal.notifications.models import (
    DigestEntry,
    EmailMessage,
    FailureKind,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    SmsMessage,
    SmsStatus,
)
from portal.notifications.outbox import dispatch_outbox
from portal.notifications.tasks import send_email, send_sms
from reviews import services as review_services
from tests.factories import DepartmentFactory, UnitFactory, member
from tests.workflow_helpers import file_result, step, submitted, user

pytestmark = pytest.mark.django_db

WINDOW_ADDRESS = "昆明市呈贡区市级行政中心政务服务大厅"


def inbox(role_or_user):
    person = user(role_or_user) if isinstance(role_or_user, str) else role_or_user
    return list(Notification.objects.filter(recipient=person).order_by("created_at", "id"))


def events(role_or_user):
    return [n.event for n in inbox(role_or_user)]


def sms_for(notification):
    return notification.sms_messages.get()


# --- who gets what, step by step --------------------------------------------------------------------


def test_walk_the_initial_recognition_route_and_read_each_inbox(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted("initial_recognition")
    assert events("applicant") == ["application_submitted"]
    assert DigestEntry.objects.filter(recipient=user("unit_hr"), application=application).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        application = step(application, "unit_hr", "unit_recommend", "情况属实，同意推荐")
    notice = inbox("applicant")[-1]
    assert notice.event == "application_window_intake"
    assert "携带纸质材料原件" in notice.body and WINDOW_ADDRESS in notice.body and "情况属实，同意推荐" in notice.body
    assert WINDOW_ADDRESS in sms_for(notice).text
    assert DigestEntry.objects.filter(recipient=user("window_staff"), state=State.WINDOW_INTAKE).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        application = step(application, "window_staff", "window_accept", "原件与上传一致")
    accepted = inbox("applicant")[-1]
    assert accepted.event == "application_accepted"
    assert application.acceptance_number in accepted.subject
    sms = sms_for(accepted)
    assert application.acceptance_number in sms.text and WINDOW_ADDRESS in sms.text
    assert sms.purpose == "workflow_bureau_approval" and sms.status == SmsStatus.SENT
    assert DigestEntry.objects.filter(recipient=user("bureau_approver"), state=State.BUREAU_APPROVAL).exists()

    with django_capture_on_commit_callbacks(execute=True):
        step(application, "bureau_approver", "bureau_approve", "同意认定")
    assert events("applicant") == [
        "application_submitted",
        "application_window_intake",
        "application_accepted",
        "application_approved",
    ]
    assert "同意认定" in inbox("applicant")[-1].body
    # Every step reached the applicant's phone; reviewers get digests, never one message per step.
    assert SmsMessage.objects.filter(mobile=user("applicant").mobile, status=SmsStatus.SENT).count() == 4
    for role in ("unit_hr", "window_staff", "bureau_approver"):
        assert events(role) == []
    # The demo accounts have no e-mail: that channel's failure is recorded, not raised.
    emails = EmailMessage.objects.filter(notification__recipient=user("applicant"))
    assert emails.count() == 4
    assert all(e.status == SmsStatus.FAILED and e.failure_kind == FailureKind.ADDRESS for e in emails)


def test_a_department_stage_goes_to_the_departments_digest(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = step(submitted("mobile_confirmation"), "unit_hr", "unit_recommend")
    assert inbox("applicant")[-1].event == "application_progressed"
    assert f"已由{application.unit.name}审核通过" in inbox("applicant")[-1].body
    entries = DigestEntry.objects.filter(application=application, state=State.DEPARTMENT_REVIEW)
    assert [e.recipient for e in entries] == [user("dept_reviewer")]


def test_returned_tells_the_applicant_what_to_fix(demo, django_capture_on_commit_callbacks):
    application = submitted("initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        step(application, "unit_hr", "return_for_changes", "请补充学历证明原件扫描件")
    returned = inbox("applicant")[-1]
    assert returned.event == "application_returned"
    assert "请补充学历证明原件扫描件" in returned.body and "单位审核" in returned.body
    sms = sms_for(returned)
    assert sms.purpose == "workflow_returned" and "请补充学历证明原件扫描件" in sms.text
    assert returned.url == reverse("applications:timeline", args=[application.pk])


def test_reset_and_failure_carry_the_opinion(demo, django_capture_on_commit_callbacks):
    application = submitted("initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        step(application, "unit_hr", "reset", "申报类别选错，请重新选择")
    assert inbox("applicant")[-1].event == "application_reset"
    assert "申报类别选错" in inbox("applicant")[-1].body

    other = submitted("mobile_confirmation")
    with django_capture_on_commit_callbacks(execute=True):
        step(other, "unit_hr", "fail", "不符合申报条件")
    failed = inbox("applicant")[-1]
    assert failed.event == "application_failed" and "不符合申报条件" in sms_for(failed).text


def test_committee_result_reaches_the_applicant(demo, django_capture_on_commit_callbacks):
    from applications.models import Application

    application = submitted("evaluation")
    Application.objects.filter(pk=application.pk).update(state=State.COMMITTEE_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.committee_record(
            application_id=application.pk,
            user=user("bureau_approver"),
            members=15,
            present=15,
            votes_for=12,
            votes_against=2,
            abstentions=1,
            opinion="评审通过",
        )
    assert inbox("applicant")[-1].event == "application_progressed"
    with django_capture_on_commit_callbacks(execute=True):
        file_result(Application.objects.get(pk=application.pk))
    assert inbox("applicant")[-1].event == "application_approved"


def test_a_refused_step_notifies_nobody(demo, django_capture_on_commit_callbacks):
    application = submitted("initial_recognition")
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(workflow_services.WorkflowRefused):
        step(application, "window_staff", "window_accept")
    assert Notification.objects.count() == before


def test_notice_opening_tells_each_applicant_in_it(demo, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from reviews import notices

    application = step(submitted("evaluation"), "unit_hr", "unit_recommend")
    start = timezone.localdate() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        notice = notices.notice_open(
            unit=application.unit,
            user=user("unit_hr"),
            applications=[application],
            title="",
            content="",
            contact_person="李娜",
            phone="0871-65310000",
            start_date=start,
            working_days=5,
        )
    opened = inbox("applicant")[-1]
    assert opened.event == "notice_opened"
    assert notice.end_date.isoformat() in opened.body and "李娜" in opened.body
    assert sms_for(opened).purpose == "notice_open"


def test_unit_registration_result_reaches_its_officers(client, django_capture_on_commit_callbacks):
    department = DepartmentFactory()
    unit = UnitFactory(pending=True, parent=department, name="待审单位")
    officer = member("unit_hr", unit)
    reviewer = member("dept_reviewer", department)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": "信用代码与营业执照不符"})
    rejected = inbox(officer)[-1]
    assert rejected.event == "unit_rejected" and "信用代码与营业执照不符" in rejected.body
    assert sms_for(rejected).purpose == "unit_rejected"


def test_certificate_events_as_the_certificates_app_sends_them(demo, django_capture_on_commit_callbacks):
    from reviews.alerts import application_context

    application = submitted("initial_recognition")
    base = {**application_context(application), "certificate_number": "530100-2026-0001"}
    posted = {"carrier": "中国邮政EMS", "tracking_number": "EMS1234567", "express_address": "昆明市五华区"}
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[application.applicant],
            event="certificate_ready",
            context={**base, "place": "昆明市人才服务窗口", "address": WINDOW_ADDRESS, "note": ""},
            dedupe_key="certificate_ready:1",
        )
        for _ in range(2):  # a retried job: still one message
            services.notify(
                recipients=[application.applicant],
                event="certificate_posted",
                context={**base, **posted},
                dedupe_key="certificate_posted:1",
            )
    assert events("applicant")[-2:] == ["certificate_ready", "certificate_posted"]
    assert WINDOW_ADDRESS in inbox("applicant")[-2].body
    assert "EMS1234567" in sms_for(inbox("applicant")[-1]).text


# --- the entry point ---------------------------------------------------------------------------------


def test_nothing_is_recorded_when_the_transaction_rolls_back(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify(recipients=[user("applicant")], event="unit_approved", context={"unit_name": "x"})
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists() and not SmsMessage.objects.exists()


def test_no_email_and_a_bad_mobile_still_reach_the_inbox(demo, django_capture_on_commit_callbacks):
    person = user("applicant")
    User.objects.filter(pk=person.pk).update(mobile="0871123", email="")
    person.refresh_from_db()
    NotificationPreference.objects.create(user=person, email=True, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(recipients=[person], event="unit_approved", context={"unit_name": "某单位"})
    notification = created[0]
    assert inbox(person) == [notification]
    sms, email = notification.sms_messages.get(), notification.emails.get()
    assert (sms.status, sms.failure_kind, sms.attempts) == (SmsStatus.FAILED, FailureKind.ADDRESS, 0)
    assert "手机号码无效" in sms.last_error
    assert (email.status, email.failure_kind) == (SmsStatus.FAILED, FailureKind.ADDRESS)
    assert "未填写电子邮箱" in email.last_error
    assert mail.outbox == []

    # The person corrects the account; the admin's retry reads the addresses again and sends.
    User.objects.filter(pk=person.pk).update(mobile="13912345678", email="zhang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbox_retry([sms, email]) == 2
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.status == email.status == SmsStatus.SENT and sms.mobile == "13912345678"
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]


def test_an_invalid_email_is_recorded_as_such(demo, django_capture_on_commit_callbacks):
    person = user("applicant")
    User.objects.filter(pk=person.pk).update(email="not-an-address")
    person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipients=person, event="unit_approved", context={"unit_name": "x"})[0]
    assert "电子邮箱地址无效" in notification.emails.get().last_error
    assert notification.sms_messages.get().status == SmsStatus.SENT


def test_email_is_sent_once_even_when_the_task_runs_twice(demo, django_capture_on_commit_callbacks):
    person = user("applicant")
    User.objects.filter(pk=person.pk).update(email="zhang@example.com")
    person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipients=person, event="unit_approved", context={"unit_name": "某单位"})[0]
    email = notification.emails.get()
    assert send_email.apply(args=[email.pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "【职称申报服务平台】单位注册申请已通过审核"
    assert "某单位" in mail.outbox[0].body


def test_a_failing_gateway_is_recorded_and_retried_by_the_admin(demo, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.test_notify.BrokenSms"
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipients=user("applicant"), event="unit_approved", context={"unit_name": "x"})[
            0
        ]
    sms = notification.sms_messages.get()
    assert (sms.status, sms.failure_kind, sms.attempts) == (SmsStatus.FAILED, FailureKind.SEND, 1)
    assert "gateway down" in sms.last_error
    settings.SMS_BACKEND = "portal.notifications.sms.LoggingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_retry([sms])
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == (SmsStatus.SENT, 2, "")


class BrokenSms:
    def send(self, mobile, text, **kwargs):
        raise RuntimeError("gateway down")


def test_preferences_choose_channels_and_the_inbox_is_always_on(client, demo, django_capture_on_commit_callbacks):
    person = user("applicant")
    client.force_login(person)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "站内消息（始终开启）" in page and "账户未填写电子邮箱" in page
    response = client.post(reverse("notifications:preferences"), {"email": ""})
    assert response.status_code == 302
    assert (person.notification_preference.email, person.notification_preference.sms) == (False, False)
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipients=person, event="unit_approved", context={"unit_name": "x"})[0]
    assert not notification.sms_messages.exists() and not notification.emails.exists()
    assert inbox(person) == [notification]


def test_a_template_without_sms_text_sends_no_sms(demo, django_capture_on_commit_callbacks):
    services.templates_ensure()
    NotificationTemplate.objects.filter(event="unit_approved").update(sms_text="")
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipients=user("applicant"), event="unit_approved", context={"unit_name": "x"})[
            0
        ]
    assert not notification.sms_messages.exists()


# --- broker down -------------------------------------------------------------------------------------


def test_broker_down_at_commit_the_dispatcher_sends_later(demo, monkeypatch, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(send_sms, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted("initial_recognition")  # the request does not fail
    notification = inbox("applicant")[-1]
    sms = sms_for(notification)
    assert (sms.status, sms.queued_at, sms.attempts) == (SmsStatus.PENDING, None, 0)

    monkeypatch.undo()  # the broker is back
    now = timezone.now()
    assert dispatch_outbox(now=now) == 0  # too young: its own enqueue might still be on the way
    assert dispatch_outbox(now=now + datetime.timedelta(minutes=2)) == 1
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT and sms.attempts == 1 and sms.queued_at is not None
    assert application.applicant.mobile == sms.mobile
    # Sent rows are never queued again; a duplicate task is skipped.
    assert dispatch_outbox(now=now + datetime.timedelta(hours=2)) == 0
    assert send_sms.apply(args=[sms.pk]).get() == "skipped"


def test_dispatcher_requeues_rows_whose_task_was_lost(demo, settings):
    import datetime

    from django.utils import timezone

    old = timezone.now() - datetime.timedelta(hours=1)
    lost = SmsMessage.objects.create(mobile="13800000001", text="x", purpose="t", created_at=old, queued_at=old)
    recent = SmsMessage.objects.create(
        mobile="13800000001", text="y", purpose="t", created_at=old, queued_at=timezone.now()
    )
    assert dispatch_outbox() == 1
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == SmsStatus.SENT and recent.status == SmsStatus.PENDING


# --- the inbox pages ---------------------------------------------------------------------------------


def test_inbox_unread_count_and_mark_read(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted("initial_recognition")
        step(application, "unit_hr", "return_for_changes", "请补充学历证明")
    client.force_login(user("applicant"))

    def header_count():
        page = client.get(reverse("home:dashboard")).content.decode()
        found = re.search(r'id="unread-count"[^>]*>(\d+)<', page)
        return int(found.group(1)) if found else 0

    assert header_count() == 2
    listing = client.get(reverse("notifications:inbox")).content.decode()
    assert "职称申报被退回，请修改后重新提交" in listing and "未读（2）" in listing
    returned = inbox("applicant")[-1]
    detail = client.get(reverse("notifications:detail", args=[returned.pk])).content.decode()
    assert "请补充学历证明" in detail
    assert header_count() == 1
    client.post(reverse("notifications:read_all"))
    assert header_count() == 0
    assert Notification.objects.filter(recipient=user("applicant"), read_at__isnull=True).count() == 0


def test_header_reads_the_unread_count_and_reviewer_role_in_one_query(
    client, demo, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from django.test import RequestFactory

    from home.context_processors import portal

    with django_capture_on_commit_callbacks(execute=True):
        submitted("initial_recognition")
    for role, reviewer, unread in [("applicant", False, 1), ("unit_hr", True, 0)]:
        request = RequestFactory().get("/")
        request.user = user(role)
        context = portal(request)
        with django_assert_max_num_queries(1):
            assert bool(context["is_reviewer"]) is reviewer
            assert int(str(context["unread_notifications"])) == unread
    client.force_login(user("unit_hr"))
    page = client.get(reverse("reviews:queue")).content.decode()
    assert reverse("reviews:queue") in page and 'id="inbox-link"' in page


def test_nobody_reads_anothers_messages(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted("initial_recognition")
    theirs = inbox("applicant")[-1]
    client.force_login(user("unit_hr"))
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert theirs.subject not in client.get(reverse("notifications:inbox")).content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.logout()
    assert client.get(reverse("notifications:inbox")).status_code == 302


# --- the admin's templates ---------------------------------------------------------------------------


def test_admin_lists_every_event_with_its_variables(client, demo):
    from portal.notifications.events import EVENTS

    client.force_login(user("admin"))
    page = client.get(reverse("admin:notifications_notificationtemplate_changelist")).content.decode()
    assert NotificationTemplate.objects.count() == len(EVENTS)
    assert "退回修改" in page
    row = NotificationTemplate.objects.get(event="application_accepted")
    change = client.get(reverse("admin:notifications_notificationtemplate_change", args=[row.pk])).content.decode()
    assert "{{ acceptance_number }}" in change and "受理号" in change and "{{ window_address }}" in change


def _post_template(client, row, **fields):
    data = {"subject": row.subject, "body": row.body, "sms_text": row.sms_text, **fields}
    return client.post(reverse("admin:notifications_notificationtemplate_change", args=[row.pk]), data)


def test_admin_refuses_a_template_with_an_unknown_variable(client, demo):
    client.force_login(user("admin"))
    services.templates_ensure()
    row = NotificationTemplate.objects.get(event="application_returned")
    before = row.body
    response = _post_template(client, row, body="{{ name }}：请按{{ opinon }}修改。")
    assert response.status_code == 200
    page = response.content.decode()
    assert "未知变量：opinon" in page and "可用变量" in page
    row.refresh_from_db()
    assert row.body == before
    # Tags other than if/for are refused too, and so is a syntax error.
    for body in ["{% load static %}{{ name }}", "{% include 'base.html' %}", "{{ name|nosuchfilter }}", "{% if %}"]:
        response = _post_template(client, row, body=body)
        assert response.status_code == 200 and 'class="errorlist' in response.content.decode(), body
    row.refresh_from_db()
    assert row.body == before


def test_admin_edits_a_template_and_the_next_message_uses_it(client, demo, django_capture_on_commit_callbacks):
    client.force_login(user("admin"))
    services.templates_ensure()
    row = NotificationTemplate.objects.get(event="application_returned")
    response = _post_template(
        client,
        row,
        sms_text="{{ applicant }}：您的申报在{{ returned_from }}被退回。{% if opinion %}意见：{{ opinion|truncatechars:40 }}{% endif %}",
    )
    assert response.status_code == 302
    application = submitted("initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        step(application, "unit_hr", "return_for_changes", "缺少继续教育证明")
    assert sms_for(inbox("applicant")[-1]).text == "张伟：您的申报在单位审核被退回。意见：缺少继续教育证明"


def test_every_default_template_uses_only_its_variables():
    from portal.notifications import events, templating

    for event in events.EVENTS.values():
        for source in (event.subject, event.body, event.sms):
            assert templating.problems(source, event.all_variables) == [], event.key


def test_failed_messages_are_listed_for_admins(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted("initial_recognition")
    client.force_login(user("admin"))
    page = client.get(
        reverse("admin:notifications_emailmessage_changelist"), {"status__exact": "failed"}
    ).content.decode()
    assert "账户未填写电子邮箱" in page
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_smsmessage_changelist")).status_code == 200


def test_admin_filters_notifications_whose_other_channel_failed(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted("initial_recognition")
    client.force_login(user("admin"))
    url = reverse("admin:notifications_notification_changelist")
    page = client.get(url, {"delivery": "failed", "event": "application_submitted"}).content.decode()
    assert "职称申报已提交" in page and "申报已提交" in page
