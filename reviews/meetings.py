"""The meeting (评审会议) and its secret vote (无记名投票), by 人社部令第40号 as the committee
configures it (reviews.votes.VoteRule).

The office records the roll call of the drawn experts; the vote cannot open without a quorum of
them present. Each present expert casts one ballot per application (同意 / 不同意 / 弃权) on their
own account, or the office enters a present expert's paper ballot. Nobody votes for anyone else:
an absent expert, one who declined, and one recused from the file (their own application, a
declared conflict) have no ballot on it. A ballot is two rows that cannot be matched: the receipt
(who has voted on which file, so nobody votes twice) and the ballot (the choice alone, under a
random key). Closing the vote fixes the tallies; the chair (the designated expert, or the office)
signs them off, which concludes each application (Application.committee_conclude). The session's
row is locked for every write, so a ballot never lands after the close and two offices closing
at once get one result."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, State
from applications.workflow.services import WorkflowRefused, fire
from portal.organizations.models import Membership, Role

from . import offices
from .models import (
    Ballot,
    BallotChoice,
    BallotReceipt,
    CommitteeResult,
    CommitteeSession,
    ExpertConflict,
    SessionEvent,
    SessionExpert,
    SessionExpertStatus,
)
from .votes import VoteRule

# SessionEvent.action codes and how the trail shows them.
CONFLICT = "conflict"
ATTENDANCE = "attendance"
CHAIR = "chair"
VOTE_OPEN = "vote_open"
BALLOT = "ballot"
VOTE_CLOSE = "vote_close"
SIGN = "sign"
RESULT_NOTICE_OPEN = "result_notice_open"
RESULT_NOTICE_RESULT = "result_notice_result"
INTERVIEW_SCHEDULE = "interview_schedule"
INTERVIEW_ATTENDANCE = "interview_attendance"
GROUPS = "groups"
GROUP_OPINION = "group_opinion"
EVENT_LABELS = {
    CONFLICT: gettext_lazy("利益冲突回避并补抽"),
    ATTENDANCE: gettext_lazy("登记签到"),
    CHAIR: gettext_lazy("指定主任委员"),
    VOTE_OPEN: gettext_lazy("开始表决"),
    BALLOT: gettext_lazy("投票"),
    VOTE_CLOSE: gettext_lazy("结束表决"),
    SIGN: gettext_lazy("签发评审结果"),
    RESULT_NOTICE_OPEN: gettext_lazy("发布评审结果公示"),
    RESULT_NOTICE_RESULT: gettext_lazy("登记公示结果"),
    INTERVIEW_SCHEDULE: gettext_lazy("安排答辩"),
    INTERVIEW_ATTENDANCE: gettext_lazy("答辩到场登记"),
    GROUPS: gettext_lazy("评议组分组"),
    GROUP_OPINION: gettext_lazy("评议组意见"),
}


def event(session, *, by, action: str, detail: str = "") -> SessionEvent:
    return SessionEvent.objects.create(session=session, action=action, detail=detail, actor=by)


def locked(session_id: int) -> CommitteeSession:
    return CommitteeSession.objects.select_for_update(of=("self",)).select_related("committee").get(pk=session_id)


def office_check(by, session) -> None:
    if not offices.runs(by, session.committee):
        raise ValidationError(_("无权组织该评委会的评审会议。"))


def members(session):
    """The drawn experts who have not declined: the committee of this sitting (应到委员)."""
    return (
        SessionExpert.objects.filter(session=session, status=SessionExpertStatus.DRAWN)
        .select_related("expert__user")
        .order_by("id")
    )


def _conflicts(session) -> set[tuple[int, int]]:
    return set(
        ExpertConflict.objects.filter(application__in=session.applications.all()).values_list(
            "expert_id", "application_id"
        )
    )


def recused(member, application, conflicts) -> bool:
    """The expert may not vote on this file: it is their own, or they have a conflict with it."""
    return application.applicant_id == member.expert.user_id or (member.expert_id, application.pk) in conflicts


def voting(session):
    """The applications put to the vote: the session's, still at committee review."""
    return (
        session.applications.filter(state=State.COMMITTEE_REVIEW)
        .select_related("applicant", "unit", "title")
        .order_by("applicant__real_name", "pk")
    )


# --- the roll call and the chair ------------------------------------------------------------------


