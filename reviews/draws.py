"""Committee sessions and the random draw of experts with recusal (随机抽取, 回避).

The draw is reproducible: the candidates are the eligible experts sorted by id, the seed comes
from `secrets`, and `random.Random(seed).sample(candidates, n)` is the result, so anyone holding
the stored record can replay it (`draw_replay`). Everything is stored: seed, candidates,
exclusions with reasons, result. The drawn list is the office's alone: no applicant page reads
these models."""

import random
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application, State

from . import meetings, offices, online
from .models import (
    CommitteeSession,
    Expert,
    ExpertConflict,
    ExpertDraw,
    ExpertStatus,
    ReviewAssignment,
    ReviewStatus,
    SessionExpert,
    SessionExpertStatus,
)

SELF = "self"
SAME_UNIT = "same_unit"
DECLARED = "declared"


def _office(by, committee) -> None:
    if not offices.runs(by, committee):
        raise ValidationError(_("无权组织该评委会的评审会议。"))


def session_create(*, committee, year: int, experts_to_draw: int, by) -> CommitteeSession:
    """A sitting with the committee's applications waiting at committee review and not yet in
    another session."""
    _office(by, committee)
    if not 1 <= experts_to_draw <= 99:
        raise ValidationError({"experts_to_draw": _("抽取专家人数须为1至99。")})
    with transaction.atomic():
        session = CommitteeSession.objects.create(
            committee=committee, year=year, experts_to_draw=experts_to_draw, created_by=by
        )
        waiting = Application.objects.filter(
            committee=committee, state=State.COMMITTEE_REVIEW, committee_sessions__isnull=True
        )
        session.applications.set(waiting)
        return session


def _candidates(session) -> tuple[list[int], list[dict]]:
    """The eligible experts' ids (sorted) and each excluded one with why."""
    committee = session.committee
    pool = Expert.objects.filter(
        organizer=committee.organizer,
        series=committee.series,
        level__in=committee.levels,
        status=ExpertStatus.IN_POOL,
    ).exclude(sittings__session=session)
    applications = list(session.applications.select_related("applicant"))
    applicants = {a.applicant_id for a in applications}
    units = {a.unit_id for a in applications}
    declared = set(ExpertConflict.objects.filter(application__in=applications).values_list("expert_id", flat=True))
    candidates, exclusions = [], []
    for expert in pool.order_by("id"):
        if expert.user_id in applicants:
            exclusions.append({"expert": expert.pk, "reason": SELF})
        elif expert.unit_id in units:
            exclusions.append({"expert": expert.pk, "reason": SAME_UNIT})
        elif expert.pk in declared:
            exclusions.append({"expert": expert.pk, "reason": DECLARED})
        else:
            candidates.append(expert.pk)
    return candidates, exclusions


def pick(candidates: list[int], seed: str, number: int) -> list[int]:
    return random.Random(seed).sample(candidates, number)


def expert_draw(*, session_id: int, by, number: int | None = None, replacing: Expert | None = None) -> ExpertDraw:
    with transaction.atomic():
        session = CommitteeSession.objects.select_for_update().select_related("committee").get(pk=session_id)
        _office(by, session.committee)
        if replacing is None and session.experts.exists():
            # A second whole draw would let the office redraw until it likes the result.
            raise ValidationError(_("本次会议已抽取专家；专家谢绝或回避时逐人补抽。"))
        number = number or session.experts_to_draw
        candidates, exclusions = _candidates(session)
        if len(candidates) < number:
            raise ValidationError(
                _("符合条件的专家只有%(have)d人，需抽取%(need)d人，尚缺%(short)d人，不能抽取。")
                % {"have": len(candidates), "need": number, "short": number - len(candidates)}
            )
        seed = secrets.token_hex(16)
        drawn = pick(candidates, seed, number)
        draw = ExpertDraw.objects.create(
            session=session,
            seed=seed,
            number=number,
            candidates=candidates,
            exclusions=exclusions,
            drawn=drawn,
            replacing=replacing,
            drawn_by=by,
        )
        SessionExpert.objects.bulk_create(SessionExpert(session=session, expert_id=pk, draw=draw) for pk in drawn)
        return draw


