"""Unit public notices (单位公示, DOMAIN §1): a unit's HR officer publishes its applicants for at
least NOTICE_MIN_WORKING_DAYS working days, then records the result. A no-objection result is what
lets `Application.notice_recommend` fire (see `applications.models._notice_passed`).

Writes: `notice_open`, `notice_conclude` (one transaction each, audit records, side effects after
commit). Reads the notice pages need follow at the end.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Action, Application, State
from applications.workflow.audit import audit
from portal.organizations.models import Organization, Role
from portal.organizations.scope import reviewer_memberships

from .alerts import notice_opened
from .models import NoticeResult, UnitNotice
from .working_days import add_working_days

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
        .exclude(result=NoticeResult.PENDING)
        .exclude(Exists(upheld_here))
    )


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
    minimum = settings.NOTICE_MIN_WORKING_DAYS
    errors = {}
    ids = sorted({a.pk for a in applications})
    if not ids:
        errors["applications"] = _("请选择公示人员。")
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

    try:
        calendar = add_working_days(start_date, working_days)
    except ValueError:
        # Only a holiday table with no working day for years on end gets here.
        raise ValidationError({"start_date": _("无法计算公示结束日期，请管理员检查“节假日与调休”。")}) from None
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
