"""The committee's result notice (评审结果公示): after the chair signs the vote off, the office
publishes those who passed for at least NOTICE_MIN_WORKING_DAYS working days on the public
notices page, then records the result as a unit's notice is recorded (no objection, or an
objection upheld against named people). Only a notice that has ended with no objection upheld
against an applicant lets the bureau file their result (Application.result_file, 核准备案).

The notice is a reviews.UnitNotice of kind RESULT, so the public page, the working-day calendar
and the notification of the unit notice serve it unchanged."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Action, State
from applications.workflow.audit import audit
from portal.organizations.models import Role

from . import meetings, offices
from .alerts import notice_opened
from .models import CommitteeSession, NoticeKind, NoticeResult, UnitNotice
from .notices import MAX_DAYS_AHEAD
from .working_days import add_working_days

_NOTE_LENGTH = UnitNotice._meta.get_field("calendar_note").max_length


def awaiting_notice(session):
    """The session's applications that passed the vote and are in none of its result notices."""
    return (
        session.applications.filter(state=State.RESULT_NOTICE)
        .exclude(notices__session=session)
        .select_related("applicant", "title", "series", "level")
        .order_by("applicant__real_name", "pk")
    )


def default_title(session) -> str:
    return _("%(committee)s%(year)d年度职称评审结果公示") % {"committee": session.committee.name, "year": session.year}


def result_notice_open(
    *,
    session_id: int,
    by,
    contact_person: str,
    phone: str,
    start_date: datetime.date | None,
    working_days: int | None,
    title: str = "",
    content: str = "",
    today: datetime.date | None = None,
) -> UnitNotice:
    today = today or timezone.localdate()
    minimum = settings.NOTICE_MIN_WORKING_DAYS
    errors = {}
    if working_days is None or working_days < minimum:
        errors["working_days"] = _("公示期不得少于%(min)s个工作日。") % {"min": minimum}
    latest_start = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if start_date is None or start_date < today:
        errors["start_date"] = _("公示开始日期不能早于今天。")
    elif start_date > latest_start:
        errors["start_date"] = _("公示开始日期不能晚于%(date)s。") % {"date": latest_start.isoformat()}
    if not (contact_person or "").strip():
        errors["contact_person"] = _("请填写联系人。")
    if not (phone or "").strip():
        errors["phone"] = _("请填写联系电话。")
    with transaction.atomic():
        session = (
            CommitteeSession.objects.select_for_update(of=("self",)).select_related("committee").get(pk=session_id)
        )
        if not offices.runs(by, session.committee):
            raise ValidationError(_("无权组织该评委会的评审会议。"))
        membership = offices.office_membership(by, session.committee)
        if membership is None:
            raise ValidationError(_("评审结果公示须由评委会办事机构发布。"))
        if session.signed_at is None:
            raise ValidationError(_("评审结果签发后才能公示。"))
        passed = list(awaiting_notice(session))
        if not passed:
            raise ValidationError(_("本次会议没有待公示的通过人员。"))
        if errors:
            raise ValidationError(errors)
        try:
            calendar = add_working_days(start_date, working_days)
        except ValueError:
            raise ValidationError({"start_date": _("无法计算公示结束日期，请管理员检查“节假日与调休”。")}) from None
        notice = UnitNotice.objects.create(
            kind=NoticeKind.RESULT,
            session=session,
            unit=membership.organization,
            title=(title or "").strip() or default_title(session),
            content=(content or "").strip(),
            contact_person=contact_person.strip(),
            phone=phone.strip(),
            start_date=start_date,
            working_days=working_days,
            end_date=calendar.end_date,
            calendar_note=" ".join(calendar.warnings)[:_NOTE_LENGTH],
            created_by=by,
        )
        notice.applications.set(passed)
        opinion = _("评审结果公示期 %(start)s—%(end)s") % {
            "start": start_date.isoformat(),
            "end": calendar.end_date.isoformat(),
        }
        for application in passed:
            audit(
                application,
                actor=by,
                membership=membership,
                action=Action.NOTICE_OPEN,
                from_state=State.RESULT_NOTICE,
                opinion=opinion,
            )
            notice_opened(notice, application)
        meetings.event(
            session,
            by=by,
            action=meetings.RESULT_NOTICE_OPEN,
            detail=f"{notice.title}（{opinion}）：" + "、".join(a.applicant.real_name for a in passed),
        )
        return notice


