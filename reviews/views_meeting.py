"""The meeting's pages (评审会议): the office's roll call, chair, conflicts, vote, paper ballots,
close, sign-off and result notice on the session page; the expert's ballot page. Thin: parse,
call one service of reviews.meetings / draws / result_notices, redirect or show the errors at
their fields. A session outside the office's committees is 404, like a missing one; so is a
ballot page for anyone not drawn and present."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.forms import add_validation_errors

from . import draws, groups, interviews, meetings, offices, result_notices
from .forms import NoticeConcludeForm
from .forms_meeting import AttendanceForm, BallotForm, ChairForm, ConflictForm, PaperBallotForm, ResultNoticeForm
from .models import CommitteeSession, NoticeKind, UnitNotice
from .views_sessions import session_page


def sitting_of_office(request, pk):
    return get_object_or_404(offices.sessions_of(request.user), pk=pk)


def redirect_to(sitting, anchor=""):
    response = redirect("reviews:session", pk=sitting.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _done(request, sitting, message, anchor):
    messages.success(request, message)
    return redirect_to(sitting, anchor)


def _refused(request, sitting, error, anchor):
    messages.error(request, " ".join(error.messages))
    return redirect_to(sitting, anchor)


def form_post(request, sitting, form, write, *, done, anchor, failed, shown_as):
    """The session page's form posts: a valid form calls `write` (one service) with its data; the
    service's refusal lands at the fields; a refused form re-shows the session page with it."""
    if form.is_valid():
        try:
            write(form)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return _done(request, sitting, done, anchor)
    messages.error(request, failed)
    return session_page(request, sitting, status=400, **{shown_as: form})


@login_required
@require_POST
def attendance(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        AttendanceForm(request.POST, members=meetings.members(sitting)),
        lambda form: meetings.attendance_record(session_id=sitting.pk, by=request.user, present_ids=form.ids()),
        done=_("签到情况已登记。"),
        anchor="meeting",
        failed=_("签到未登记，请按提示修改。"),
        shown_as="attendance",
    )


@login_required
@require_POST
def chair(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        ChairForm(request.POST, members=list(meetings.members(sitting))),
        lambda form: meetings.chair_designate(session_id=sitting.pk, by=request.user, member_id=form.member_id()),
        done=_("签发人已指定。"),
        anchor="meeting",
        failed=_("签发人未指定，请按提示修改。"),
        shown_as="chair",
    )


@login_required
@require_POST
def conflict(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        ConflictForm(request.POST, members=meetings.members(sitting), applications=meetings.voting(sitting)),
        lambda form: draws.conflict_surfaced(
            session_expert_id=int(form.cleaned_data["member"]),
            application_id=int(form.cleaned_data["application"]),
            note=form.cleaned_data["note"],
            by=request.user,
        ),
        done=_("已登记回避并补抽专家。"),
        anchor="session-experts",
        failed=_("回避未登记，请按提示修改。"),
        shown_as="conflict",
    )


@login_required
@require_POST
def vote_open(request, pk):
    sitting = sitting_of_office(request, pk)
    try:
        meetings.vote_open(session_id=sitting.pk, by=request.user)
    except ValidationError as error:
        return _refused(request, sitting, error, "meeting")
    return _done(request, sitting, _("表决已开始，出席专家可登录投票。"), "vote")


@login_required
@require_POST
def paper_ballot(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        PaperBallotForm(request.POST, members=meetings.members(sitting), applications=meetings.voting(sitting)),
        lambda form: meetings.ballot_cast(
            session_id=sitting.pk,
            application_id=int(form.cleaned_data["application"]),
            member_id=int(form.cleaned_data["member"]),
            choice=form.cleaned_data["choice"],
            by=request.user,
        ),
        done=_("纸质选票已录入。"),
        anchor="vote",
        failed=_("选票未录入，请按提示修改。"),
        shown_as="paper",
    )


@login_required
@require_POST
def vote_close(request, pk):
    sitting = sitting_of_office(request, pk)
    try:
        meetings.vote_close(session_id=sitting.pk, by=request.user)
    except ValidationError as error:
        return _refused(request, sitting, error, "vote")
    return _done(request, sitting, _("表决已结束，请主任委员签发评审结果。"), "vote")


