"""Unit public notices (单位公示, DOMAIN §1): a unit's HR officer publishes its applicants for at
least NOTICE_MIN_WORKING_DAYS working days, then records the result. A no-objection result is what
lets `Application.notice_recommend` fire (see `applications.models._notice_passed`).

Writes: `notice_open`, `notice_conclude`, `notice_correct` (a longer or moved period, with a
reason), `notice_withdraw` (its people go back to awaiting a notice) and `notices_recalendar`
(the holiday table changed: open notices' end dates are counted again). One transaction each,
audit records on every person's history and a NoticeChange row, side effects after commit.
`notice_preview` computes a period without writing. Reads the notice pages need follow at the end.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Action, Application, State
from applications.workflow.audit import audit
from portal.organizations.models import Organization, Role
from portal.organizations.scope import reviewer_memberships

from .alerts import notice_changed, notice_opened, notice_withdrawn
from .models import NoticeChange, NoticeChangeKind, NoticeResult, UnitNotice
from .working_days import WorkingDaysResult, add_working_days

User = get_user_model()

# A notice is published at most this many days ahead (and the calendar never runs off its end).
MAX_DAYS_AHEAD = 366

# UnitNotice.calendar_note holds at most this many characters.
_NOTE_LENGTH = UnitNotice._meta.get_field("calendar_note").max_length


# --- who ------------------------------------------------------------------------------------------


def officer_units(user) -> list[Organization]:
    """The units whose public notices this user runs (as their HR officer)."""
    return [m.organization for m in reviewer_memberships(user) if m.role == Role.UNIT_HR]


def can_manage_notices(user, unit: Organization) -> bool:
    return any(m.role == Role.UNIT_HR and m.organization_id == unit.pk for m in reviewer_memberships(user))


# --- writes ---------------------------------------------------------------------------------------


def default_notice_title(applications) -> str:
    """关于张三等3人申报职称的公示 (关于张三申报职称的公示 for one person)."""
    applications = list(applications)
    if not applications:
        return ""
    first = applications[0].applicant.real_name
    if len(applications) == 1:
        return _("关于%(name)s申报职称的公示") % {"name": first}
    return _("关于%(name)s等%(count)s人申报职称的公示") % {"name": first, "count": len(applications)}


def _passed_notice_this_round():
    """A concluded notice opened after the application's latest submission, with no objection
    upheld against that application (`UnitNotice.passed` as a subquery)."""
    upheld_here = UnitNotice.objections.through.objects.filter(
        unitnotice_id=OuterRef("pk"), application_id=OuterRef(OuterRef("pk"))
    )
    return (
        UnitNotice.objects.filter(applications=OuterRef("pk"), created_at__gte=OuterRef("submitted_at"))
        .exclude(result__in=[NoticeResult.PENDING, NoticeResult.WITHDRAWN])
        .exclude(Exists(upheld_here))
    )


def _period_errors(start_date, working_days, today: datetime.date, *, started: bool = False) -> dict:
    """Field errors of a notice period: at least the statutory working days, a start from today
    (unless the notice has `started` already, when the start is kept) and not too far ahead."""
    minimum = settings.NOTICE_MIN_WORKING_DAYS
    errors = {}
    if working_days is None or working_days < minimum:
        errors["working_days"] = _("公示期不得少于%(min)s个工作日。") % {"min": minimum}
    latest_start = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if started:
        pass
    elif start_date is None or start_date < today:
        errors["start_date"] = _("公示开始日期不能早于今天。")
    elif start_date > latest_start:
        errors["start_date"] = _("公示开始日期不能晚于%(date)s。") % {"date": latest_start.isoformat()}
    return errors


def _count(start_date: datetime.date, working_days: int) -> WorkingDaysResult:
    try:
        return add_working_days(start_date, working_days)
    except ValueError:
        # Only a holiday table with no working day for years on end gets here.
        raise ValidationError({"start_date": _("无法计算公示结束日期，请管理员检查“节假日与调休”。")}) from None


def notice_preview(
    *, start_date: datetime.date, working_days: int, today: datetime.date | None = None
) -> WorkingDaysResult:
    """The period a notice would run, computed as publishing would, without writing anything."""
    errors = _period_errors(start_date, working_days, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return _count(start_date, working_days)


@transaction.atomic
def notice_open(
    *,
    unit: Organization,
    user,
    applications,
    title: str,
    content: str,
    contact_person: str,
    phone: str,
    start_date: datetime.date,
    working_days: int,
    today: datetime.date | None = None,
) -> UnitNotice:
    if not can_manage_notices(user, unit):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors = _period_errors(start_date, working_days, today)
    ids = sorted({a.pk for a in applications})
    if not ids:
        errors["applications"] = _("请选择公示人员。")
    if not (contact_person or "").strip():
        errors["contact_person"] = _("请填写联系人。")
    if not (phone or "").strip():
        errors["phone"] = _("请填写联系电话。")
    if errors:
        raise ValidationError(errors)

    # Lock the applications so two officers cannot put the same person in two notices at once.
    locked = list(
        Application.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("applicant", "title")
        .order_by("applicant__real_name", "pk")
    )
    if len(locked) != len(ids) or any(a.unit_id != unit.pk for a in locked):
        # Never name another unit's applicant.
        raise ValidationError({"applications": _("所选人员中有不属于本单位的申报，不能公示。")})
    problems = []
    in_pending = set(
        UnitNotice.objects.filter(applications__in=ids, result=NoticeResult.PENDING).values_list(
            "applications", flat=True
        )
    )
    passed = set(
        Application.objects.filter(pk__in=ids).filter(Exists(_passed_notice_this_round())).values_list("pk", flat=True)
    )
    for application in locked:
        name = application.applicant.real_name
        if application.state != State.UNIT_NOTICE:
            problems.append(
                _("%(name)s的申报当前处于“%(state)s”，不在单位公示环节。")
                % {"name": name, "state": application.get_state_display()}
            )
        elif application.pk in in_pending:
            problems.append(_("%(name)s已在公示中，不能重复公示。") % {"name": name})
        elif application.pk in passed:
            problems.append(_("%(name)s的公示已结束且无异议，请推荐上报。") % {"name": name})
    if problems:
        raise ValidationError({"applications": problems})

    calendar = _count(start_date, working_days)
    notice = UnitNotice.objects.create(
        unit=unit,
        title=(title or "").strip() or default_notice_title(locked),
        content=(content or "").strip(),
        contact_person=contact_person.strip(),
        phone=phone.strip(),
        start_date=start_date,
        working_days=working_days,
        end_date=calendar.end_date,
        calendar_note=" ".join(calendar.warnings)[:_NOTE_LENGTH],
        created_by=user,
    )
    notice.applications.set(locked)
    opinion = _("公示期 %(start)s—%(end)s") % {"start": start_date.isoformat(), "end": calendar.end_date.isoformat()}
    for application in locked:
        audit(
            application,
            actor=user,
            role=Role.UNIT_HR,
            organization=unit,
            action=Action.NOTICE_OPEN,
            from_state=State.UNIT_NOTICE,
            opinion=opinion,
        )
        # Inbox row and outbox rows now, sent once this transaction commits.
        notice_opened(notice, application)
    return notice


@transaction.atomic
def notice_conclude(
    *,
    notice: UnitNotice,
    user,
    result: str,
    note: str = "",
    objections=(),
    today: datetime.date | None = None,
) -> UnitNotice:
    """Record the result. Objections are upheld against people, not notices: with
    OBJECTION_UPHELD, `objections` names the applicants concerned (the only one, when the notice
    has one) and everyone else in the notice has passed it. The note explains an upheld objection
    and goes only onto the records of the people it concerns."""
    notice = UnitNotice.objects.select_for_update().select_related("unit").get(pk=notice.pk)
    if not can_manage_notices(user, notice.unit):
        raise PermissionDenied
    if notice.result != NoticeResult.PENDING or notice.concluded_at is not None:
        raise ValidationError(_("该公示已登记结果，不能重复登记。"))
    if not notice.has_ended(today):
        raise ValidationError(_("公示期至%(end)s结束，结束后才能登记公示结果。") % {"end": notice.end_date.isoformat()})
    if result not in (NoticeResult.NO_OBJECTION, NoticeResult.OBJECTION_UPHELD):
        raise ValidationError({"result": _("请选择公示结果。")})
    note = (note or "").strip()
    members = list(notice.applications.order_by("pk"))
    chosen = {getattr(a, "pk", a) for a in objections}
    errors = {}
    if result == NoticeResult.OBJECTION_UPHELD:
        if not chosen and len(members) == 1:
            chosen = {members[0].pk}
        if not chosen:
            errors["objections"] = _("请勾选异议成立的人员。")
        elif not chosen <= {a.pk for a in members}:
            errors["objections"] = _("所选人员不在本次公示中。")
        if not note:
            errors["note"] = _("异议成立时须写明异议内容及核实情况。")
    elif chosen:
        errors["objections"] = _("公示无异议时不应勾选异议成立人员。")
    if errors:
        raise ValidationError(errors)
    notice.result = result
    notice.result_note = note
    notice.concluded_at = timezone.now()
    notice.save(update_fields=["result", "result_note", "concluded_at"])
    notice.objections.set([a for a in members if a.pk in chosen])

    passed = str(NoticeResult.NO_OBJECTION.label)
    if note and result == NoticeResult.NO_OBJECTION:
        passed = _("%(result)s：%(note)s") % {"result": passed, "note": note}
    upheld = _("%(result)s：%(note)s") % {"result": NoticeResult.OBJECTION_UPHELD.label, "note": note}
    for application in members:
        # The result does not move the application; the unit recommends (or returns) it next.
        audit(
            application,
            actor=user,
            role=Role.UNIT_HR,
            organization=notice.unit,
            action=Action.NOTICE_RESULT,
            from_state=application.state,
            opinion=upheld if application.pk in chosen else passed,
        )
    return notice


def _period_opinion(kind_label, before: tuple, notice: UnitNotice, reason: str) -> str:
    return _(
        "%(kind)s：公示期由 %(old_start)s—%(old_end)s 改为 %(start)s—%(end)s（%(days)s个工作日）。原因：%(reason)s"
    ) % {
        "kind": kind_label,
        "old_start": before[0].isoformat(),
        "old_end": before[1].isoformat(),
        "start": notice.start_date.isoformat(),
        "end": notice.end_date.isoformat(),
        "days": notice.working_days,
        "reason": reason,
    }


def _record_change(notice: UnitNotice, *, kind: str, before: tuple, reason: str, user, action: str, opinion: str):
    """The NoticeChange row, and the same on every person's review record."""
    NoticeChange.objects.create(
        notice=notice,
        kind=kind,
        start_before=before[0],
        end_before=before[1],
        days_before=before[2],
        start_after=notice.start_date,
        end_after=notice.end_date,
        days_after=notice.working_days,
        reason=reason,
        changed_by=user,
    )
    applications = list(notice.applications.select_related("applicant", "unit").order_by("pk"))
    for application in applications:
        audit(
            application,
            actor=user,
            role=Role.UNIT_HR if user is not None else "",
            organization=notice.unit,
            action=action,
            from_state=application.state,
            opinion=opinion,
        )
    return applications


