"""Online review (网络评审): each drawn expert scores the session's applications on the series'
rubric, saves drafts and submits; an expert who declares a conflict on an application is recused
from it (recorded as an ExpertConflict and on the assignment); the office opens the review, sees
each expert's progress and reminds the laggards.

An expert reads only their own assignments, never an application they filed themselves, and
only what was filed (the snapshot), anonymised when the committee reviews anonymously."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.services import notify, page_url

from . import groups, offices
from .models import (
    CommitteeSession,
    ExpertConflict,
    ReviewAssignment,
    ReviewScore,
    ReviewStatus,
    Rubric,
    SessionExpert,
    SessionExpertStatus,
)

OPEN = (ReviewStatus.ASSIGNED, ReviewStatus.DRAFT)
MAX_COMMENT = 2000


def rubric_for(session) -> Rubric | None:
    rubric = Rubric.objects.filter(series_id=session.committee.series_id).first()
    return rubric if rubric is not None and rubric.categories.exists() else None


def assign(session) -> int:
    """An assignment for every drawn expert and every application of the session (of their
    discipline group, when the session has groups), except the expert's own file and declared
    conflicts. Idempotent: run again after a replacement draw."""
    conflicts = set(
        ExpertConflict.objects.filter(application__in=session.applications.all()).values_list(
            "expert_id", "application_id"
        )
    )
    applications = list(session.applications.all())
    created = 0
    for member in SessionExpert.objects.filter(session=session, status=SessionExpertStatus.DRAWN).select_related(
        "expert"
    ):
        reviewed = groups.applications_reviewed_by(member)
        for application in applications:
            if application.applicant_id == member.expert.user_id or (member.expert_id, application.pk) in conflicts:
                continue
            if reviewed is not None and application.pk not in reviewed:
                continue
            created += ReviewAssignment.objects.get_or_create(member=member, application=application)[1]
    return created


def online_review_open(*, session_id: int, by) -> CommitteeSession:
    with transaction.atomic():
        session = CommitteeSession.objects.select_for_update().select_related("committee").get(pk=session_id)
        if not offices.runs(by, session.committee):
            raise ValidationError(_("无权组织该评委会的评审会议。"))
        if session.review_opened_at is not None:
            raise ValidationError(_("网络评审已经开始。"))
        if not session.experts.filter(status=SessionExpertStatus.DRAWN).exists():
            raise ValidationError(_("请先抽取评审专家，再开始网络评审。"))
        if rubric_for(session) is None:
            raise ValidationError(_("该系列尚未配置评分标准，请管理员在后台“评分标准”中配置后再开始网络评审。"))
        groups.review_ready(session)
        session.review_opened_at = timezone.now()
        session.save(update_fields=["review_opened_at"])
        assign(session)
        return session


def assignments_of(user):
    """The expert's own open-session assignments: never their own file, never after they declined."""
    return (
        ReviewAssignment.objects.filter(
            member__expert__user=user,
            member__status=SessionExpertStatus.DRAWN,
            member__session__review_opened_at__isnull=False,
        )
        .exclude(application__applicant=user)
        .select_related("member__session__committee", "application__series", "application__level")
    )


@dataclass
class CategoryScore:
    category_id: int
    points: int | None
    comment: str


def _own(assignment_id: int, by) -> ReviewAssignment:
    assignment = assignments_of(by).select_for_update(of=("self",)).filter(pk=assignment_id).first()
    if assignment is None:
        raise ValidationError(_("没有这项评审任务。"))
    return assignment