def _signable(request, pk) -> CommitteeSession:
    """The session, for its office or its designated chair; 404 for anyone else."""
    sitting = CommitteeSession.objects.select_related("committee").filter(pk=pk).first()
    if sitting is None or not meetings.can_sign(request.user, sitting):
        raise Http404
    return sitting


@login_required
@require_POST
def vote_sign(request, pk):
    sitting = _signable(request, pk)
    office = offices.runs(request.user, sitting.committee)
    try:
        meetings.vote_sign(session_id=sitting.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("评审结果已签发。"))
    return redirect_to(sitting, "vote") if office else redirect("reviews:ballots")


@login_required
@require_POST
def notice_open(request, pk):
    sitting = sitting_of_office(request, pk)
    return form_post(
        request,
        sitting,
        ResultNoticeForm(request.POST, user=request.user),
        lambda form: result_notices.result_notice_open(session_id=sitting.pk, by=request.user, **form.cleaned_data),
        done=_("评审结果公示已发布。"),
        anchor="result-notice",
        failed=_("公示未发布，请按提示修改。"),
        shown_as="notice",
    )


@login_required
@require_POST
def notice_conclude(request, pk):
    notice = get_object_or_404(
        UnitNotice.objects.filter(kind=NoticeKind.RESULT, session__in=offices.sessions_of(request.user)), pk=pk
    )
    sitting = notice.session
    return form_post(
        request,
        sitting,
        NoticeConcludeForm(request.POST, notice=notice, prefix=f"notice{notice.pk}"),
        lambda form: result_notices.result_notice_conclude(
            notice_id=notice.pk,
            by=request.user,
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
            objections=form.cleaned_data["objections"],
        ),
        done=_("公示结果已登记，人才主管部门可核准备案。"),
        anchor="result-notice",
        failed=_("公示结果未登记，请按提示修改。"),
        shown_as=f"conclude_{notice.pk}",
    )


# --- the expert's ballot page ---------------------------------------------------------------------


def _ballot_page(request, *, forms=None, status=200):
    sessions = list(meetings.ballots_for(request.user))
    chaired = list(
        CommitteeSession.objects.filter(chair=request.user, vote_closed_at__isnull=False, signed_at__isnull=True)
        .select_related("committee")
        .order_by("-vote_closed_at")
    )
    if not sessions and not chaired and not request.user.expert_records.exists():
        raise Http404
    forms = forms or {}
    sheets = []
    for s in sessions:
        # Who missed the interview is shown at the vote; it never takes the ballot away.
        absent = interviews.absences(s)
        opinions = groups.opinions_of(s)  # the discipline group's recommendation, for the vote
        rows = [
            (
                a,
                state,
                forms.get((s.pk, a.pk)) or BallotForm(prefix=f"b{s.pk}-{a.pk}"),
                absent.get(a.pk),
                opinions.get(a.pk),
            )
            for a, state in meetings.ballot_sheet(request.user, s)
        ]
        sheets.append({"session": s, "open": s.vote_closed_at is None, "rows": rows})
    # The chair signs the outcome (通过 / 未通过); the counts are the office's and the bureau's.
    to_sign = [{"session": s, "outcomes": [(t.application, t.passed) for t in meetings.tallies(s)]} for s in chaired]
    return render(request, "reviews/ballots.html", {"sheets": sheets, "to_sign": to_sign}, status=status)


@login_required
def ballots(request):
    return _ballot_page(request)


@login_required
@require_POST
def ballot_cast(request, pk, application_pk):
    sitting = get_object_or_404(meetings.ballots_for(request.user), pk=pk)
    form = BallotForm(request.POST, prefix=f"b{sitting.pk}-{application_pk}")
    if form.is_valid():
        try:
            meetings.ballot_cast(
                session_id=sitting.pk,
                application_id=application_pk,
                by=request.user,
                choice=form.cleaned_data["choice"],
            )
        except ValidationError as error:
            # Also above the sheet: a row already voted on shows no form to carry the error.
            add_validation_errors(form, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已投票。"))
            return redirect("reviews:ballots")
    else:
        messages.error(request, _("未投票，请按提示修改。"))
    return _ballot_page(request, forms={(sitting.pk, application_pk): form}, status=400)
