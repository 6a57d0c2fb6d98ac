"""The reviewers' writes above the single steps: passing several applications from the queue,
and entering the committee's vote. Each step is taken by the workflow's services
(applications.workflow.services), which lock, check, audit and publish."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from applications.models import Application, Material
from applications.workflow.permissions import can_view_as_reviewer
from applications.workflow.services import WorkflowRefused, available_steps, fire, refuse
from portal.catalog.models import Committee

from .models import CommitteeResult, OriginalChecked, ReturnedSections, UnitRecommendation
from .votes import VoteRule

MAX_VOTES = 999


# What a batch from the queue may do, and which of the application's steps does it.
BATCH_PASS, BATCH_RETURN, BATCH_FAIL = "pass", "return", "fail"
BATCH_STEP = {BATCH_RETURN: "return_for_changes", BATCH_FAIL: "fail"}


def _batch_labels():
    return {BATCH_PASS: _("批量通过"), BATCH_RETURN: _("批量退回修改"), BATCH_FAIL: _("批量不通过")}


def _batch_refusal(action: str) -> str:
    if action == BATCH_PASS:
        return _("当前不能批量通过（窗口受理须逐份核对原件；其他环节须由该环节的审核人处理）。")
    return _("当前不在您的处理环节，不能%(what)s。") % {"what": _batch_labels()[action]}


def batch_decide(
    *, application_ids: list[int], user, opinion: str, action: str = BATCH_PASS
) -> tuple[list[Application], list[tuple[int, str]]]:
    """Pass, return or fail several applications with one opinion, each in its own transaction
    and audited singly (by the workflow's `fire`, as from the review page: the return limit and
    every other check apply to each). An id outside what the user may see as a reviewer is skipped
    exactly like one that does not exist: nothing is written and nothing in the answer tells the
    two apart."""
    if action not in _batch_labels():
        raise ValidationError({"action": _("未知的批量操作。")})
    if len(application_ids) > settings.REVIEW_BATCH_MAX:
        raise ValidationError({"application": _("一次最多批量处理%(n)d份申报。") % {"n": settings.REVIEW_BATCH_MAX}})
    done, refused = [], []
    for application_id in application_ids:
        application = Application.objects.select_related("unit", "unit__region").filter(pk=application_id).first()
        if application is None or not can_view_as_reviewer(user, application):
            continue
        available = available_steps(user, application)
        if action == BATCH_PASS:
            steps = [s for s in available if s.batchable]
        else:
            steps = [s for s in available if s.method == BATCH_STEP[action]]
        try:
            if not steps:
                refuse(
                    application_id, user=user, message=_batch_refusal(action), attempted=str(_batch_labels()[action])
                )
            done.append(
                fire(
                    application_id=application_id,
                    user=user,
                    step=steps[0].method,
                    opinion=opinion,
                    expected_state=application.state,
                )
            )
        except WorkflowRefused as refusal:
            refused.append((application_id, refusal.message))
    return done, refused


def batch_pass(*, application_ids: list[int], user, opinion: str) -> tuple[list[Application], list[tuple[int, str]]]:
    """Pass several applications, each in its own transaction and audited singly. An id outside
    what the user may see as a reviewer is skipped exactly like one that does not exist: nothing
    is written and nothing in the answer tells the two apart."""
    return batch_decide(application_ids=application_ids, user=user, opinion=opinion, action=BATCH_PASS)


def committee_record(
    *,
    application_id: int,
    user,
    members: int,
    present: int,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    opinion: str,
    expected_state: str | None = None,
) -> Application:
    """Record the committee's vote (for now entered by the bureau) and conclude, by the rule of
    人社部令第40号 as the committee configures it: without a quorum of the members present there is
    no result; a file passes when the votes in favour reach the pass fraction of those present."""
    counts = (members, present, votes_for, votes_against, abstentions)
    valid = all(isinstance(v, int) and 0 <= v <= MAX_VOTES for v in counts)
    # Counted only when valid; invalid counts are refused by check_votes, after the step's checks.
    c_members, c_present, c_for, c_against, c_abstentions = counts if valid else (0, 0, 0, 0, 0)
    committee = Committee.objects.filter(applications__pk=application_id).first()
    rule = VoteRule.of(committee)
    passed = rule.passes(votes_for=c_for, present=c_present)

    def check_votes():
        if not valid:
            raise ValidationError({"votes_for": _("表决票数须为0至%(max)d之间的整数。") % {"max": MAX_VOTES}})
        if c_members == 0:
            raise ValidationError({"members": _("请填写本次评审会议的应到委员人数。")})
        if c_present > c_members:
            raise ValidationError({"present": _("实到委员人数不能多于应到委员人数。")})
        if not rule.quorate(present=c_present, members=c_members):
            raise ValidationError(
                {
                    "present": _(
                        "实到委员%(present)d人，不足应到%(members)d人的%(fraction)s（至少%(needed)d人），会议不能表决。"
                    )
                    % {
                        "present": c_present,
                        "members": c_members,
                        "fraction": rule.quorum_label,
                        "needed": rule.quorum_needed(c_members),
                    }
                }
            )
        if c_for + c_against + c_abstentions != c_present:
            raise ValidationError(
                {
                    "votes_for": _("表决票数（赞成、反对、弃权）合计%(total)d票，与实到委员%(present)d人不符。")
                    % {"total": c_for + c_against + c_abstentions, "present": c_present}
                }
            )

    def record_result(application):
        CommitteeResult.objects.create(
            application=application,
            members=members,
            present=present,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            quorum_numerator=rule.quorum_numerator,
            quorum_denominator=rule.quorum_denominator,
            pass_numerator=rule.pass_numerator,
            pass_denominator=rule.pass_denominator,
            passed=passed,
            recorded_by=user,
        )

    text = _("评委会表决：应到%(m)d人，实到%(p)d人；赞成%(f)d票，反对%(a)d票，弃权%(b)d票，%(r)s。") % {
        "m": c_members,
        "p": c_present,
        "f": c_for,
        "a": c_against,
        "b": c_abstentions,
        "r": _("通过") if passed else _("未通过"),
    }
    return fire(
        application_id=application_id,
        user=user,
        step="committee_conclude",
        opinion=opinion,
        expected_state=expected_state,
        record_prefix=text,
        check=check_votes,
        also=record_result,
        passed=passed,
    )


def window_intake_accept(
    *, application_id: int, user, material_ids: list[int], opinion: str = "", expected_state: str | None = None
) -> Application:
    """Accept at the window with the paper originals the clerk ticked: one row per ticked material
    of this application, written in the acceptance's transaction (ids of other applications'
    materials are ignored: they were not on this page)."""

    def record_originals(application):
        materials = Material.objects.filter(application=application, pk__in=material_ids)
        OriginalChecked.objects.bulk_create(
            OriginalChecked(
                application=application,
                acceptance_number=application.acceptance_number,
                material=material,
                name=material.display_name,
                checked_by=user,
            )
            for material in materials
        )

    return fire(
        application_id=application_id,
        user=user,
        step="window_accept",
        opinion=opinion,
        expected_state=expected_state,
        also=record_originals,
    )


def return_with_sections(
    *, application_id: int, user, opinion: str, sections: list[str], expected_state: str | None = None
) -> Application:
    """退回修改 with the sections the reviewer ticked, recorded in the return's transaction so the
    applicant's pages can mark them (an empty list: the opinion alone says what to change)."""

    def record_sections(application):
        ReturnedSections.objects.create(
            application=application, sections=list(sections), opinion=opinion.strip(), returned_by=user
        )

    return fire(
        application_id=application_id,
        user=user,
        step="return_for_changes",
        opinion=opinion,
        expected_state=expected_state,
        also=record_sections,
    )


def unit_recommend_with_text(
    *, application_id: int, user, step: str, opinion: str, recommendation: str, expected_state: str | None = None
) -> Application:
    """The unit's recommending step (审核通过推荐上报, or after its notice) with the unit's
    recommendation text (基层单位意见), stored with the step; none when left blank."""
    text = (recommendation or "").strip()

    def record_recommendation(application):
        if text:
            UnitRecommendation.objects.create(
                application=application, unit=application.unit, text=text, written_by=user
            )

    return fire(
        application_id=application_id,
        user=user,
        step=step,
        opinion=opinion,
        expected_state=expected_state,
        also=record_recommendation,
    )
