"""The interview (答辩) of a committee that holds one (Committee.holds_interview).

The office schedules one slot per application of the session: date, time and place. Two
applicants never share a slot: in one session (or, when the session sits in discipline groups,
one group) no two slots overlap in time, and no two overlap in the same place. Each scheduling,
and each change to one, is told to the applicant once (inbox, and SMS/e-mail per their
preferences, after commit). The office then records who came (到场 / 缺席, with a note). An
absence does not stop the vote: it is shown to every expert on their ballot page and to the
office on the session page, and it is in the session's trail (SessionEvent)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.services import notify, page_url

from . import meetings
from .models import DisciplineGroup, InterviewAttendance, InterviewSlot


def slots_of(session):
    """The session's interview slots in the order they are held."""
    return (
        InterviewSlot.objects.filter(session=session)
        .select_related("application__applicant", "application__title")
        .order_by("date", "starts_at", "id")
    )


def slot_of(application):
    """The applicant's latest interview slot (None when none is scheduled)."""
    return (
        InterviewSlot.objects.filter(application=application)
        .select_related("session__committee")
        .order_by("-session__year", "-id")
        .first()
    )


def absences(session) -> dict[int, InterviewSlot]:
    """The applications whose applicant missed the interview, with the slot (and its note)."""
    return {slot.application_id: slot for slot in slots_of(session).filter(attendance=InterviewAttendance.ABSENT)}


def _group_of(session, application) -> DisciplineGroup | None:
    return DisciplineGroup.objects.filter(session=session, applications=application).first()


def _when(slot) -> str:
    return f"{slot.date:%Y-%m-%d} {slot.starts_at:%H:%M}—{slot.ends_at:%H:%M}"


def _clash(session, application, *, date, starts_at, ends_at, place) -> InterviewSlot | None:
    """Another applicant's slot overlapping this one in time, in the same group or the same place."""
    overlapping = (
        InterviewSlot.objects.filter(session=session, date=date, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(application=application)
        .select_related("application__applicant")
    )
    group = _group_of(session, application)
    if group is not None:
        # Groups hear their applicants side by side, each in its own room.
        overlapping = overlapping.filter(Q(application__in=group.applications.all()) | Q(place=place))
    return overlapping.order_by("starts_at", "id").first()


def interview_schedule(
    *,
    session_id: int,
    application_id: int,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    place: str,
    by,
) -> InterviewSlot:
    """Schedule (or move) one applicant's interview. Refused: a committee that holds none, an
    application not at this session's vote, once the vote has opened, an end before the start,
    and a time that clashes with another applicant's. Unchanged, it writes and tells nothing."""
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": _("请填写答辩地点。")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    with transaction.atomic():
        session = meetings.locked(session_id)
        meetings.office_check(by, session)
        if not session.committee.holds_interview:
            raise ValidationError(_("该评委会不组织答辩。"))
        if session.vote_opened_at is not None:
            raise ValidationError(_("表决已经开始，不能再安排或变更答辩。"))
        application = meetings.voting(session).filter(pk=application_id).first()
        if application is None:
            raise ValidationError({"application": _("该申报不在本次会议的评审中。")})
        clash = _clash(session, application, date=date, starts_at=starts_at, ends_at=ends_at, place=place)
        if clash is not None:
            raise ValidationError(
                {
                    "starts_at": _("该时段与%(name)s的答辩（%(when)s，%(place)s）冲突，同一时段只能安排一位申报人。")
                    % {"name": clash.application.applicant.real_name, "when": _when(clash), "place": clash.place}
                }
            )
        slot = InterviewSlot.objects.filter(session=session, application=application).first()
        if slot is not None and (slot.date, slot.starts_at, slot.ends_at, slot.place) == (
            date,
            starts_at,
            ends_at,
            place,
        ):
            return slot
        changed = slot is not None
        if slot is None:
            slot = InterviewSlot(session=session, application=application, revision=1)
        else:
            # A moved interview is a new appointment: who came to the old one is not known yet.
            slot.revision += 1
            slot.attendance = InterviewAttendance.PENDING
            slot.attendance_note = ""
            slot.attendance_recorded_at = None
        slot.date, slot.starts_at, slot.ends_at, slot.place = date, starts_at, ends_at, place
        slot.scheduled_by, slot.scheduled_at = by, timezone.now()
        slot.save()
        meetings.event(
            session,
            by=by,
            action=meetings.INTERVIEW_SCHEDULE,
            detail=(
                _("变更%(name)s的答辩：%(when)s，%(place)s") if changed else _("安排%(name)s答辩：%(when)s，%(place)s")
            )
            % {"name": application.applicant.real_name, "when": _when(slot), "place": place},
        )
        transaction.on_commit(lambda: _tell(slot.pk, slot.revision))
        return slot


def _tell(slot_id: int, revision: int) -> None:
    """The applicant's notice of one scheduling; its key makes a second run of it a no-op."""
    slot = InterviewSlot.objects.select_related("session__committee", "application__applicant").get(pk=slot_id)
    if slot.revision != revision:
        return  # moved again before this ran: that scheduling's notice tells the current time
    notify(
        recipients=[slot.application.applicant],
        event="interview_scheduled",
        context={
            "committee": slot.session.committee.name,
            "date": f"{slot.date:%Y-%m-%d}",
            "starts_at": f"{slot.starts_at:%H:%M}",
            "ends_at": f"{slot.ends_at:%H:%M}",
            "place": slot.place,
            "changed": revision > 1,
        },
        application=slot.application,
        url=page_url("applications:timeline", slot.application_id),
        dedupe_key=f"interview-{slot.pk}-{revision}",
        purpose="interview_scheduled",
    )


def interview_attendance_record(*, slot_id: int, by, attended: bool, note: str = "") -> InterviewSlot:
    """The office records whether the applicant came to the interview. Until the vote closes; an
    absence is shown at the vote and never stops it."""
    note = (note or "").strip()
    with transaction.atomic():
        slot = InterviewSlot.objects.select_related("application__applicant").get(pk=slot_id)
        session = meetings.locked(slot.session_id)
        meetings.office_check(by, session)
        if session.vote_closed_at is not None:
            raise ValidationError(_("表决已经结束，不能再登记答辩到场情况。"))
        slot.attendance = InterviewAttendance.PRESENT if attended else InterviewAttendance.ABSENT
        slot.attendance_note = note[:200]
        slot.attendance_recorded_at = timezone.now()
        slot.save(update_fields=["attendance", "attendance_note", "attendance_recorded_at"])
        label = _("到场") if attended else _("缺席")
        meetings.event(
            session,
            by=by,
            action=meetings.INTERVIEW_ATTENDANCE,
            detail=_("%(name)s答辩%(label)s") % {"name": slot.application.applicant.real_name, "label": label}
            + (_("（%(note)s）") % {"note": note} if note else ""),
        )
        return slot


def sessions_heard_by(user):
    """The sessions whose interview schedule this expert may read: those they are drawn into."""
    return meetings.sessions_sitting(user)