def result_notice_conclude(
    *, notice_id: int, by, result: str, note: str = "", objections=(), today: datetime.date | None = None
) -> UnitNotice:
    """The office records the result once the notice has ended: no objection, or an objection
    upheld against the people named (their results are not filed; everyone else's may be)."""
    with transaction.atomic():
        notice = (
            UnitNotice.objects.select_for_update(of=("self",))
            .select_related("session__committee")
            .filter(pk=notice_id, kind=NoticeKind.RESULT)
            .first()
        )
        if notice is None or not offices.runs(by, notice.session.committee):
            raise ValidationError(_("无权登记该公示的结果。"))
        if notice.result != NoticeResult.PENDING:
            raise ValidationError(_("该公示已登记结果，不能重复登记。"))
        if not notice.has_ended(today):
            raise ValidationError(
                _("公示期至%(end)s结束，结束后才能登记公示结果。") % {"end": notice.end_date.isoformat()}
            )
        if result not in (NoticeResult.NO_OBJECTION, NoticeResult.OBJECTION_UPHELD):
            raise ValidationError({"result": _("请选择公示结果。")})
        note = (note or "").strip()
        listed = list(notice.applications.select_related("applicant").order_by("pk"))
        chosen = {getattr(a, "pk", a) for a in objections}
        if result == NoticeResult.OBJECTION_UPHELD:
            if not chosen and len(listed) == 1:
                chosen = {listed[0].pk}
            errors = {}
            if not chosen:
                errors["objections"] = _("请勾选异议成立的人员。")
            elif not chosen <= {a.pk for a in listed}:
                errors["objections"] = _("所选人员不在本次公示中。")
            if not note:
                errors["note"] = _("异议成立时须写明异议内容及核实情况。")
            if errors:
                raise ValidationError(errors)
        elif chosen:
            raise ValidationError({"objections": _("公示无异议时不应勾选异议成立人员。")})
        notice.result = result
        notice.result_note = note
        notice.concluded_at = timezone.now()
        notice.save(update_fields=["result", "result_note", "concluded_at"])
        notice.objections.set([a for a in listed if a.pk in chosen])
        membership = offices.office_membership(by, notice.session.committee)
        passed = str(NoticeResult.NO_OBJECTION.label)
        upheld = _("%(result)s：%(note)s") % {"result": NoticeResult.OBJECTION_UPHELD.label, "note": note}
        for application in listed:
            audit(
                application,
                actor=by,
                membership=membership,
                role=Role.COMMITTEE_OFFICE,
                action=Action.NOTICE_RESULT,
                from_state=application.state,
                opinion=upheld if application.pk in chosen else passed,
            )
        meetings.event(
            notice.session,
            by=by,
            action=meetings.RESULT_NOTICE_RESULT,
            detail=f"{notice.title}：{notice.get_result_display()}"
            + (("；" + "、".join(a.applicant.real_name for a in listed if a.pk in chosen)) if chosen else ""),
        )
        return notice


def result_notices_of(session):
    return (
        UnitNotice.objects.filter(session=session, kind=NoticeKind.RESULT)
        .prefetch_related("applications__applicant", "objections")
        .order_by("-id")
    )


def filing_notes(applications, *, today: datetime.date | None = None) -> dict[int, str]:
    """What is pending on each application at the result notice, for the bureau's to-do: the
    notice still to publish, running until its end, ended with its result still to record, ready
    to be filed (核准备案), or with an objection upheld (to be refused). Two queries for a page."""
    ids = [a.pk for a in applications if a.state == State.RESULT_NOTICE]
    if not ids:
        return {}
    today = today or timezone.localdate()
    listed = UnitNotice.applications.through.objects.filter(
        application_id__in=ids, unitnotice__kind=NoticeKind.RESULT
    ).exclude(unitnotice__result=NoticeResult.WITHDRAWN)
    latest = {}
    for row in listed.select_related("unitnotice").order_by("unitnotice_id"):
        latest[row.application_id] = row.unitnotice
    upheld = set(
        UnitNotice.objections.through.objects.filter(
            unitnotice__in={n.pk for n in latest.values()}, application_id__in=ids
        ).values_list("unitnotice_id", "application_id")
    )
    notes = {}
    for pk in ids:
        notice = latest.get(pk)
        if notice is None:
            notes[pk] = _("待评委会办事机构发布评审结果公示")
        elif notice.result == NoticeResult.PENDING and not notice.has_ended(today):
            notes[pk] = _("公示中，至%(end)s结束") % {"end": f"{notice.end_date:%Y-%m-%d}"}
        elif notice.result == NoticeResult.PENDING:
            notes[pk] = _("公示期已满，待办事机构登记公示结果")
        elif notice.result == NoticeResult.OBJECTION_UPHELD and (notice.pk, pk) in upheld:
            notes[pk] = _("异议成立，待不予核准备案")
        else:
            notes[pk] = _("公示无异议，可核准备案")
    return notes