def expert_decline(*, session_expert_id: int, by) -> ExpertDraw:
    """The expert declines (or a conflict surfaces): marked declined, and one replacement drawn."""
    with transaction.atomic():
        member = (
            SessionExpert.objects.select_for_update()
            .select_related("expert", "session__committee")
            .get(pk=session_expert_id)
        )
        _office(by, member.session.committee)
        if member.session.vote_opened_at is not None:
            # The roll call is fixed once the vote opens: nobody joins or leaves a running vote.
            raise ValidationError(_("表决已经开始，不能再补抽专家。"))
        if member.status != SessionExpertStatus.DRAWN:
            raise ValidationError(_("该专家已谢绝，不能重复操作。"))
        member.status = SessionExpertStatus.DECLINED
        member.save(update_fields=["status"])
        draw = expert_draw(session_id=member.session_id, by=by, number=1, replacing=member.expert)
        if member.group_id is not None:
            # The replacement sits in the discipline group of the one who declined.
            SessionExpert.objects.filter(draw=draw).update(group_id=member.group_id)
        if member.session.review_opened_at is not None:
            # The replacement takes over the online review of the one who declined.
            online.assign(member.session)
        return draw


def conflict_surfaced(*, session_expert_id: int, application_id: int, note: str, by) -> ExpertDraw:
    """A conflict of a drawn expert with one of the session's applications comes to light after
    the draw (relative, supervisor, co-author): recorded as a declared conflict, the expert's
    review of that file set aside, the expert replaced by a new draw that excludes them, and all
    of it in the session's trail. Not once the vote has opened: the roll call is fixed then."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写回避事由。")})
    if len(note) > 200:
        raise ValidationError({"note": _("回避事由不能超过200字。")})
    with transaction.atomic():
        member = (
            SessionExpert.objects.select_for_update(of=("self",))
            .select_related("expert__user", "session__committee")
            .get(pk=session_expert_id)
        )
        session = member.session
        _office(by, session.committee)
        if session.vote_opened_at is not None:
            raise ValidationError(_("表决已经开始，不能再补抽专家。"))
        if member.status != SessionExpertStatus.DRAWN:
            raise ValidationError(_("该专家已谢绝或已回避，不能重复操作。"))
        application = session.applications.select_related("applicant").filter(pk=application_id).first()
        if application is None:
            raise ValidationError({"application": _("该申报不在本次会议中。")})
        ExpertConflict.objects.create(expert=member.expert, application=application, note=note, declared_by=by)
        ReviewAssignment.objects.filter(member=member, application=application).update(
            status=ReviewStatus.RECUSED, recusal_note=note, total=None
        )
        draw = expert_decline(session_expert_id=member.pk, by=by)
        replacement = Expert.objects.select_related("user").get(pk=draw.drawn[0])
        meetings.event(
            session,
            by=by,
            action=meetings.CONFLICT,
            detail=_("%(expert)s与%(applicant)s的申报存在利益关系（%(note)s），回避；补抽%(replacement)s")
            % {
                "expert": member.expert.user.real_name,
                "applicant": application.applicant.real_name,
                "note": note,
                "replacement": replacement.user.real_name,
            },
        )
        return draw


def draw_replay(draw: ExpertDraw) -> bool:
    """Whether the stored result follows from the stored seed and candidates."""
    return pick(list(draw.candidates), draw.seed, draw.number) == list(draw.drawn)


def experts_of_session(session):
    return (
        SessionExpert.objects.filter(session=session)
        .select_related("expert__user", "expert__unit", "draw")
        .order_by("draw_id", "id")
    )
