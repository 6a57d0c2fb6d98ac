"""Online review pages (网络评审): the expert's list and score sheet, their recusal and the filed
materials of an assigned application; the office opens the review and reminds laggards from the
session page. An assignment that is not the user's own is 404, like a missing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applications.snapshot_display import anonymised_content, filed_material_names, labelled_content, masked_content
from portal.audit.models import AuditAction
from portal.audit.services import record_access
from portal.core.forms import add_validation_errors

from . import offices, online
from .forms_online import RecusalForm, ScoreSheetForm
from .models import ReviewScore, ReviewStatus


def _assignment_or_404(request, pk):
    return get_object_or_404(online.assignments_of(request.user), pk=pk)


@login_required
def my_reviews(request):
    assignments = online.assignments_of(request.user).order_by("member__session_id", "id")
    if not assignments.exists() and not request.user.expert_records.exists():
        raise Http404
    return render(request, "reviews/online_list.html", {"assignments": assignments})


def _hidden(assignment) -> bool:
    return assignment.member.session.committee.hide_identity_in_review


def _sheet(request, assignment, *, form=None, recusal_form=None, status=200):
    rubric = online.rubric_for(assignment.member.session)
    categories = list(rubric.categories.all()) if rubric else []
    if form is None:
        saved = {s.category_id: s for s in ReviewScore.objects.filter(assignment=assignment)}
        initial = {"comment": assignment.comment}
        for category in categories:
            if category.pk in saved:
                initial[f"points_{category.pk}"] = saved[category.pk].points
                initial[f"comment_{category.pk}"] = saved[category.pk].comment
        form = ScoreSheetForm(
            categories=categories,
            overall_required=bool(rubric and rubric.overall_comment_required),
            initial=initial,
        )
    filed = assignment.application.filed_content or {}
    shown = anonymised_content(filed) if _hidden(assignment) else masked_content(filed)
    return render(
        request,
        "reviews/online_review.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "hidden": _hidden(assignment),
            "content": labelled_content(shown),
            "materials": _filed_materials(assignment.application),
            "form": form,
            "recusal_form": recusal_form or RecusalForm(),
            "editable": assignment.status in online.OPEN,
        },
        status=status,
    )


def _filed_materials(application):
    """The materials as filed: the rows whose content (SHA-256) and name the snapshot lists, so a
    file changed since the filing is never served as the filed one."""
    filed = application.filed_content or {}
    rows = [r for r in filed.get("materials") or [] if isinstance(r, dict)]
    hashes = {(r.get("name"), r.get("sha256")) for r in rows}
    names = set(filed_material_names(filed))
    return [
        m
        for m in application.materials.order_by("id")
        if (m.display_name, m.sha256) in hashes or (not hashes and m.display_name in names)
    ]


@login_required
def review(request, pk):
    assignment = _assignment_or_404(request, pk)
    record_access(
        viewer=request.user,
        action=AuditAction.VIEW_APPLICATION,
        subject=assignment.application.applicant,
        obj=assignment.application,
    )
    if request.method != "POST":
        return _sheet(request, assignment)
    rubric = online.rubric_for(assignment.member.session)
    form = ScoreSheetForm(
        request.POST,
        categories=rubric.categories.all() if rubric else [],
        overall_required=bool(rubric and rubric.overall_comment_required),
    )
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        try:
            online.review_save(
                assignment_id=assignment.pk,
                by=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("评审意见已提交。") if submit else _("已暂存，可稍后继续评分。"))
            return redirect("reviews:online_review", pk=assignment.pk)
    messages.error(request, _("评分有误，请按提示修改。"))
    return _sheet(request, assignment, form=form, status=400)


@login_required
@require_POST
def recuse(request, pk):
    assignment = _assignment_or_404(request, pk)
    form = RecusalForm(request.POST)
    if form.is_valid():
        try:
            online.review_recuse(assignment_id=assignment.pk, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("已申请回避，不再评审该申报。"))
            return redirect("reviews:online")
    return _sheet(request, assignment, recusal_form=form, status=400)


@never_cache
@login_required
def material(request, pk, material_pk):
    assignment = _assignment_or_404(request, pk)
    if assignment.status == ReviewStatus.RECUSED:
        raise Http404
    found = [m for m in _filed_materials(assignment.application) if m.pk == material_pk]
    if not found:
        raise Http404
    material = found[0]
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    record_access(
        viewer=request.user,
        action=AuditAction.DOWNLOAD_MATERIAL,
        subject=assignment.application.applicant,
        obj=material,
    )
    return FileResponse(handle, as_attachment=True, filename=material.display_name, content_type=material.content_type)


def _office_session_or_404(request, pk):
    return get_object_or_404(offices.sessions_of(request.user), pk=pk)


@login_required
@require_POST
def open_review(request, pk):
    sitting = _office_session_or_404(request, pk)
    try:
        online.online_review_open(session_id=sitting.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("网络评审已开始，专家登录后可看到分配的申报。"))
    return redirect("reviews:session", pk=sitting.pk)


@login_required
@require_POST
def remind(request, pk):
    sitting = _office_session_or_404(request, pk)
    try:
        count = online.online_review_remind(session_id=sitting.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已催办%(n)d名专家。") % {"n": count})
    return redirect("reviews:session", pk=sitting.pk)
