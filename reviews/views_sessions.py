"""The committee office's sessions (评审会议) and their expert draws. Office only: the drawn
list is never on a page an applicant or unit can open."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core.forms import add_validation_errors
from portal.core.spreadsheets import XLSX_CONTENT_TYPE

from . import draws, groups, interviews, meetings, offices, online, result_notices, session_trail
from .forms import NoticeConcludeForm
from .forms_experts import SessionForm
from .forms_groups import GroupAssignForm, GroupForm, GroupOpinionForm
from .forms_interviews import InterviewAttendanceForm, InterviewForm
from .forms_meeting import AttendanceForm, ChairForm, ConflictForm, PaperBallotForm, ResultNoticeForm
from .models import CommitteeResult, Expert, SessionExpert

REASONS = {
    draws.SELF: gettext_lazy("本人为申报人"),
    draws.SAME_UNIT: gettext_lazy("与申报人同一工作单位"),
    draws.DECLARED: gettext_lazy("申报回避"),
}


def _office_or_404(user) -> None:
    if not offices.is_office(user):
        raise Http404


@login_required
def sessions(request):
    _office_or_404(request.user)
    form = SessionForm(
        request.POST or None,
        committees=offices.office_committees(request.user),
        initial={"year": timezone.localdate().year, "experts_to_draw": 5},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = draws.session_create(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("评审会议已创建。"))
                return redirect("reviews:session", pk=session.pk)
        status = 400
    listed = offices.sessions_of(request.user).order_by("-year", "-id")[:100]
    return render(request, "reviews/sessions.html", {"sessions": listed, "form": form}, status=status)


@login_required
def session(request, pk):
    _office_or_404(request.user)
    sitting = get_object_or_404(offices.sessions_of(request.user), pk=pk)
    return session_page(request, sitting)


def _office_phone(request, sitting) -> str:
    membership = offices.office_membership(request.user, sitting.committee)
    return membership.organization.phone if membership else ""


def session_page(request, sitting, *, status=200, **forms):
    """The session page; a form that failed comes back bound, with its errors at the fields."""
    names = dict(Expert.objects.filter(organizer=sitting.committee.organizer).values_list("pk", "user__real_name"))
    audit = [
        {
            "draw": draw,
            "replayed": draws.draw_replay(draw),
            "candidates": [names.get(pk, pk) for pk in draw.candidates],
            "exclusions": [
                (names.get(e["expert"], e["expert"]), REASONS.get(e["reason"], e["reason"])) for e in draw.exclusions
            ],
            "drawn": [names.get(pk, pk) for pk in draw.drawn],
        }
        for draw in sitting.draws.select_related("replacing__user", "drawn_by").order_by("id")
    ]
    roll = list(meetings.members(sitting))
    voting = list(meetings.voting(sitting))
    notices = list(result_notices.result_notices_of(sitting))
    conclude_forms = {
        n.pk: forms.get(f"conclude_{n.pk}") or NoticeConcludeForm(notice=n, prefix=f"notice{n.pk}") for n in notices
    }
    slots = list(interviews.slots_of(sitting))
    session_applications = list(sitting.applications.select_related("applicant", "unit"))
    opinions = groups.opinions_of(sitting)
    context = {
        "sitting": sitting,
        "group_form": forms.get("group") or GroupForm(prefix="group"),
        "groups": [
            {
                "group": group,
                "members": [m for m in roll if m.group_id == group.pk],
                "opinions": [opinions[a.pk] for a in group.applications.all() if a.pk in opinions],
                "assign_form": forms.get(f"group_assign_{group.pk}")
                or GroupAssignForm(
                    group=group, applications=session_applications, members=roll, prefix=f"group{group.pk}"
                ),
                "opinion_form": forms.get(f"group_opinion_{group.pk}")
                or GroupOpinionForm(group=group, prefix=f"opinion{group.pk}"),
            }
            for group in groups.groups_of(sitting)
        ],
        "interview_form": forms.get("interview") or InterviewForm(applications=voting, prefix="interview"),
        "slots": [
            (
                slot,
                forms.get(f"interview_attendance_{slot.pk}")
                or InterviewAttendanceForm(
                    prefix=f"slot{slot.pk}",
                    initial={"attendance": slot.attendance, "note": slot.attendance_note},
                ),
            )
            for slot in slots
        ],
        "applications": sitting.applications.select_related("applicant", "unit"),
        "members": draws.experts_of_session(sitting),
        "audit": audit,
        "rubric": online.rubric_for(sitting),
        "progress": online.progress(sitting) if sitting.review_opened_at else [],
        "roll": roll,
        "quorum": meetings.quorum(sitting),
        "tallies": [
            (
                tally,
                next((slot for slot in slots if slot.absent and slot.application_id == tally.application.pk), None),
                opinions.get(tally.application.pk),
            )
            for tally in (meetings.tallies(sitting) if sitting.vote_opened_at and not sitting.signed_at else [])
        ],
        "results": CommitteeResult.objects.filter(session=sitting).select_related("application__applicant"),
        "attendance_form": forms.get("attendance") or AttendanceForm(members=roll),
        "chair_form": forms.get("chair") or ChairForm(members=roll, current=sitting.chair_id),
        "conflict_form": forms.get("conflict") or ConflictForm(members=roll, applications=voting),
        "paper_form": forms.get("paper") or PaperBallotForm(members=roll, applications=voting),
        "awaiting_notice": list(result_notices.awaiting_notice(sitting)),
        "notice_form": forms.get("notice")
        or ResultNoticeForm(user=request.user, phone=_office_phone(request, sitting)),
        "notices": [(n, conclude_forms[n.pk]) for n in notices],
        "today": timezone.localdate(),
        "events": sitting.events.select_related("actor").order_by("at", "id"),
        "event_labels": meetings.EVENT_LABELS,
    }
    return render(request, "reviews/session.html", context, status=status)


@login_required
def trail(request, pk):
    """The session's full audit trail as xlsx (the office's only)."""
    _office_or_404(request.user)
    sitting = get_object_or_404(offices.sessions_of(request.user), pk=pk)
    content = session_trail.session_trail_xlsx(sitting, reasons={k: str(v) for k, v in REASONS.items()})
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"评审会议记录-{sitting.year}-{sitting.pk}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def draw(request, pk):
    _office_or_404(request.user)
    sitting = get_object_or_404(offices.sessions_of(request.user), pk=pk)
    try:
        draws.expert_draw(session_id=sitting.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已随机抽取专家。"))
    return redirect("reviews:session", pk=sitting.pk)


@login_required
@require_POST
def decline(request, pk):
    _office_or_404(request.user)
    member = get_object_or_404(SessionExpert.objects.filter(session__in=offices.sessions_of(request.user)), pk=pk)
    try:
        draws.expert_decline(session_expert_id=member.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已登记谢绝并补抽专家。"))
    return redirect("reviews:session", pk=member.session_id)
