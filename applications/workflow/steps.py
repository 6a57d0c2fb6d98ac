"""The review steps as data: which transition each fires, how it is audited and shown, and what
is special about it. `services.fire` reads these fields; it has no case for any one step."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .records import Action


def _no_returns_left() -> str:
    return _("退回修改和重置流程的机会已用完（共%(n)d次），只能审核通过或不通过。") % {
        "n": settings.WORKFLOW_RETURN_LIMIT
    }


def _notice_not_passed() -> str:
    return _("公示尚未结束或结果不是“无异议”，暂不能推荐上报。")


def _result_notice_not_passed() -> str:
    return _("评审结果公示尚未结束或尚未登记无异议，暂不能核准备案。")


def _no_objection_upheld() -> str:
    return _("评审结果公示中没有针对该申报人成立的异议。")


@dataclass(frozen=True)
class Step:
    method: str  # the Application transition it fires
    action: str  # the audit record's action
    label: str  # the button
    style: str = ""
    needs_opinion: bool = True
    # A button on the review page (the committee's conclusion has a form of its own).
    offered: bool = True
    # May be taken for several applications at once from the queue.
    batchable: bool = False
    # The window's next acceptance number is drawn and given to the transition, and named in the
    # audit record.
    assigns_acceptance_number: bool = False
    # Why the transition's conditions refuse it, when they do (default: the state is wrong).
    guard_refusal: object = None


STEPS = {
    step.method: step
    for step in (
        Step("unit_recommend", Action.RECOMMEND, gettext_lazy("审核通过，推荐上报"), "ok", batchable=True),
        Step(
            "notice_recommend",
            Action.RECOMMEND,
            gettext_lazy("公示无异议，推荐上报"),
            "ok",
            batchable=True,
            guard_refusal=_notice_not_passed,
        ),
        Step("department_pass", Action.PASS, gettext_lazy("审核通过"), "ok", batchable=True),
        # The clerk's check is the paper originals ticked off at intake, not a written opinion.
        Step(
            "window_accept",
            Action.ACCEPT,
            gettext_lazy("核对原件无误，受理"),
            "ok",
            needs_opinion=False,
            assigns_acceptance_number=True,
        ),
        Step("bureau_approve", Action.APPROVE, gettext_lazy("审核通过"), "ok", batchable=True),
        Step(
            "return_for_changes",
            Action.RETURN,
            gettext_lazy("退回修改"),
            "secondary",
            guard_refusal=_no_returns_left,
        ),
        Step("reset", Action.RESET, gettext_lazy("重置流程"), "secondary", guard_refusal=_no_returns_left),
        Step("fail", Action.FAIL, gettext_lazy("不通过"), "danger"),
        Step(
            "committee_conclude",
            Action.COMMITTEE,
            gettext_lazy("录入评审结果"),
            needs_opinion=False,
            offered=False,
        ),
        Step(
            "result_file",
            Action.FILE,
            gettext_lazy("公示无异议，核准备案"),
            "ok",
            guard_refusal=_result_notice_not_passed,
        ),
        Step(
            "result_reject",
            Action.FAIL,
            gettext_lazy("异议成立，不予核准备案"),
            "danger",
            guard_refusal=_no_objection_upheld,
        ),
    )
}
