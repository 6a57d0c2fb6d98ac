"""Who may fire the workflow's transitions, and who sees an application as its reviewer.

Each review stage belongs to one role (portal.catalog.stages.STAGE_ROLE); the role's members
act on the applications their membership covers (portal.organizations.scope). Nobody reviews
their own application (an HR officer who applies is reviewed by someone else)."""

from collections.abc import Callable

from portal.catalog.stages import STAGE_ROLE
from portal.organizations.models import Membership, Role
from portal.organizations.scope import covers, reviewer_memberships

from .states import State

# States that are not stages of a route but still wait for a reviewer: after the committee's
# vote the result notice runs, then the bureau files the result (核准备案).
STATE_ROLE = {**STAGE_ROLE, State.RESULT_NOTICE: Role.BUREAU_APPROVER}


def waiting_states(role: str) -> list[str]:
    """The states whose applications wait for this role (its to-do, 待我处理): the stages it
    reviews and, for the bureau, the result notice it files once the notice ends."""
    return [str(state) for state, state_role in STATE_ROLE.items() if state_role == role]


# Who, besides the committee stage's reviewer (the bureau entering the minutes of a paper
# sitting), may conclude a committee's review: the reviews app registers its meeting's signers
# (the committee office, the designated chair) from its ready(). The workflow imports none.
CommitteeSigner = Callable[[object, object], bool]
_committee_signers: list[CommitteeSigner] = []


def register_committee_signer(check: CommitteeSigner) -> None:
    if check not in _committee_signers:
        _committee_signers.append(check)


def stage_membership(user, application, stage: str) -> Membership | None:
    """The membership under which `user` reviews `application` at `stage`, if any."""
    role = STATE_ROLE.get(stage)
    if role is None:
        return None
    return next(
        (m for m in reviewer_memberships(user) if m.role == role and covers(m, application.unit)),
        None,
    )


def acting_membership(user, application) -> Membership | None:
    """The membership under which `user` acts at the application's current stage."""
    return stage_membership(user, application, application.state)


def can_act_on_stage(user, application, stage: str) -> bool:
    """The stage's reviewer in scope, while the application is at that stage, never their own."""
    if application.state != stage or application.applicant_id == user.pk:
        return False
    return stage_membership(user, application, stage) is not None


def can_act_now(application, user) -> bool:
    """The transition permission of every review step: the reviewer of the current stage."""
    return can_act_on_stage(user, application, application.state)


def can_conclude_committee(application, user) -> bool:
    """The committee's conclusion: the stage's reviewer, or a signer of the meeting that voted."""
    if application.state != State.COMMITTEE_REVIEW or application.applicant_id == user.pk:
        return False
    return can_act_now(application, user) or any(check(user, application) for check in _committee_signers)


def is_applicant(application, user) -> bool:
    return application.applicant_id == user.pk


def can_view_as_reviewer(user, application) -> bool:
    """Reviewers see filed applications of their scope, at any stage (never someone's first draft)."""
    if application.submitted_at is None:
        return False
    return any(covers(m, application.unit) for m in reviewer_memberships(user))


def can_record_offline(user, application) -> bool:
    """Window staff enter offline-only items for people of their region."""
    if application.item.online:
        return False
    return any(m.role == Role.WINDOW_STAFF and covers(m, application.unit) for m in reviewer_memberships(user))
