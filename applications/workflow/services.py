"""The only place the workflow's transitions are fired.

Each service locks the application row, checks the step (state, role and scope, guards),
fires the transition, saves, writes the audit record and publishes the step (events.py) for the
apps above to react to, all in one transaction. A refused attempt changes nothing and is audited
in a transaction of its own."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from portal.organizations.models import OrgKind

from ..models import Application
from .audit import audit
from .events import StepTaken, publish
from .permissions import acting_membership, reviewer_memberships
from .records import AcceptanceCounter, Action
from .states import REVIEW_STATE_VALUES, State
from .steps import STEPS, Step


class WorkflowRefused(Exception):
    """The step cannot be taken; `message` says why in Chinese, `state` is the current state."""

    def __init__(self, message, state=None):
        super().__init__(message)
        self.message = message
        self.state = state


def _transition(application: Application, name: str):
    """The django-fsm transition `name` from the application's current state, if there is one."""
    return next(
        (
            t
            for t in application.get_all_state_transitions()
            if t.name == name and t.source in (application.state, "*", "+")
        ),
        None,
    )


def may_fire(application: Application, name: str, user) -> bool:
    """Role and scope only, guards aside (django_fsm.has_transition_perm also requires the guards
    to pass, which would turn "guard not met" into "not allowed")."""
    transition = _transition(application, name)
    return transition is not None and transition.has_perm(application, user)


def available_steps(user, application: Application) -> list[Step]:
    """Exactly the review steps this user may take on this application now (the buttons)."""
    names = {t.name for t in application.get_available_user_state_transitions(user)}
    return [step for name, step in STEPS.items() if step.offered and name in names]


def refuse(application_id, *, user, message, attempted):
    """Audit a refused attempt in its own transaction (the step's own transaction rolled back),
    then raise WorkflowRefused with the message and the current state."""
    with transaction.atomic():
        application = Application.objects.get(pk=application_id)
        audit(
            application,
            actor=user,
            membership=acting_membership(user, application),
            action=Action.REFUSED,
            from_state=application.state,
            opinion=f"{attempted}：{message}",
        )
    raise WorkflowRefused(message, application.state)


def taken_by_someone_else(application) -> str:
    return _("该申报已由他人处理，当前状态为“%(s)s”，请刷新后查看。") % {"s": application.get_state_display()}


def wrong_state(application) -> str:
    return _("该申报当前处于“%(s)s”，不能进行此操作（可能已由他人处理），请刷新后查看。") % {
        "s": application.get_state_display()
    }


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


def _locked(application_id) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "unit", "unit__region", "item", "title")
        .get(pk=application_id)
    )


def _refusal(application, *, spec: Step, user, expected_state) -> str | None:
    """Why this step cannot be taken now, checked in this order so the message names the first
    thing wrong: the state the reviewer saw, the state the step starts from, the user's role and
    scope, then the guards (return limit, notice result)."""
    method = getattr(application, spec.method)
    if expected_state and application.state != expected_state:
        return taken_by_someone_else(application)
    if not can_proceed(method, check_conditions=False):
        return wrong_state(application)
    if application.applicant_id == user.pk and reviewer_memberships(user):
        return _("不能审核本人的申报。")
    if not may_fire(application, spec.method, user):
        return _("您无权在当前环节（%(s)s）进行此操作。") % {"s": application.get_state_display()}
    if not can_proceed(method):
        return spec.guard_refusal() if spec.guard_refusal else wrong_state(application)
    return None