def review_save(*, assignment_id: int, by, scores: list[CategoryScore], comment: str, submit: bool) -> ReviewAssignment:
    """Save the expert's scores as a draft, or submit them: a submission needs every category
    scored within its full marks and every required comment; a submitted review is final."""
    with transaction.atomic():
        assignment = _own(assignment_id, by)
        if assignment.status not in OPEN:
            raise ValidationError(_("该评审已提交或已回避，不能修改。"))
        rubric = rubric_for(assignment.member.session)
        categories = list(rubric.categories.all()) if rubric else []
        given = {s.category_id: s for s in scores}
        errors = {}
        for category in categories:
            score = given.get(category.pk) or CategoryScore(category.pk, None, "")
            if score.points is not None and not 0 <= score.points <= category.weight:
                errors[f"points_{category.pk}"] = _("得分须在0至%(max)d分之间。") % {"max": category.weight}
            elif submit and score.points is None:
                errors[f"points_{category.pk}"] = _("请评分。")
            if len(score.comment) > MAX_COMMENT:
                errors[f"comment_{category.pk}"] = _("评语不能超过%(n)d字。") % {"n": MAX_COMMENT}
            elif submit and category.comment_required and not score.comment.strip():
                errors[f"comment_{category.pk}"] = _("该项须填写评语。")
        if len(comment) > MAX_COMMENT:
            errors["comment"] = _("总体评价不能超过%(n)d字。") % {"n": MAX_COMMENT}
        elif submit and rubric and rubric.overall_comment_required and not comment.strip():
            errors["comment"] = _("请填写总体评价。")
        if errors:
            raise ValidationError(errors)
        for category in categories:
            score = given.get(category.pk) or CategoryScore(category.pk, None, "")
            ReviewScore.objects.update_or_create(
                assignment=assignment,
                category=category,
                defaults={"weight": category.weight, "points": score.points, "comment": score.comment.strip()},
            )
        assignment.comment = comment.strip()
        assignment.updated_at = timezone.now()
        assignment.status = ReviewStatus.SUBMITTED if submit else ReviewStatus.DRAFT
        fields = ["comment", "updated_at", "status"]
        if submit:
            assignment.total = sum(given[c.pk].points for c in categories)
            assignment.submitted_at = assignment.updated_at
            fields += ["total", "submitted_at"]
        assignment.save(update_fields=fields)
        return assignment


def review_recuse(*, assignment_id: int, by, note: str) -> ReviewAssignment:
    """The expert declares a conflict (relative, supervisor, co-author …) and is recused from this
    application: recorded as the expert's declared conflict, the review set aside."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("请填写回避事由。")})
    if len(note) > 200:
        raise ValidationError({"note": _("回避事由不能超过200字。")})
    with transaction.atomic():
        assignment = _own(assignment_id, by)
        if assignment.status == ReviewStatus.RECUSED:
            raise ValidationError(_("已申请回避。"))
        ExpertConflict.objects.create(
            expert=assignment.member.expert, application=assignment.application, note=note, declared_by=by
        )
        assignment.status = ReviewStatus.RECUSED
        assignment.recusal_note = note
        assignment.total = None
        assignment.updated_at = timezone.now()
        assignment.save(update_fields=["status", "recusal_note", "total", "updated_at"])
        return assignment


def progress(session):
    """Per drawn expert: how many assignments, submitted, open, recused."""
    return (
        SessionExpert.objects.filter(session=session, status=SessionExpertStatus.DRAWN)
        .select_related("expert__user")
        .annotate(
            assigned=Count("assignments"),
            submitted=Count("assignments", filter=Q(assignments__status=ReviewStatus.SUBMITTED)),
            pending=Count("assignments", filter=Q(assignments__status__in=OPEN)),
            recused=Count("assignments", filter=Q(assignments__status=ReviewStatus.RECUSED)),
        )
        .order_by("id")
    )


def online_review_remind(*, session_id: int, by) -> int:
    """Remind each drawn expert who still has reviews open (inbox, and SMS/e-mail per their
    preferences, queued after commit). Returns how many were reminded."""
    session = CommitteeSession.objects.select_related("committee").get(pk=session_id)
    if not offices.runs(by, session.committee):
        raise ValidationError(_("无权组织该评委会的评审会议。"))
    if session.review_opened_at is None:
        raise ValidationError(_("网络评审尚未开始。"))
    reminded = 0
    with transaction.atomic():
        for member in progress(session).filter(pending__gt=0):
            reminded += bool(
                notify(
                    recipients=[member.expert.user],
                    event="online_review_reminder",
                    context={"committee": session.committee.name, "count": member.pending},
                    url=page_url("reviews:online"),
                    purpose="online_review_reminder",
                )
            )
    return reminded
