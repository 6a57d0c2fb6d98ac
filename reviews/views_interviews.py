"""The interview's pages (答辩): the office schedules and records attendance from the session
page; the session's drawn experts (and its office) read the schedule. Anyone else gets a 404,
like a missing session."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import interviews, meetings, offices
from .forms_interviews import InterviewAttendanceForm, InterviewForm
from .models import CommitteeSession, InterviewSlot
from .views_meeting import form_post, sitting_of_office


@login_required
@require_POST
def schedule(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        InterviewForm(request.POST, applications=meetings.voting(sitting), prefix="interview"),
        lambda form: interviews.interview_schedule(
            session_id=sitting.pk,
            application_id=int(form.cleaned_data["application"]),
            date=form.cleaned_data["date"],
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            place=form.cleaned_data["place"],
            by=request.user,
        ),
        done=_("答辩已安排，已通知申报人。"),
        anchor="interviews",
        failed=_("答辩未安排，请按提示修改。"),
        shown_as="interview",
    )


@login_required
@require_POST
def attendance(request, pk):
    slot = get_object_or_404(InterviewSlot.objects.filter(session__in=offices.sessions_of(request.user)), pk=pk)
    sitting = slot.session
    return form_post(
        request,
        sitting,
        InterviewAttendanceForm(request.POST, prefix=f"slot{slot.pk}"),
        lambda form: interviews.interview_attendance_record(
            slot_id=slot.pk, by=request.user, attended=form.attended(), note=form.cleaned_data["note"]
        ),
        done=_("答辩到场情况已登记。"),
        anchor="interviews",
        failed=_("到场情况未登记，请按提示修改。"),
        shown_as=f"interview_attendance_{slot.pk}",
    )


@login_required
def schedule_page(request, pk):
    """The interview schedule for the session's office and its drawn experts (not declined)."""
    sitting = CommitteeSession.objects.select_related("committee").filter(pk=pk).first()
    if sitting is None:
        raise Http404
    office = offices.runs(request.user, sitting.committee)
    if not office and not interviews.sessions_heard_by(request.user).filter(pk=sitting.pk).exists():
        raise Http404
    slots = interviews.slots_of(sitting)
    if not office:
        slots = slots.exclude(application__applicant=request.user)  # an expert's own file stays hidden
    return render(
        request,
        "reviews/interviews.html",
        {"sitting": sitting, "slots": slots, "hidden": sitting.committee.hide_identity_in_review and not office},
    )