def attendance_record(*, session_id: int, by, present_ids) -> CommitteeSession:
    """The office's roll call: the listed members are present, every other drawn member absent.
    Fixed once the vote opens (nobody joins a vote that has started, nobody leaves it)."""
    with transaction.atomic():
        session = locked(session_id)
        office_check(by, session)
        if session.vote_opened_at is not None:
            raise ValidationError(_("表决已经开始，不能再修改签到。"))
        roll = list(members(session))
        chosen = {int(pk) for pk in present_ids}
        if not chosen <= {m.pk for m in roll}:
            raise ValidationError({"present": _("所选专家不是本次会议的抽取专家。")})
        now = timezone.now()
        for member in roll:
            member.present = member.pk in chosen
            member.attendance_recorded_at = now
        SessionExpert.objects.bulk_update(roll, ["present", "attendance_recorded_at"])
        if session.chair_id and not any(m.present and m.expert.user_id == session.chair_id for m in roll):
            # An absent chair cannot sign: the office signs unless it designates another.
            session.chair = None
            session.save(update_fields=["chair"])
        here = [m.expert.user.real_name for m in roll if m.present]
        away = [m.expert.user.real_name for m in roll if not m.present]
        event(
            session,
            by=by,
            action=ATTENDANCE,
            detail=_("应到%(m)d人，实到%(p)d人：%(here)s；缺席：%(away)s")
            % {"m": len(roll), "p": len(here), "here": "、".join(here) or "—", "away": "、".join(away) or "—"},
        )
        return session


def chair_designate(*, session_id: int, by, member_id: int | None) -> CommitteeSession:
    """The office names the chair (主任委员) who signs the result: a present drawn expert who is
    not an applicant in this session. None: the office signs itself."""
    with transaction.atomic():
        session = locked(session_id)
        office_check(by, session)
        if session.signed_at is not None:
            raise ValidationError(_("评审结果已签发。"))
        if member_id is None:
            session.chair = None
            detail = _("由办事机构签发")
        else:
            member = members(session).filter(pk=member_id).first()
            if member is None or member.present is not True:
                raise ValidationError({"chair": _("主任委员须为出席会议的抽取专家。")})
            if session.applications.filter(applicant=member.expert.user).exists():
                raise ValidationError({"chair": _("本次会议的申报人不能担任主任委员。")})
            session.chair = member.expert.user
            detail = member.expert.user.real_name
        session.save(update_fields=["chair"])
        event(session, by=by, action=CHAIR, detail=detail)
        return session


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    recorded: bool  # every member's attendance is recorded
    rule: VoteRule

    @property
    def needed(self) -> int:
        return self.rule.quorum_needed(self.members)

    @property
    def reached(self) -> bool:
        return self.rule.quorate(present=self.present, members=self.members)

    @property
    def shortfall(self) -> int:
        return max(self.needed - self.present, 0)


def quorum(session) -> Quorum:
    roll = list(members(session))
    return Quorum(
        members=len(roll),
        present=sum(1 for m in roll if m.present),
        recorded=all(m.present is not None for m in roll),
        rule=VoteRule.of(session.committee),
    )


def vote_open(*, session_id: int, by) -> CommitteeSession:
    with transaction.atomic():
        session = locked(session_id)
        office_check(by, session)
        if session.vote_opened_at is not None:
            raise ValidationError(_("表决已经开始。"))
        count = quorum(session)
        if count.members == 0:
            raise ValidationError(_("请先抽取评审专家。"))
        if not count.recorded:
            raise ValidationError(_("请先登记全部抽取专家的签到情况，再开始表决。"))
        if not count.reached:
            raise ValidationError(
                _(
                    "实到委员%(present)d人，不足应到%(members)d人的%(fraction)s（至少%(needed)d人），"
                    "尚缺%(short)d人，不能开始表决。"
                )
                % {
                    "present": count.present,
                    "members": count.members,
                    "fraction": count.rule.quorum_label,
                    "needed": count.needed,
                    "short": count.shortfall,
                }
            )
        if not voting(session).exists():
            raise ValidationError(_("本次会议没有待表决的申报。"))
        session.vote_opened_at = timezone.now()
        session.vote_opened_by = by
        session.save(update_fields=["vote_opened_at", "vote_opened_by"])
        event(
            session,
            by=by,
            action=VOTE_OPEN,
            detail=_("应到%(m)d人，实到%(p)d人") % {"m": count.members, "p": count.present},
        )
        return session


# --- ballots --------------------------------------------------------------------------------------