def _locked_open_notice(notice: UnitNotice, user) -> UnitNotice:
    notice = UnitNotice.objects.select_for_update().select_related("unit").get(pk=notice.pk)
    if not can_manage_notices(user, notice.unit):
        raise PermissionDenied
    if not notice.is_open:
        raise ValidationError(_("该公示已登记结果或已撤回，不能再更正或撤回。"))
    return notice


@transaction.atomic
def notice_correct(
    *,
    notice: UnitNotice,
    user,
    working_days: int,
    reason: str,
    start_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> UnitNotice:
    """Correct a published notice's period: more (or fewer, never under the statutory minimum)
    working days, and a new start while it has not started. The end date is counted again; a
    period that would already be over is refused. Everyone in it is told."""
    notice = _locked_open_notice(notice, user)
    today = today or timezone.localdate()
    started = notice.start_date <= today
    if start_date is None or started:
        start_date = notice.start_date
    errors = _period_errors(start_date, working_days, today, started=started)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("请填写更正原因。")
    if errors:
        raise ValidationError(errors)
    calendar = _count(start_date, working_days)
    if calendar.end_date < today:
        raise ValidationError(
            {
                "working_days": _("更正后的公示结束日期%(end)s早于今天，不能缩短。")
                % {"end": calendar.end_date.isoformat()}
            }
        )
    if (start_date, working_days) == (notice.start_date, notice.working_days):
        raise ValidationError({"working_days": _("公示期没有变化。")})
    before = (notice.start_date, notice.end_date, notice.working_days)
    notice.start_date = start_date
    notice.working_days = working_days
    notice.end_date = calendar.end_date
    notice.calendar_note = " ".join(calendar.warnings)[:_NOTE_LENGTH]
    notice.save(update_fields=["start_date", "working_days", "end_date", "calendar_note"])
    opinion = _period_opinion(NoticeChangeKind.CORRECTED.label, before, notice, reason)
    applications = _record_change(
        notice,
        kind=NoticeChangeKind.CORRECTED,
        before=before,
        reason=reason,
        user=user,
        action=Action.NOTICE_CHANGE,
        opinion=opinion,
    )
    for application in applications:
        notice_changed(notice, application=application, before=before, reason=reason)
    return notice


@transaction.atomic
def notice_withdraw(*, notice: UnitNotice, user, reason: str) -> UnitNotice:
    """Withdraw a notice that has no result yet: it leaves the public list and its people are
    back to awaiting a notice (their state never moved). Everyone in it is told."""
    notice = _locked_open_notice(notice, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤回原因。")})
    before = (notice.start_date, notice.end_date, notice.working_days)
    notice.result = NoticeResult.WITHDRAWN
    notice.result_note = reason
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["result", "result_note", "withdrawn_at"])
    opinion = _("撤回公示“%(title)s”。原因：%(reason)s") % {"title": notice.title, "reason": reason}
    applications = _record_change(
        notice,
        kind=NoticeChangeKind.WITHDRAWN,
        before=before,
        reason=reason,
        user=user,
        action=Action.NOTICE_WITHDRAW,
        opinion=opinion,
    )
    for application in applications:
        notice_withdrawn(notice, application=application, reason=reason)
    return notice


@transaction.atomic
def notices_recalendar(*, reason: str, today: datetime.date | None = None) -> list[UnitNotice]:
    """The holiday table (or a year's completeness) changed: count every open notice again. A
    notice whose end date moves is saved, audited, and its people and unit officers are told; a
    notice whose warning alone changes is saved quietly. Returns the notices whose end moved."""
    today = today or timezone.localdate()
    moved = []
    open_notices = (
        UnitNotice.objects.select_for_update()
        .filter(result=NoticeResult.PENDING, end_date__gte=today)
        .select_related("unit")
        .order_by("pk")
    )
    for notice in open_notices:
        try:
            calendar = add_working_days(notice.start_date, notice.working_days)
        except ValueError:
            continue
        note = " ".join(calendar.warnings)[:_NOTE_LENGTH]
        if calendar.end_date == notice.end_date:
            if note != notice.calendar_note:
                notice.calendar_note = note
                notice.save(update_fields=["calendar_note"])
            continue
        before = (notice.start_date, notice.end_date, notice.working_days)
        notice.end_date = calendar.end_date
        notice.calendar_note = note
        notice.save(update_fields=["end_date", "calendar_note"])
        opinion = _period_opinion(NoticeChangeKind.RECALENDARED.label, before, notice, reason)
        applications = _record_change(
            notice,
            kind=NoticeChangeKind.RECALENDARED,
            before=before,
            reason=reason,
            user=None,
            action=Action.NOTICE_CHANGE,
            opinion=opinion,
        )
        for application in applications:
            notice_changed(notice, application=application, before=before, reason=reason)
        notice_changed(notice, application=None, before=before, reason=reason, officers=notice_officers(notice.unit))
        moved.append(notice)
    return moved


def notice_officers(unit: Organization) -> list:
    """The unit's active HR officers (they run its notices)."""
    return list(
        User.objects.filter(
            memberships__organization=unit,
            memberships__role=Role.UNIT_HR,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


# --- reads ----------------------------------------------------------------------------------------


def applications_awaiting_notice(unit: Organization) -> QuerySet[Application]:
    """The unit's applications at the notice stage that are in no pending notice and have not
    passed one since they were (re)submitted."""
    return (
        Application.objects.filter(unit=unit, state=State.UNIT_NOTICE)
        .exclude(notices__result=NoticeResult.PENDING)
        .exclude(Exists(_passed_notice_this_round()))
        .select_related("applicant", "item", "series", "level", "title")
        .order_by("submitted_at", "pk")
    )


def _applications_prefetch(*, public: bool = False) -> Prefetch:
    queryset = Application.objects.select_related("applicant", "item", "series", "level", "title").order_by(
        "applicant__real_name", "pk"
    )
    if public:
        # Someone who withdrew is no longer put before the public.
        queryset = queryset.exclude(state=State.WITHDRAWN)
    return Prefetch("applications", queryset=queryset, to_attr="listed_applications")


def unit_notices(unit: Organization) -> QuerySet[UnitNotice]:
    return (
        UnitNotice.objects.filter(unit=unit)
        .annotate(person_count=Count("applications"))
        .prefetch_related(_applications_prefetch())
        .order_by("-start_date", "-id")
    )


def notice_for_officer(user, pk: int) -> UnitNotice | None:
    """The notice, if this user is an HR officer of its unit; None otherwise (the page 404s)."""
    notice = (
        UnitNotice.objects.select_related("unit", "created_by")
        .prefetch_related(_applications_prefetch())
        .filter(pk=pk)
        .first()
    )
    if notice is None or not can_manage_notices(user, notice.unit):
        return None
    return notice


def public_open_notices(today: datetime.date | None = None) -> QuerySet[UnitNotice]:
    """Notices of every unit still running: result pending and not past their end date."""
    today = today or timezone.localdate()
    return (
        UnitNotice.objects.filter(result=NoticeResult.PENDING, end_date__gte=today)
        .select_related("unit")
        .prefetch_related(_applications_prefetch(public=True))
        .order_by("-start_date", "-id")
    )
