"""The reviewers' writes above the single steps: passing several applications from the queue,
and entering the committee's vote. Each step is taken by the workflow's services
(applications.workflow.services), which lock, check, audit and publish."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from applications.models import Application, Material
from applications.workflow.permissions import can_view_as_reviewer
from applications.workflow.services import WorkflowRefused, available_steps, fire, refuse

from .models import CommitteeResult, OriginalChecked

MAX_VOTES = 999


def batch_pass(*, application_ids: list[int], user, opinion: str) -> tuple[list[Application], list[tuple[int, str]]]:
    """Pass several applications, each in its own transaction and audited singly. An id outside
    what the user may see as a reviewer is skipped exactly like one that does not exist: nothing
    is written and nothing in the answer tells the two apart."""
    if len(application_ids) > settings.REVIEW_BATCH_MAX:
        raise ValidationError({"application": _("一次最多批量处理%(n)d份申报。") % {"n": settings.REVIEW_BATCH_MAX}})
    done, refused = [], []
    for application_id in application_ids:
        application = Application.objects.select_related("unit", "unit__region").filter(pk=application_id).first()
        if application is None or not can_view_as_reviewer(user, application):
            continue
        steps = [s for s in available_steps(user, application) if s.batchable]
        if not steps:
            try:
                refuse(
                    application_id,
                    user=user,
                    message=_("当前不能批量通过（窗口受理须逐份核对原件；其他环节须由该环节的审核人处理）。"),
                    attempted=str(_("批量通过")),
                )
            except WorkflowRefused as refusal:
                refused.append((application_id, refusal.message))
            continue
        try:
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


def committee_record(
    *,
    application_id: int,
    user,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    opinion: str,
    expected_state: str | None = None,
) -> Application:
    """Record the committee's vote (for now entered by the bureau) and conclude: more than half for passes."""
    votes = (votes_for, votes_against, abstentions)
    valid = all(isinstance(v, int) and 0 <= v <= MAX_VOTES for v in votes)
    # Counted only when valid; invalid counts are refused by check_votes, after the step's checks.
    counted_for, counted_against, counted_abstentions = votes if valid else (0, 0, 0)
    total = counted_for + counted_against + counted_abstentions
    passed = counted_for * 2 > total

    def check_votes():
        if not valid:
            raise ValidationError({"votes_for": _("表决票数须为0至%(max)d之间的整数。") % {"max": MAX_VOTES}})
        if total == 0:
            raise ValidationError({"votes_for": _("请填写表决票数。")})

    def record_result(application):
        CommitteeResult.objects.create(
            application=application,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            passed=passed,
            recorded_by=user,
        )

    text = _("评委会表决：赞成%(f)d票，反对%(a)d票，弃权%(b)d票，%(r)s。") % {
        "f": counted_for,
        "a": counted_against,
        "b": counted_abstentions,
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
