"""One service per workflow step. Each locks the application row, fires its transition (which
checks role, scope and guards), saves, writes the audit record, and queues side effects to run
after commit. A refused attempt changes nothing and is audited too."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from applications.models import Application, State
from portal.notifications.triggers import application_state_changed
from portal.organizations.models import OrgKind

from .audit import audit
from .models import AcceptanceCounter, Action, CommitteeResult, ReviewRecord
from .permissions import acting_membership, reviewer_memberships


class WorkflowRefused(Exception):
    """The step cannot be taken; `message` says why in Chinese, `state` is the current state."""

    def __init__(self, message, state=None):
        super().__init__(message)
        self.message = message
        self.state = state


@dataclass(frozen=True)
class Step:
    method: str
    action: str
    label: str
    style: str = ""
    needs_opinion: bool = True


# The buttons, in the order shown. Which appear for a user comes from the FSM (permission + guards).
STEPS = {
    "unit_recommend": Step("unit_recommend", Action.RECOMMEND, gettext_lazy("审核通过，推荐上报"), "ok"),
    "notice_recommend": Step("notice_recommend", Action.RECOMMEND, gettext_lazy("公示无异议，推荐上报"), "ok"),
    "department_pass": Step("department_pass", Action.PASS, gettext_lazy("审核通过"), "ok"),
    "window_accept": Step("window_accept", Action.ACCEPT, gettext_lazy("核对原件无误，受理"), "ok"),
    "bureau_approve": Step("bureau_approve", Action.APPROVE, gettext_lazy("审核通过"), "ok"),
    "return_for_changes": Step("return_for_changes", Action.RETURN, gettext_lazy("退回修改"), "secondary"),
    "reset": Step("reset", Action.RESET, gettext_lazy("重置流程"), "secondary"),
    "fail": Step("fail", Action.FAIL, gettext_lazy("不通过"), "danger"),
}


def may_fire(method, user) -> bool:
    """Role and scope only (django_fsm.has_transition_perm also requires the guards to pass,
    which would turn "guard not met" into "not allowed")."""
    instance = method.__self__
    return method._django_fsm.has_transition_perm(instance, instance.state, user)


def available_steps(user, application: Application) -> list[Step]:
    """Exactly the transitions this user may fire on this application now."""
    names = {t.name for t in application.get_available_user_state_transitions(user)}
    return [step for key, step in STEPS.items() if key in names]


def _record(application, *, user, membership, action, from_state, opinion="") -> ReviewRecord:
    role = "applicant" if membership is None and user and user.pk == application.applicant_id else ""
    return audit(
        application, actor=user, membership=membership, role=role, action=action, from_state=from_state, opinion=opinion
    )


def notify_applicant(application: Application, opinion: str) -> None:
    """The applicant hears of the step with the opinion (and, by state, what to fix, the acceptance
    number or where to bring the paper file); the reviewers of the stage it reached get it in their
    daily digest. See portal/notifications/triggers.py."""
    application_state_changed(application, opinion=opinion)


def schedule_side_effects(application: Application, *, opinion: str, accepted: bool = False) -> None:
    """Inside the step's transaction: record the notifications (inbox rows, outbox rows, digest
    entries), so they commit or roll back with the step — a crash after commit cannot lose them;
    their sending is queued after commit and the outbox dispatcher resends what the broker missed.
    After commit: an approval makes the certificate, an acceptance the receipt. A lost job is
    caught by the beat task certificates.tasks.issue_missing_documents."""
    from certificates.tasks import issue_acceptance_receipt, issue_certificate

    notify_applicant(application, opinion)
    if application.state == State.APPROVED:
        transaction.on_commit(lambda: issue_certificate.delay(application.pk), robust=True)
    if accepted:
        transaction.on_commit(lambda: issue_acceptance_receipt.delay(application.pk), robust=True)


def refuse(application_id, *, user, message, attempted):
    """Audit a refused attempt in its own transaction (the step's own transaction rolled back),
    then raise WorkflowRefused with the message and the current state."""
    with transaction.atomic():
        application = Application.objects.get(pk=application_id)
        membership = acting_membership(user, application)
        audit(
            application,
            actor=user,
            membership=membership,
            action=Action.REFUSED,
            from_state=application.state,
            opinion=f"{attempted}：{message}",
        )
    raise WorkflowRefused(message, application.state)


def _taken_by_someone_else(application) -> str:
    return _("该申报已由他人处理，当前状态为“%(s)s”，请刷新后查看。") % {"s": application.get_state_display()}


def _wrong_state(application) -> str:
    return _("该申报当前处于“%(s)s”，不能进行此操作（可能已由他人处理），请刷新后查看。") % {
        "s": application.get_state_display()
    }


def fire(
    *, application_id: int, user, step: str, opinion: str, expected_state: str | None = None, **kwargs
) -> Application:
    """Take one review step. `expected_state` is the state the reviewer saw: if another reviewer
    acted in between, the step is refused with the current state instead of acting twice.

    Checked in this order, so the message names the first thing wrong: a known step, the state
    the reviewer saw, the state the step starts from, the user's role and scope, the guards
    (return limit, notice result), and only then the opinion. Every refusal is audited."""
    spec = STEPS.get(step)
    if spec is None:
        refuse(application_id, user=user, message=_("未知的操作。"), attempted=str(step)[:40])
    opinion = (opinion or "").strip()
    refusal = None
    try:
        with transaction.atomic():
            application = (
                Application.objects.select_for_update(of=("self",))
                .select_related("applicant", "unit", "unit__region", "item", "title")
                .get(pk=application_id)
            )
            method = getattr(application, spec.method)
            if expected_state and application.state != expected_state:
                refusal = _taken_by_someone_else(application)
            elif not method._django_fsm.has_transition(application.state):
                refusal = _wrong_state(application)
            elif application.applicant_id == user.pk and reviewer_memberships(user):
                refusal = _("不能审核本人的申报。")
            elif not may_fire(method, user):
                refusal = _("您无权在当前环节（%(s)s）进行此操作。") % {"s": application.get_state_display()}
            elif not can_proceed(method):
                if step in ("return_for_changes", "reset"):
                    refusal = _("退回修改和重置流程的机会已用完（共%(n)d次），只能审核通过或不通过。") % {
                        "n": settings.WORKFLOW_RETURN_LIMIT
                    }
                elif step == "notice_recommend":
                    refusal = _("公示尚未结束或结果不是“无异议”，暂不能推荐上报。")
                else:
                    refusal = _wrong_state(application)
            elif spec.needs_opinion and not opinion:
                raise ValidationError({"opinion": _("请填写审核意见。")})
            else:
                membership = acting_membership(user, application)
                from_state = application.state
                if step == "window_accept":
                    kwargs["window"] = membership.organization
                    kwargs["acceptance_number"] = next_acceptance_number(membership.organization)
                method(**kwargs)
                application.save()
                record_opinion = opinion
                if step == "window_accept":
                    record_opinion = f"{opinion}（受理号：{application.acceptance_number}）"
                _record(
                    application,
                    user=user,
                    membership=membership,
                    action=spec.action,
                    from_state=from_state,
                    opinion=record_opinion,
                )
                schedule_side_effects(application, opinion=opinion, accepted=step == "window_accept")
                return application
    except ConcurrentTransition:
        # The row changed under us (a write that did not take the lock): nothing was saved.
        refusal = _taken_by_someone_else(Application.objects.get(pk=application_id))
    refuse(application_id, user=user, message=refusal, attempted=str(spec.label))


def next_acceptance_number(window) -> str:
    """Gap-free per window and year under concurrency: the counter row is locked until commit."""
    if window.kind != OrgKind.WINDOW:
        raise ValidationError(_("只有窗口可以受理。"))
    year = timezone.localdate().year
    AcceptanceCounter.objects.get_or_create(window=window, year=year)
    counter = AcceptanceCounter.objects.select_for_update().get(window=window, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return settings.ACCEPTANCE_NUMBER_FORMAT.format(year=year, number=counter.last_number, window=window.pk)


def batch_pass(*, application_ids: list[int], user, opinion: str) -> tuple[list[Application], list[tuple[int, str]]]:
    """Pass several applications, each in its own transaction and audited singly."""
    done, refused = [], []
    for application_id in application_ids:
        application = Application.objects.filter(pk=application_id).first()
        if application is None:
            continue
        steps = [s for s in available_steps(user, application) if s.style == "ok" and s.method != "window_accept"]
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


MAX_VOTES = 999


def committee_record(
    *,
    application_id: int,
    user,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    opinion: str,
    expected_state: str | None = None,
):
    """Record the committee's vote (for now entered by the bureau) and conclude: more than half for passes."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("unit", "unit__region")
            .get(pk=application_id)
        )
        if expected_state and application.state != expected_state:
            refusal = _taken_by_someone_else(application)
        elif application.state != State.COMMITTEE_REVIEW:
            refusal = _wrong_state(application)
        elif not may_fire(application.committee_conclude, user):
            refusal = _("您无权录入该申报的评审结果。")
        else:
            votes = (votes_for, votes_against, abstentions)
            if any(not isinstance(v, int) or v < 0 or v > MAX_VOTES for v in votes):
                raise ValidationError({"votes_for": _("表决票数须为0至%(max)d之间的整数。") % {"max": MAX_VOTES}})
            total = votes_for + votes_against + abstentions
            if total == 0:
                raise ValidationError({"votes_for": _("请填写表决票数。")})
            passed = votes_for * 2 > total
            membership = acting_membership(user, application)
            from_state = application.state
            application.committee_conclude(passed=passed)
            application.save()
            CommitteeResult.objects.create(
                application=application,
                votes_for=votes_for,
                votes_against=votes_against,
                abstentions=abstentions,
                passed=passed,
                recorded_by=user,
            )
            text = _("评委会表决：赞成%(f)d票，反对%(a)d票，弃权%(b)d票，%(r)s。") % {
                "f": votes_for,
                "a": votes_against,
                "b": abstentions,
                "r": _("通过") if passed else _("未通过"),
            }
            _record(
                application,
                user=user,
                membership=membership,
                action=Action.COMMITTEE,
                from_state=from_state,
                opinion=f"{text}{opinion}",
            )
            schedule_side_effects(application, opinion=opinion)
            return application
    refuse(application_id, user=user, message=refusal, attempted=str(_("录入评审结果")))


def application_withdraw(*, application_id: int, user, reason: str) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
        if application.applicant_id != user.pk:
            refusal = _("只有申报人本人可以撤回申报。")
        elif not may_fire(application.withdraw, user) or not can_proceed(application.withdraw):
            refusal = _("当前状态（%(s)s）不能撤回。") % {"s": application.get_state_display()}
        else:
            from_state = application.state
            application.withdraw()
            application.save()
            _record(
                application, user=user, membership=None, action=Action.WITHDRAW, from_state=from_state, opinion=reason
            )
            schedule_side_effects(application, opinion=reason)
            return application
    refuse(application_id, user=user, message=refusal, attempted=str(_("撤回申报")))