def ballot_cast(
    *, session_id: int, application_id: int, by, choice: str, member_id: int | None = None
) -> BallotReceipt:
    """One ballot. Without `member_id` the expert votes on their own account; with it the office
    enters that present expert's paper ballot. Refused: before the vote opens or after it closes,
    for anyone absent, declined or recused from the file, and a second time."""
    if choice not in BallotChoice.values:
        raise ValidationError({"choice": _("请选择同意、不同意或弃权。")})
    with transaction.atomic():
        session = locked(session_id)
        roll = members(session)
        if member_id is None:
            member = roll.filter(expert__user=by).first()
            if member is None:
                raise ValidationError(_("您不是本次会议的评审专家。"))
        else:
            office_check(by, session)
            member = roll.filter(pk=member_id).first()
            if member is None:
                raise ValidationError({"member": _("所选专家不是本次会议的抽取专家。")})
        if session.vote_opened_at is None:
            raise ValidationError(_("表决尚未开始。"))
        if session.vote_closed_at is not None:
            raise ValidationError(_("表决已经结束，不再接受投票。"))
        application = voting(session).filter(pk=application_id).first()
        if application is None:
            raise ValidationError({"application": _("该申报不在本次表决中。")})
        if member.present is not True:
            raise ValidationError(_("未出席会议的专家不能投票，也不能由他人代为投票。"))
        if recused(member, application, _conflicts(session)):
            raise ValidationError(_("该专家须回避该申报，不能投票。"))
        if BallotReceipt.objects.filter(member=member, application=application).exists():
            raise ValidationError(_("已对该申报投票；每人每份申报只有一票，不能重复投票。"))
        receipt = BallotReceipt.objects.create(
            member=member, application=application, on_paper=member_id is not None, recorded_by=by
        )
        Ballot.objects.create(session=session, application=application, choice=choice)
        detail = _("%(expert)s已对%(applicant)s的申报投票") % {
            "expert": member.expert.user.real_name,
            "applicant": application.applicant.real_name,
        }
        if member_id is not None:
            detail += _("（纸质选票，由办事机构录入）")
        event(session, by=by, action=BALLOT, detail=detail)
        return receipt


@dataclass(frozen=True)
class Tally:
    application: Application
    members: int
    present: int  # present members not recused from this file: its voters
    votes_for: int
    votes_against: int
    abstentions: int
    rule: VoteRule

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions

    @property
    def not_cast(self) -> int:
        return self.present - self.cast

    @property
    def needed(self) -> int:
        return self.rule.pass_needed(self.present)

    @property
    def passed(self) -> bool:
        return self.rule.passes(votes_for=self.votes_for, present=self.present)


def tallies(session) -> list[Tally]:
    """Each application's count: its voters (present, not recused) and the ballots by choice. A
    voter who did not vote by the close counts against no one but is not in favour either."""
    roll = list(members(session))
    conflicts = _conflicts(session)
    rule = VoteRule.of(session.committee)
    counts = {}
    for row in Ballot.objects.filter(session=session).values("application_id", "choice").annotate(n=Count("id")):
        counts[(row["application_id"], row["choice"])] = row["n"]
    result = []
    for application in voting(session):
        voters = [m for m in roll if m.present and not recused(m, application, conflicts)]
        result.append(
            Tally(
                application=application,
                members=len(roll),
                present=len(voters),
                votes_for=counts.get((application.pk, BallotChoice.FOR), 0),
                votes_against=counts.get((application.pk, BallotChoice.AGAINST), 0),
                abstentions=counts.get((application.pk, BallotChoice.ABSTAIN), 0),
                rule=rule,
            )
        )
    return result


def vote_close(*, session_id: int, by) -> CommitteeSession:
    """Close the vote: no ballot after this. A second close (another office at the same moment)
    waits for the first's lock, then is refused: one vote, one result."""
    with transaction.atomic():
        session = locked(session_id)
        office_check(by, session)
        if session.vote_opened_at is None:
            raise ValidationError(_("表决尚未开始。"))
        if session.vote_closed_at is not None:
            raise ValidationError(_("表决已经结束，不能重复结束。"))
        session.vote_closed_at = timezone.now()
        session.vote_closed_by = by
        session.save(update_fields=["vote_closed_at", "vote_closed_by"])
        event(session, by=by, action=VOTE_CLOSE, detail=_summary(tallies(session)))
        return session


def _summary(counted: list[Tally]) -> str:
    return "；".join(
        _("%(name)s：同意%(f)d，不同意%(a)d，弃权%(b)d，未投%(n)d，%(r)s")
        % {
            "name": t.application.applicant.real_name,
            "f": t.votes_for,
            "a": t.votes_against,
            "b": t.abstentions,
            "n": t.not_cast,
            "r": _("通过") if t.passed else _("未通过"),
        }
        for t in counted
    )


def can_sign(user, session) -> bool:
    return user.is_authenticated and (session.chair_id == user.pk or offices.runs(user, session.committee))


