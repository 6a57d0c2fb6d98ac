"""The application factory builds what the services would have: for every workflow state, an
application made by a trait looks to the workflow like one filed and moved on through the real
services (same buttons for every role, same audit path, same fields), and the workflow carries on
from it."""

import datetime

import pytest
from django.utils import timezone

from applications import services as filing
from applications.models import Action, Application, State
from applications.workflow import services as workflow
from certificates.models import Certificate
from certificates.services import certificate_issue
from reviews import notices
from reviews import services as review_services
from reviews.models import CommitteeResult, NoticeResult
from tests.factories import FORWARD, OPINION, ApplicationFactory, UnitFactory, member, reviewer
from tests.filing_helpers import fill_everything
from tests.workflow_helpers import DEMO, file_result, start, user

pytestmark = pytest.mark.django_db

TRAITS = [state.value for state in State] + ["issued"]
# Where the real path stops before its last step (the factory's default: the route's first stage).
LAST_STEP = {State.RETURNED: "return_for_changes", State.FAILED: "fail", State.WITHDRAWN: "withdraw"}


def colleague():
    """A new applicant of the demo unit (each application below needs its own applicant)."""
    return member("applicant", user("unit_hr").memberships.get().organization)


def forward(application):
    """Take the step that moves a real application on from its review stage, as its reviewer would."""
    officer = reviewer(application)
    if application.state == State.RESULT_NOTICE:
        return file_result(application)
    if application.state == State.UNIT_NOTICE:
        today = timezone.localdate()
        notice = notices.notice_open(
            unit=application.unit,
            user=officer,
            applications=[application],
            title="",
            content="",
            contact_person="李娜",
            phone="0871-65310000",
            start_date=today,
            working_days=5,
        )
        notices.notice_conclude(
            notice=notice,
            user=officer,
            result=NoticeResult.NO_OBJECTION,
            today=notice.end_date + datetime.timedelta(days=1),
        )
    if application.state == State.COMMITTEE_REVIEW:
        return review_services.committee_record(
            application_id=application.pk,
            user=officer,
            members=19,
            present=19,
            votes_for=15,
            votes_against=3,
            abstentions=1,
            opinion="",
        )
    return workflow.fire(application_id=application.pk, user=officer, step=FORWARD[application.state], opinion=OPINION)


def real(trait: str, *, filled: bool | None = None, stage: str | None = None) -> Application:
    """An application in the trait's state, filed and moved on through the services (a draft is
    as started, unless `filled`); a returned, failed or withdrawn one left it at `stage` (default
    the route's first)."""
    applicant = colleague()
    application = start("evaluation", applicant)
    if trait == State.DRAFT and not filled:
        return application
    fill_everything(application)
    if trait == State.DRAFT:
        return application
    if stage != State.DRAFT:
        application, _ = filing.application_submit(application=application, user=applicant)
        target = State.APPROVED if trait == "issued" else trait
        if trait in LAST_STEP:
            target = stage or application.route[0]
        while application.state != target:
            application = forward(application)
    if trait == State.WITHDRAWN:
        application = workflow.application_withdraw(application_id=application.pk, user=applicant, reason="")
    elif trait in LAST_STEP:
        application = workflow.fire(
            application_id=application.pk, user=reviewer(application), step=LAST_STEP[trait], opinion=OPINION
        )
    if trait == "issued":
        certificate_issue(application_id=application.pk)
    return Application.objects.get(pk=application.pk)


def path(application):
    return [
        (r.action, r.from_state, r.to_state, r.role, r.organization_id, r.actor_id == application.applicant_id)
        for r in application.records.order_by("created_at", "pk")
    ]


def reviewers_path(application):
    return [r.actor_id for r in application.records.order_by("created_at", "pk") if r.role != "applicant"]


def buttons(application):
    roles = [role for role in DEMO if role != "applicant"]
    steps = {role: [s.method for s in workflow.available_steps(user(role), application)] for role in roles}
    steps["applicant"] = [s.method for s in workflow.available_steps(application.applicant, application)]
    return steps


