"""Discipline groups (评议组) of a session, as 人社部令第40号第二十二条 has them: a committee may
sit in groups by discipline or speciality, each of at least three experts, which review the
files of their discipline and give each a written opinion (书面评议意见) by majority
(少数服从多数). The groups recommend; the committee decides: the whole committee's present
members vote on every file with the committee's quorum and threshold (第二十条、第二十一条,
reviews.meetings), and the group's opinion is shown to them at the vote.

The office sets the groups up before the online review opens: each application and each drawn
expert in at most one group. With groups, the online review assigns an expert only their
group's files, and it does not open while a file has no group or a group has fewer than three
experts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import meetings
from .models import DisciplineGroup, GroupOpinion, GroupRecommendation, SessionExpert

MIN_MEMBERS = 3


def groups_of(session):
    return (
        DisciplineGroup.objects.filter(session=session)
        .prefetch_related("applications__applicant", "members__expert__user")
        .order_by("id")
    )


def group_members(group):
    """The group's drawn experts who have not declined."""
    return meetings.members(group.session).filter(group=group)


def _before_review(session) -> None:
    if session.review_opened_at is not None:
        raise ValidationError(_("网络评审已经开始，不能再调整评议组。"))


def group_create(*, session_id: int, name: str, speciality: str, by) -> DisciplineGroup:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写评议组名称。")})
    with transaction.atomic():
        session = meetings.locked(session_id)
        meetings.office_check(by, session)
        _before_review(session)
        if DisciplineGroup.objects.filter(session=session, name=name).exists():
            raise ValidationError({"name": _("本次会议已有名为“%(name)s”的评议组。") % {"name": name}})
        group = DisciplineGroup.objects.create(
            session=session, name=name, speciality=(speciality or "").strip(), created_by=by
        )
        meetings.event(session, by=by, action=meetings.GROUPS, detail=_("设立评议组：%(name)s") % {"name": name})
        return group


def group_assign(*, group_id: int, application_ids, member_ids, by) -> DisciplineGroup:
    """Put these applications and drawn experts in the group (moving them out of any other)."""
    group = DisciplineGroup.objects.select_related("session").get(pk=group_id)
    with transaction.atomic():
        session = meetings.locked(group.session_id)
        meetings.office_check(by, session)
        _before_review(session)
        applications = list(session.applications.filter(pk__in=[int(pk) for pk in application_ids]))
        if len(applications) != len(set(application_ids)):
            raise ValidationError({"applications": _("所选申报不在本次会议中。")})
        roll = list(meetings.members(session).filter(pk__in=[int(pk) for pk in member_ids]))
        if len(roll) != len(set(member_ids)):
            raise ValidationError({"members": _("所选专家不是本次会议的抽取专家。")})
        for other in DisciplineGroup.objects.filter(session=session).exclude(pk=group.pk):
            other.applications.remove(*applications)
        group.applications.set(applications)
        SessionExpert.objects.filter(session=session, group=group).update(group=None)
        SessionExpert.objects.filter(pk__in=[m.pk for m in roll]).update(group=group)
        meetings.event(
            session,
            by=by,
            action=meetings.GROUPS,
            detail=_("%(group)s：申报人%(apps)s；专家%(experts)s")
            % {
                "group": group.name,
                "apps": "、".join(a.applicant.real_name for a in applications) or "—",
                "experts": "、".join(m.expert.user.real_name for m in roll) or "—",
            },
        )
        return group


def review_ready(session) -> None:
    """Refuse to open the online review while the groups are incomplete (sessions without groups
    pass: every drawn expert reviews every file)."""
    groups = list(groups_of(session))
    if not groups:
        return
    grouped = {a.pk for g in groups for a in g.applications.all()}
    loose = [a.applicant.real_name for a in session.applications.select_related("applicant") if a.pk not in grouped]
    if loose:
        raise ValidationError(_("以下申报尚未分入评议组：%(names)s。") % {"names": "、".join(loose)})
    for group in groups:
        size = group_members(group).count()
        if size < MIN_MEMBERS:
            raise ValidationError(
                _("评议组“%(name)s”只有%(n)d名专家，每个评议组不少于%(min)d人。")
                % {"name": group.name, "n": size, "min": MIN_MEMBERS}
            )


def applications_reviewed_by(member) -> set[int] | None:
    """The applications this drawn expert reviews online: their group's, or None (all) when the
    session has no groups."""
    if not DisciplineGroup.objects.filter(session_id=member.session_id).exists():
        return None
    if member.group_id is None:
        return set()
    return set(
        DisciplineGroup.applications.through.objects.filter(disciplinegroup_id=member.group_id).values_list(
            "application_id", flat=True
        )
    )


def majority(members: int) -> int:
    """少数服从多数: more than half of the group's experts."""
    return members // 2 + 1


def group_opinion_record(
    *, group_id: int, application_id: int, recommendation: str, agreeing: int, text: str, by
) -> GroupOpinion:
    """The group's written opinion on one of its files, as the office records it from the group's
    sitting: carried by a majority of the group's experts. Until the committee's vote opens."""
    if recommendation not in GroupRecommendation.values:
        raise ValidationError({"recommendation": _("请选择建议通过或建议不通过。")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写评议意见。")})
    group = DisciplineGroup.objects.select_related("session").get(pk=group_id)
    with transaction.atomic():
        session = meetings.locked(group.session_id)
        meetings.office_check(by, session)
        if session.vote_opened_at is not None:
            raise ValidationError(_("表决已经开始，不能再登记评议组意见。"))
        application = group.applications.filter(pk=application_id).select_related("applicant").first()
        if application is None:
            raise ValidationError({"application": _("该申报不在本评议组。")})
        size = group_members(group).count()
        if not majority(size) <= agreeing <= size:
            raise ValidationError(
                {
                    "agreeing": _("评议组%(n)d名专家，评议意见须经过半数（至少%(m)d人）同意。")
                    % {"n": size, "m": majority(size)}
                }
            )
        opinion, _created = GroupOpinion.objects.update_or_create(
            group=group,
            application=application,
            defaults={
                "recommendation": recommendation,
                "members": size,
                "agreeing": agreeing,
                "text": text,
                "recorded_by": by,
            },
        )
        meetings.event(
            session,
            by=by,
            action=meetings.GROUP_OPINION,
            detail=_("%(group)s对%(name)s：%(r)s（%(a)d/%(n)d人同意）")
            % {
                "group": group.name,
                "name": application.applicant.real_name,
                "r": opinion.get_recommendation_display(),
                "a": agreeing,
                "n": size,
            },
        )
        return opinion


def opinions_of(session) -> dict[int, GroupOpinion]:
    """Each application's group opinion, shown to the committee at its vote."""
    return {
        o.application_id: o
        for o in GroupOpinion.objects.filter(group__session=session).select_related("group").order_by("recorded_at")
    }