def may_conclude(user, application) -> bool:
    """The workflow's committee signer (registered in ReviewsConfig.ready()): the chair or the
    office of a closed, unsigned vote on this application."""
    session = (
        application.committee_sessions.filter(vote_closed_at__isnull=False, signed_at__isnull=True)
        .select_related("committee")
        .first()
    )
    return session is not None and can_sign(user, session)


@dataclass(frozen=True)
class ChairSignature:
    """What the audit record names for the chair's sign-off: the role, and no organisation."""

    role: str = Role.COMMITTEE_EXPERT
    organization: None = None


def _signer_membership(by, session) -> Membership | ChairSignature | None:
    if session.chair_id == by.pk:
        # The chair signs as the committee's chair, not for their employer: the record the
        # applicant and the unit read must not name a drawn expert's unit (the list is secret).
        return ChairSignature()
    return offices.office_membership(by, session.committee)


def vote_sign(*, session_id: int, by) -> list[Application]:
    """The chair's sign-off: each application concludes by its tally (passed → result notice,
    else failed), its CommitteeResult kept with the rule it was judged by. All or nothing."""
    with transaction.atomic():
        session = locked(session_id)
        if not can_sign(by, session):
            raise ValidationError(_("只有主任委员或评委会办事机构可以签发评审结果。"))
        if session.vote_closed_at is None:
            raise ValidationError(_("请先结束表决，再签发评审结果。"))
        if session.signed_at is not None:
            raise ValidationError(_("评审结果已签发，不能重复签发。"))
        membership = _signer_membership(by, session)
        counted = tallies(session)
        concluded = []
        for tally in counted:
            concluded.append(_conclude(session, tally, by=by, membership=membership))
        session.signed_at = timezone.now()
        session.signed_by = by
        session.save(update_fields=["signed_at", "signed_by"])
        event(session, by=by, action=SIGN, detail=_summary(counted))
        return concluded


def _conclude(session, tally: Tally, *, by, membership) -> Application:
    rule = tally.rule

    def record_result(application):
        CommitteeResult.objects.create(
            application=application,
            session=session,
            members=tally.members,
            present=tally.present,
            votes_for=tally.votes_for,
            votes_against=tally.votes_against,
            abstentions=tally.abstentions + tally.not_cast,
            quorum_numerator=rule.quorum_numerator,
            quorum_denominator=rule.quorum_denominator,
            pass_numerator=rule.pass_numerator,
            pass_denominator=rule.pass_denominator,
            passed=tally.passed,
            recorded_by=by,
        )

    # The record names the outcome, never the counts: the applicant and the unit read it, and
    # the tallies are the office's and the bureau's alone.
    text = _("评审委员会无记名投票表决：%(r)s。") % {"r": _("通过，进入评审结果公示") if tally.passed else _("未通过")}
    try:
        return fire(
            application_id=tally.application.pk,
            user=by,
            step="committee_conclude",
            opinion="",
            expected_state=State.COMMITTEE_REVIEW,
            record_prefix=text,
            also=record_result,
            acting_as=membership,
            passed=tally.passed,
        )
    except WorkflowRefused as refusal:
        raise ValidationError(
            _("%(name)s：%(message)s") % {"name": tally.application.applicant.real_name, "message": refusal.message}
        ) from refusal


def receipts_of(user, session) -> set[int]:
    """The applications this expert has voted on in the session (that, not how)."""
    return set(
        BallotReceipt.objects.filter(member__session=session, member__expert__user=user).values_list(
            "application_id", flat=True
        )
    )


def sessions_sitting(user):
    """The sessions this expert is drawn into (and has not declined)."""
    return (
        CommitteeSession.objects.filter(experts__expert__user=user, experts__status=SessionExpertStatus.DRAWN)
        .select_related("committee")
        .distinct()
    )


def ballots_for(user):
    """The sessions whose vote is open where this expert sits present: their ballot page."""
    return (
        CommitteeSession.objects.filter(
            experts__expert__user=user,
            experts__status=SessionExpertStatus.DRAWN,
            experts__present=True,
            vote_opened_at__isnull=False,
        )
        .select_related("committee")
        .distinct()
        .order_by("-vote_opened_at")
    )


def ballot_sheet(user, session) -> list[tuple[Application, str]]:
    """Each application of the vote with what this expert may do: "vote", "voted" or "recused".
    An expert's own file is left off the sheet entirely, as in the online review."""
    member = members(session).filter(expert__user=user).first()
    if member is None:
        return []
    conflicts = _conflicts(session)
    voted = receipts_of(user, session)
    sheet = []
    for application in voting(session).exclude(applicant=user):
        if recused(member, application, conflicts):
            sheet.append((application, "recused"))
        else:
            sheet.append((application, "voted" if application.pk in voted else "vote"))
    return sheet