def shape(application):
    """What the workflow and the pages read of an application, other than whose it is."""
    content = application.filed_content or {}
    return {
        "state": application.state,
        "route": application.route,
        "returned_from": application.returned_from,
        "return_count": application.return_count,
        "upper_return_count": application.upper_return_count,
        "accepted": (
            bool(application.acceptance_number),
            application.acceptance_window_id,
            bool(application.accepted_at),
        ),
        "submitted": application.submitted_at is not None,
        "decided": application.decided_at is not None,
        "eligibility": application.eligibility,
        "filed sections": {
            key: len(value) if isinstance(value, list) else sorted(value)
            for key, value in content.items()
            if key not in ("basic", "application", "format")
        },
        "sections": (application.educations.count(), application.jobs.count()),
        "materials": sorted(
            application.materials.values_list("requirement", "name", "extension", "content_type", "size", "sha256")
        ),
        "notices": application.notices.filter(result=NoticeResult.NO_OBJECTION).count(),
        "committee": CommitteeResult.objects.filter(application=application).values_list("passed", flat=True).first(),
        "certificate": Certificate.objects.filter(application=application).exists(),
    }


def test_every_state_has_a_trait():
    declared = set(ApplicationFactory._meta.parameters)
    assert {state.value for state in State} | {"issued"} <= declared


LEFT_ELSEWHERE = [
    (State.RETURNED, {"return_stage": State.WINDOW_INTAKE}),
    (State.RETURNED, {"return_stage": State.UNIT_NOTICE}),
    (State.FAILED, {"fail_stage": State.COMMITTEE_REVIEW}),
    (State.WITHDRAWN, {"withdraw_stage": State.BUREAU_APPROVAL}),
    (State.WITHDRAWN, {"withdraw_stage": State.DRAFT}),
]


@pytest.mark.parametrize(
    ("trait", "where"),
    [(trait, {}) for trait in TRAITS] + LEFT_ELSEWHERE,
    ids=[*TRAITS, *(f"{trait}-{next(iter(where.values()))}" for trait, where in LEFT_ELSEWHERE)],
)
def test_a_trait_builds_what_the_services_would(demo, trait, where):
    made = ApplicationFactory(applicant=colleague(), **{trait: True}, **where)
    filed = real(trait, stage=next(iter(where.values()), None))
    assert made.state == filed.state
    assert shape(made) == shape(filed)
    assert path(made) == path(filed)
    assert reviewers_path(made) == reviewers_path(filed)
    assert buttons(made) == buttons(filed)
    if filed.acceptance_number:
        accept = made.records.get(action=Action.ACCEPT)
        assert made.acceptance_number in accept.opinion


@pytest.mark.parametrize("trait", TRAITS)
def test_the_workflow_carries_on_from_a_trait(demo, trait):
    """The step a reviewer takes next (or the applicant's submission) does on the factory's
    application what it does on a real one; a closed one refuses every step."""
    made = ApplicationFactory(applicant=colleague(), filled=True, **{trait: True})
    filed = real(trait, filled=True)
    if made.state in (State.DRAFT, State.RETURNED):
        results = [filing.application_submit(application=a, user=a.applicant)[0] for a in (made, filed)]
        assert results[0].state == results[1].state
        assert results[0].records.last().action == results[1].records.last().action
    elif made.state in FORWARD:
        results = [forward(Application.objects.get(pk=a.pk)) for a in (made, filed)]
        assert results[0].state == results[1].state != made.state
        assert path(results[0])[-1] == path(results[1])[-1]
    else:
        for application in (made, filed):
            with pytest.raises(workflow.WorkflowRefused):
                workflow.fire(application_id=application.pk, user=user("bureau_approver"), step="fail", opinion=OPINION)
            assert Application.objects.get(pk=application.pk).state == made.state


def test_a_factory_application_without_demo_data_brings_its_reviewers(catalog):
    """Outside the demo data the factory finds nobody to take the steps, so it makes the reviewer
    of each stage it passes, in scope of the applicant's unit; the next stage's reviewer acts on it."""
    unit = UnitFactory()
    application = ApplicationFactory(
        window_intake=True, item_code="initial_recognition", applicant=member("applicant", unit)
    )
    assert application.unit == unit and application.state == State.WINDOW_INTAKE
    recommend = application.records.get(action=Action.RECOMMEND)
    assert recommend.role == "unit_hr" and recommend.organization == unit
    application = workflow.fire(
        application_id=application.pk, user=reviewer(application), step="window_accept", opinion=OPINION
    )
    assert application.state == State.BUREAU_APPROVAL and application.acceptance_number
