import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_fsm import can_proceed

from applications.models import Action, Application, ReviewRecord, State
from applications.workflow import services
from reviews import services as review_services
from reviews.models import NoticeResult, UnitNotice
from tests.factories import DepartmentFactory, UnitFactory, member
from tests.workflow_helpers import at, file_result, step, submitted, user

pytestmark = pytest.mark.django_db


def states(application):
    return [(r.from_state, r.to_state) for r in application.records.exclude(action=Action.REFUSED)]


def test_initial_recognition_skips_the_department(demo):
    application = submitted("initial_recognition")
    assert application.state == State.UNIT_REVIEW
    assert application.route == ["unit_review", "window_intake", "bureau_approval"]
    application = step(application, "unit_hr", "unit_recommend", "情况属实，同意推荐")
    assert application.state == State.WINDOW_INTAKE
    application = step(application, "window_staff", "window_accept", "原件与上传一致")
    assert re.fullmatch(r"受理〔\d{4}〕\d{7}", application.acceptance_number)
    assert application.state == State.BUREAU_APPROVAL
    application = step(application, "bureau_approver", "bureau_approve", "同意认定")
    assert application.state == State.APPROVED and application.decided_at
    assert states(application) == [
        ("draft", "unit_review"),
        ("unit_review", "window_intake"),
        ("window_intake", "bureau_approval"),
        ("bureau_approval", "approved"),
    ]
    record = application.records.get(action=Action.RECOMMEND)
    assert (record.actor, record.role, record.organization) == (user("unit_hr"), "unit_hr", application.unit)
    assert record.opinion == "情况属实，同意推荐"


@pytest.mark.parametrize("item_code", ["mobile_confirmation", "reissue"])
def test_confirmation_and_reissue_pass_the_department(demo, item_code):
    application = at(State.UNIT_REVIEW, item_code)
    application = step(application, "unit_hr", "unit_recommend")
    assert application.state == State.DEPARTMENT_REVIEW
    application = step(application, "dept_reviewer", "department_pass")
    assert application.state == State.WINDOW_INTAKE
    application = step(application, "window_staff", "window_accept")
    application = step(application, "bureau_approver", "bureau_approve")
    assert application.state == State.APPROVED


def conclude_notice(application, result=NoticeResult.NO_OBJECTION):
    from datetime import timedelta

    from django.utils import timezone

    notice = UnitNotice.objects.create(
        unit=application.unit,
        title="公示",
        contact_person="李娜",
        phone="0871-65310000",
        start_date=timezone.localdate() - timedelta(days=14),
        working_days=5,
        end_date=timezone.localdate() - timedelta(days=7),
        result=result,
        created_by=user("unit_hr"),
    )
    notice.applications.add(application)
    return notice


def test_evaluation_goes_through_notice_and_committee(demo):
    application = at(State.UNIT_REVIEW, "evaluation")
    application = step(application, "unit_hr", "unit_recommend")
    assert application.state == State.UNIT_NOTICE
    # No recommendation upward before the notice has ended without objection.
    assert [s.method for s in services.available_steps(user("unit_hr"), application)] == [
        "return_for_changes",
        "reset",
        "fail",
    ]
    with pytest.raises(services.WorkflowRefused, match="公示尚未结束"):
        step(application, "unit_hr", "notice_recommend")
    conclude_notice(application)
    application = Application.objects.get(pk=application.pk)
    assert can_proceed(application.notice_recommend)
    application = step(application, "unit_hr", "notice_recommend")
    application = step(application, "dept_reviewer", "department_pass")
    application = step(application, "window_staff", "window_accept")
    application = step(application, "bureau_approver", "bureau_approve", "电子材料审核通过")
    assert application.state == State.COMMITTEE_REVIEW
    application = review_services.committee_record(
        application_id=application.pk,
        user=user("bureau_approver"),
        members=19,
        present=19,
        votes_for=15,
        votes_against=3,
        abstentions=1,
        opinion="",
    )
    assert application.state == State.RESULT_NOTICE
    application = file_result(application)
    assert application.state == State.APPROVED
    assert application.committee_result.votes_for == 15
    assert "赞成15票" in application.records.get(action=Action.COMMITTEE).opinion


def test_committee_majority_against_fails(demo):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    application = review_services.committee_record(
        application_id=application.pk,
        user=user("bureau_approver"),
        members=15,
        present=15,
        votes_for=5,
        votes_against=10,
        abstentions=0,
        opinion="",
    )
    assert application.state == State.FAILED


