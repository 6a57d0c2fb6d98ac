"""The committee office's sessions (评审会议) and their expert draws. Office only: the drawn
list is never on a page an applicant or unit can open."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core.forms import add_validation_errors

from . import draws, offices, online
from .forms_experts import SessionForm
from .models import Expert, SessionExpert

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
    return render(
        request,
        "reviews/session.html",
        {
            "sitting": sitting,
            "applications": sitting.applications.select_related("applicant", "unit"),
            "members": draws.experts_of_session(sitting),
            "audit": audit,
            "rubric": online.rubric_for(sitting),
            "progress": online.progress(sitting) if sitting.review_opened_at else [],
        },
    )


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