def fire(
    *,
    application_id: int,
    user,
    step: str,
    opinion: str,
    expected_state: str | None = None,
    record_prefix: str = "",
    check: Callable[[], None] | None = None,
    also: Callable[[Application], None] | None = None,
    acting_as=None,
    **kwargs,
) -> Application:
    """Take one review step. `expected_state` is the state the reviewer saw: if another reviewer
    acted in between, the step is refused with the current state instead of acting twice.

    After the step's own checks, `check()` may refuse with a ValidationError (e.g. vote counts),
    before the opinion is required; `also(application)` writes what the step's caller records
    with it, in the same transaction; `record_prefix` opens the audit record's text;
    `acting_as` is the membership the audit names when the step's signer is not the stage's
    reviewer (the committee office signing its meeting's result). Every refusal is audited."""
    spec = STEPS.get(step)
    if spec is None:
        refuse(application_id, user=user, message=_("未知的操作。"), attempted=str(step)[:40])
    opinion = (opinion or "").strip()
    try:
        with transaction.atomic():
            application = _locked(application_id)
            refusal = _refusal(application, spec=spec, user=user, expected_state=expected_state)
            if refusal is None:
                if check is not None:
                    check()
                if spec.needs_opinion and not opinion:
                    raise ValidationError({"opinion": _("请填写审核意见。")})
                membership = acting_as or acting_membership(user, application)
                from_state = application.state
                record_opinion = f"{record_prefix}{opinion}"
                if spec.assigns_acceptance_number:
                    kwargs["window"] = membership.organization
                    kwargs["acceptance_number"] = next_acceptance_number(membership.organization)
                    record_opinion += _("（受理号：%(n)s）") % {"n": kwargs["acceptance_number"]}
                getattr(application, spec.method)(**kwargs)
                application.save()
                if also is not None:
                    also(application)
                audit(
                    application,
                    actor=user,
                    membership=membership,
                    action=spec.action,
                    from_state=from_state,
                    opinion=record_opinion,
                )
                publish(StepTaken(application, step, from_state, opinion, user))
                return application
    except ConcurrentTransition:
        # The row changed under us (a write that did not take the lock): nothing was saved.
        refusal = taken_by_someone_else(Application.objects.get(pk=application_id))
    refuse(application_id, user=user, message=refusal, attempted=str(spec.label))


def _route_of(item) -> list[str]:
    """The review stages an item's applications pass, in order (Item.stages holds more)."""
    return [stage for stage in item.stages if stage in REVIEW_STATE_VALUES]


def submit(*, application: Application, user, content: dict, eligibility: dict) -> Application:
    """The applicant's submission, once the filing services have checked it, inside their
    transaction with the row locked: freeze the content, enter the item's route (or go back to the
    stage that returned it), audit, publish."""
    from_state = application.state
    route = _route_of(application.item)
    application.submit(content=content, eligibility=eligibility, route=route)
    application.save()
    audit(
        application,
        actor=user,
        role="applicant",
        organization=application.unit,
        action=Action.RESUBMIT if from_state == State.RETURNED else Action.SUBMIT,
        from_state=from_state,
    )
    # Recorded with the submission (sent after commit): the applicant is told, the first stage's
    # reviewers get it in their digest.
    publish(StepTaken(application, "submit", from_state, "", user))
    return application


def record_offline(*, application: Application, user, content: dict, note: str) -> Application:
    """An offline-only item the window enters from the paper file and accepts at once (one audit
    record each, one event). `application` is the new draft, inside the caller's transaction."""
    if not may_fire(application, "record_offline", user):
        raise PermissionDenied
    route = _route_of(application.item)
    route = route[route.index(State.WINDOW_INTAKE) :] if State.WINDOW_INTAKE in route else route
    application.record_offline(content=content, route=route)
    application.save()
    membership = acting_membership(user, application)
    audit(
        application,
        actor=user,
        membership=membership,
        action=Action.SUBMIT,
        from_state=State.DRAFT,
        opinion=_("窗口根据纸质材料录入：%(note)s") % {"note": note},
    )
    number = next_acceptance_number(membership.organization)
    application.window_accept(window=membership.organization, acceptance_number=number)
    application.save()
    audit(
        application,
        actor=user,
        membership=membership,
        action=Action.ACCEPT,
        from_state=State.WINDOW_INTAKE,
        opinion=_("纸质材料核验无误（受理号：%(n)s）") % {"n": number},
    )
    publish(StepTaken(application, "record_offline", State.DRAFT, "", user))
    return application


def application_withdraw(*, application_id: int, user, reason: str) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
        if application.applicant_id != user.pk:
            refusal = _("只有申报人本人可以撤回申报。")
        elif not may_fire(application, "withdraw", user) or not can_proceed(application.withdraw):
            refusal = _("当前状态（%(s)s）不能撤回。") % {"s": application.get_state_display()}
        else:
            from_state = application.state
            application.withdraw()
            application.save()
            audit(
                application, actor=user, role="applicant", action=Action.WITHDRAW, from_state=from_state, opinion=reason
            )
            publish(StepTaken(application, "withdraw", from_state, reason, user))
            return application
    refuse(application_id, user=user, message=refusal, attempted=str(_("撤回申报")))