@pytest.mark.parametrize("role", ["applicant", "dept_reviewer", "window_staff", "bureau_approver", "admin"])
def test_wrong_roles_are_refused_and_audited(demo, role):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    with pytest.raises(services.WorkflowRefused, match="无权"):
        step(application, role, "unit_recommend")
    application.refresh_from_db()
    assert application.state == State.UNIT_REVIEW
    refused = application.records.get(action=Action.REFUSED)
    assert refused.actor == user(role) and refused.from_state == refused.to_state == State.UNIT_REVIEW


def test_officer_of_another_unit_is_refused(demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    stranger = member("unit_hr", UnitFactory())
    with pytest.raises(services.WorkflowRefused):
        services.fire(application_id=application.pk, user=stranger, step="unit_recommend", opinion="x")
    other_dept = member("dept_reviewer", DepartmentFactory())
    application = step(application, "unit_hr", "unit_recommend")
    with pytest.raises(services.WorkflowRefused):
        services.fire(application_id=application.pk, user=other_dept, step="department_pass", opinion="x")


def test_opinion_is_required(demo):
    from django.core.exceptions import ValidationError

    application = at(State.UNIT_REVIEW, "initial_recognition")
    with pytest.raises(ValidationError):
        step(application, "unit_hr", "unit_recommend", opinion="  ")


def test_stale_state_is_refused_with_the_current_state(demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    step(application, "unit_hr", "unit_recommend")
    with pytest.raises(services.WorkflowRefused, match="已由他人处理") as refusal:
        services.fire(
            application_id=application.pk,
            user=user("unit_hr"),
            step="fail",
            opinion="x",
            expected_state=State.UNIT_REVIEW,
        )
    assert refusal.value.state == State.WINDOW_INTAKE


def test_return_goes_back_to_the_returning_stage_after_resubmission(demo):
    from applications import services as filing

    application = at(State.DEPARTMENT_REVIEW, "mobile_confirmation")
    application = step(application, "dept_reviewer", "return_for_changes", "请补充调动证明")
    assert application.state == State.RETURNED and application.is_editable
    application, submitted_now = filing.application_submit(application=application, user=application.applicant)
    assert submitted_now and application.state == State.DEPARTMENT_REVIEW
    assert application.records.filter(action=Action.RESUBMIT).exists()


def test_reset_goes_back_to_the_start(demo):
    from applications import services as filing

    application = at(State.UNIT_REVIEW, "initial_recognition")
    application = step(application, "unit_hr", "reset", "单位选择错误，请重新申报")
    assert application.state == State.DRAFT and application.return_count == 1
    application, _ = filing.application_submit(application=application, user=application.applicant)
    assert application.state == State.UNIT_REVIEW


def test_returns_and_resets_are_limited_to_four(demo, settings):
    from applications import services as filing

    assert settings.WORKFLOW_RETURN_LIMIT == 4
    application = at(State.UNIT_REVIEW, "initial_recognition")
    for _ in range(4):
        application = step(application, "unit_hr", "return_for_changes", "再改")
        application, _ = filing.application_submit(application=application, user=application.applicant)
    assert application.return_count == 4
    assert [s.method for s in services.available_steps(user("unit_hr"), application)] == ["unit_recommend", "fail"]
    with pytest.raises(services.WorkflowRefused, match="机会已用完"):
        step(application, "unit_hr", "return_for_changes")
    assert step(application, "unit_hr", "fail", "不符合条件").state == State.FAILED


def test_three_returns_of_the_units_recommendation_end_the_year(demo, settings):
    from applications import services as filing

    application = at(State.DEPARTMENT_REVIEW, "mobile_confirmation")
    for _ in range(3):
        application = step(application, "dept_reviewer", "return_for_changes", "仍不符合要求")
        if application.upper_return_count < 3:
            application, _ = filing.application_submit(application=application, user=application.applicant)
            assert application.state == State.DEPARTMENT_REVIEW
    with pytest.raises(filing.SubmitRefused, match="本年度不再受理"):
        filing.application_submit(application=application, user=application.applicant)
    # Withdrawing and starting again for the same item and title does not reset it.
    application = services.application_withdraw(application_id=application.pk, user=application.applicant, reason="")
    with pytest.raises(ValidationError, match="本年度不再受理"):
        filing.application_start(
            user=application.applicant,
            item=application.item,
            series=application.series,
            level=application.level,
            title=application.title,
        )


def test_acceptance_numbers_are_sequential_per_window_and_year(demo):
    numbers = []
    for _ in range(3):
        applicant = member("applicant", user("unit_hr").memberships.get().organization)
        application = at(State.WINDOW_INTAKE, "initial_recognition", applicant)
        numbers.append(step(application, "window_staff", "window_accept").acceptance_number)
    sequence = [int(n[-7:]) for n in numbers]
    assert sequence == list(range(sequence[0], sequence[0] + 3))


def test_withdraw_by_the_applicant_only(demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    with pytest.raises(services.WorkflowRefused):
        services.application_withdraw(application_id=application.pk, user=user("unit_hr"), reason="")
    application = services.application_withdraw(
        application_id=application.pk, user=application.applicant, reason="不再申报"
    )
    assert application.state == State.WITHDRAWN


def test_records_are_append_only(demo):
    from django.core.exceptions import ValidationError

    application = at(State.UNIT_REVIEW, "initial_recognition")
    record = application.records.first()
    record.opinion = "changed"
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        ReviewRecord.objects.filter(pk=record.pk).update(opinion="x")
    with pytest.raises(ValidationError):
        record.delete()


# --- pages ---------------------------------------------------------------------------------


def test_queue_is_scoped_and_buttons_match_transitions(client, demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    client.force_login(user("unit_hr"))
    page = client.get(reverse("reviews:queue")).content.decode()
    assert f'id="application-{application.pk}"' in page
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    for label in ("审核通过，推荐上报", "退回修改", "重置流程", "不通过"):
        assert label in page
    assert "核对原件无误，受理" not in page

    for role in ("dept_reviewer", "window_staff", "bureau_approver"):
        client.force_login(user(role))
        assert f'id="application-{application.pk}"' not in client.get(reverse("reviews:queue")).content.decode()
        detail = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
        assert "审核通过" not in detail.split('id="decision"')[1].split("</section>")[0]

    stranger = member("unit_hr", UnitFactory())
    client.force_login(stranger)
    assert client.get(reverse("reviews:detail", args=[application.pk])).status_code == 404
    response = client.post(reverse("reviews:decide", args=[application.pk]), {"step": "unit_recommend", "opinion": "x"})
    assert response.status_code == 404
    client.force_login(member("applicant", UnitFactory()))
    assert client.get(reverse("reviews:queue")).status_code == 404


def test_decide_through_the_page_and_replay_is_refused(client, demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    client.force_login(user("unit_hr"))
    url = reverse("reviews:decide", args=[application.pk])
    data = {"step": "unit_recommend", "opinion": "同意推荐", "expected_state": "unit_review"}
    response = client.post(url, data, follow=True)
    assert "已处理" in response.content.decode()
    response = client.post(url, data, follow=True)  # URL replay
    assert "已由他人处理" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.WINDOW_INTAKE
    missing = client.post(url, {"step": "fail", "opinion": "", "expected_state": "window_intake"})
    assert missing.status_code in (302, 400)


def test_batch_pass_audits_each(client, demo):
    unit = user("unit_hr").memberships.get().organization
    applications = [at(State.UNIT_REVIEW, "initial_recognition", member("applicant", unit)) for _ in range(3)]
    client.force_login(user("unit_hr"))
    client.post(reverse("reviews:batch"), {"application": [a.pk for a in applications], "opinion": "同意"})
    for application in applications:
        application.refresh_from_db()
        assert application.state == State.WINDOW_INTAKE
        assert application.records.filter(action=Action.RECOMMEND).count() == 1


def test_queue_queries_do_not_grow(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = user("unit_hr").memberships.get().organization
    at(State.UNIT_REVIEW, "initial_recognition", member("applicant", unit))
    client.force_login(user("unit_hr"))
    client.get(reverse("reviews:queue"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("reviews:queue"))
    for _ in range(4):
        at(State.UNIT_REVIEW, "initial_recognition", member("applicant", unit))
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("reviews:queue")).content.decode()
    assert page.count('id="application-') == 5
    assert len(after) == len(before)


def test_applicant_timeline_shows_labels_and_opinions(client, demo):
    application = at(State.DEPARTMENT_REVIEW, "mobile_confirmation")
    step(application, "dept_reviewer", "return_for_changes", "请补充调动证明")
    client.force_login(application.applicant)
    page = client.get(reverse("applications:timeline", args=[application.pk])).content.decode()
    assert "已退回，请按审核意见修改后重新提交" in page
    assert "请补充调动证明" in page and "五华区人力资源和社会保障局" in page
    assert "王强" not in page  # reviewers' names stay internal


def test_workflow_diagram_for_admins(client, demo):
    client.force_login(user("admin"))
    page = client.get(reverse("reviews:workflow")).content.decode()
    assert "window_intake -&gt; bureau_approval" in page or "window_intake -> bureau_approval" in page
    svg = client.get(reverse("reviews:workflow"), {"format": "svg"})
    assert svg.status_code == 200 and b"<svg" in svg.content
    client.force_login(user("unit_hr"))
    assert client.get(reverse("reviews:workflow")).status_code == 404


def test_reviewer_can_download_materials_in_scope_only(client, demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    material = application.materials.first()
    url = reverse("applications:material_download", args=[application.pk, material.pk])
    client.force_login(user("unit_hr"))
    assert client.get(url).status_code == 200
    client.force_login(member("unit_hr", UnitFactory()))
    assert client.get(url).status_code == 404


def test_applicant_is_notified_after_commit(demo, django_capture_on_commit_callbacks):
    from portal.notifications.models import SmsMessage

    application = at(State.UNIT_REVIEW, "initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        step(application, "unit_hr", "return_for_changes", "请补充学历证明")
    message = SmsMessage.objects.get(purpose="workflow_returned")
    assert "请补充学历证明" in message.text and message.mobile == application.applicant.mobile


def test_window_records_the_offline_transition_item(client, demo):
    from portal.catalog.models import TitleName
    from portal.core.identity import with_check_digit

    title = TitleName.objects.get(series__name="中小学教师", name="一级教师")
    unit = user("unit_hr").memberships.get().organization
    data = {
        "unit": unit.credit_code,
        "real_name": "马老师",
        "id_number": with_check_digit("46040019700101201"),
        "mobile": "13600000009",
        "title": title.pk,
        "note": "登记表三份、评审表原件、身份证、职称证原件、相片齐全",
    }
    client.force_login(user("applicant"))
    assert client.get(reverse("reviews:offline_new")).status_code == 404
    client.force_login(user("window_staff"))
    response = client.post(reverse("reviews:offline_new"), data)
    application = Application.objects.get(applicant__mobile="13600000009")
    assert response.url == reverse("reviews:detail", args=[application.pk])
    assert application.item.code == "transition" and application.state == State.BUREAU_APPROVAL
    assert application.acceptance_number and application.route == ["window_intake", "bureau_approval"]
    assert [r.action for r in application.records.all()] == [Action.SUBMIT, Action.ACCEPT]
    assert step(application, "bureau_approver", "bureau_approve").state == State.APPROVED


def test_changing_an_items_route_changes_where_new_applications_go(demo):
    from portal.catalog.models import Item

    before = submitted("initial_recognition")
    item = Item.objects.get(code="initial_recognition")
    item.stages = ["unit_review", "department_review", "window_intake", "bureau_approval", "certificate_issue"]
    item.save()
    unit = user("unit_hr").memberships.get().organization
    after = submitted("initial_recognition", member("applicant", unit))
    assert step(after, "unit_hr", "unit_recommend").state == State.DEPARTMENT_REVIEW
    # An application already under way keeps the route it was submitted with.
    assert step(before, "unit_hr", "unit_recommend").state == State.WINDOW_INTAKE


@pytest.mark.parametrize(
    ("item_code", "state", "returner"),
    [
        ("initial_recognition", State.WINDOW_INTAKE, "window_staff"),
        ("initial_recognition", State.BUREAU_APPROVAL, "bureau_approver"),
        ("mobile_confirmation", State.UNIT_REVIEW, "unit_hr"),
    ],
    ids=["window", "bureau", "unit"],
)
def test_every_stage_gets_back_what_it_returned(demo, item_code, state, returner):
    from applications import services as filing

    application = at(state, item_code)
    stage = application.state
    application = step(application, returner, "return_for_changes", "请修改")
    assert application.returned_from == stage
    assert application.upper_return_count == (0 if returner == "unit_hr" else 1)
    application, _ = filing.application_submit(application=application, user=application.applicant)
    assert application.state == stage and application.returned_from == ""
    # The acceptance number given before a bureau return is kept, not reissued.
    if returner == "bureau_approver":
        assert application.acceptance_number


def test_a_return_during_the_notice_needs_a_new_notice(demo):
    from applications import services as filing

    application = at(State.UNIT_NOTICE, "evaluation")
    conclude_notice(application)
    application = step(Application.objects.get(pk=application.pk), "unit_hr", "return_for_changes", "请补充")
    application, _ = filing.application_submit(application=application, user=application.applicant)
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.UNIT_NOTICE
    # The old notice was about the content before the change: it does not let the unit recommend.
    with pytest.raises(services.WorkflowRefused, match="公示尚未结束"):
        step(application, "unit_hr", "notice_recommend")
