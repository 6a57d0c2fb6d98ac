"""Reviewer pages: the queue, one application with its decision buttons, batch pass, and the
applicant's timeline. Every page is scoped: outside a reviewer's scope an application is a 404."""

import shutil
import subprocess

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from applications.labels import applicant_label
from applications.models import Application, State
from applications.selectors import application_history
from applications.snapshot_display import labelled_content, masked_content
from applications.workflow import services as workflow
from applications.workflow.permissions import can_view_as_reviewer
from applications.workflow.steps import STEPS
from portal.audit.models import AuditAction
from portal.audit.services import record_access
from portal.catalog.models import Item
from portal.core.forms import add_validation_errors
from portal.core.pagination import uncounted_page
from portal.core.spreadsheets import xlsx_response
from portal.organizations.models import Role
from portal.organizations.permissions import is_admin
from portal.organizations.scope import covers, reviewer_memberships

from . import exports, result_notices, selectors, services
from .forms import BatchPassForm, CommitteeVoteForm, DecisionForm, OfflineForm, OriginalsForm, QueueFilter
from .models import CommitteeResult, NoticeKind
from .offline import PAPER_CHECKLIST, offline_record
from .votes import VoteRule

QUEUE_PAGE_SIZE = 50
# The unit's steps that recommend upward: they carry the unit's recommendation text.
UNIT_RECOMMENDING_STEPS = ("unit_recommend", "notice_recommend")


def _reviewer_or_404(user):
    if not reviewer_memberships(user):
        raise Http404


def _filtered_queue(request, filters):
    return selectors.review_queue(
        request.user,
        waiting_only=filters.get("scope") != "all",
        item=filters.get("item") and filters["item"].pk,
        series=filters.get("series") and filters["series"].pk,
        state=filters.get("state") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        search=filters.get("q", ""),
        unit=filters.get("unit", ""),
        longest_waiting=filters.get("sort") == "waiting",
    )


@login_required
def queue(request):
    _reviewer_or_404(request.user)
    form = QueueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # A scanner types the acceptance number and Enter: one exact match in scope opens the file.
    scanned = selectors.scanned_application(request.user, filters.get("q", ""))
    if scanned is not None:
        return redirect("reviews:detail", pk=scanned.pk)
    applications = _filtered_queue(request, filters)
    # No COUNT(*) over the scope: the page links only to its neighbours (docs/BENCHMARKS.md).
    page = uncounted_page(applications, request.GET.get("page"), QUEUE_PAGE_SIZE)
    # At the result notice: what the bureau waits for (the notice's end, or filing it).
    notes = result_notices.filing_notes(page.object_list)
    for application in page.object_list:
        application.filing_note = notes.get(application.pk, "")
    return render(request, "reviews/queue.html", {"page": page, "filter_form": form})


@login_required
def queue_export(request):
    """The queue with the page's filters, as xlsx."""
    _reviewer_or_404(request.user)
    form = QueueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = exports.queue_rows(
        _filtered_queue(request, filters), full_personal_data=exports.sees_personal_data(request.user)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(_("审核列表"), exports.queue_headers(), rows, filename=f"{_('审核列表')}-{stamp}.xlsx")


@login_required
@require_POST
def batch(request):
    _reviewer_or_404(request.user)
    form = BatchPassForm(request.POST)
    form.is_valid()
    refusal = form.refusal()
    if refusal:
        messages.error(request, refusal)
    else:
        action = form.chosen_action()
        try:
            done, refused = services.batch_decide(
                application_ids=form.cleaned_data["application"],
                user=request.user,
                opinion=form.cleaned_data["opinion"],
                action=action,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_back_to_queue(request))
        if done:
            done_messages = {
                services.BATCH_PASS: _("已通过 %(n)d 份申报。"),
                services.BATCH_RETURN: _("已退回修改 %(n)d 份申报。"),
                services.BATCH_FAIL: _("已将 %(n)d 份申报审核为不通过。"),
            }
            messages.success(request, done_messages[action] % {"n": len(done)})
        for application_id, reason in refused:
            messages.error(request, _("申报 %(id)d 未处理：%(r)s") % {"id": application_id, "r": reason})
    return redirect(_back_to_queue(request))


def _back_to_queue(request) -> str:
    """The queue with the filters the batch was sent from (posted back as `query`)."""
    # Parsed and encoded again: only a query string can come back, never another address.
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return f"{reverse('reviews:queue')}?{query}" if query else reverse("reviews:queue")


def _review_page(request, application, *, status=200, opinion="", reveal=False, vote_form=None, decision=None):
    steps = workflow.available_steps(request.user, application)
    filed = application.filed_content or {}
    decision = decision or DecisionForm(initial={"expected_state": application.state}, application=application)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "application": application,
            "content": labelled_content(filed if reveal else masked_content(filed)),
            "revealed": reveal,
            "history": application_history(application),
            "steps": steps,
            "committee_step": any(
                t.name == "committee_conclude" for t in application.get_available_user_state_transitions(request.user)
            ),
            "opinion": opinion,
            "vote_form": vote_form or CommitteeVoteForm(),
            "vote_rule": VoteRule.of(application.committee),
            "applicant_label": applicant_label(application),
            "intake": any(step.method == "window_accept" for step in steps),
            "next_file": selectors.next_waiting(request.user, application),
            "previewable": {m.pk for m in application.materials.all() if selectors.previewable(m)},
            # The window in scope prints the file's cover sheet (certificates: the document job).
            "window_desk": any(
                m.role == Role.WINDOW_STAFF and covers(m, application.unit) for m in reviewer_memberships(request.user)
            ),
            "decision": decision,
            "can_return": any(step.method == "return_for_changes" for step in steps),
            "recommends": any(step.method in UNIT_RECOMMENDING_STEPS for step in steps),
            "recommendation": selectors.unit_recommendation(application),
            "committee_tally": _committee_tally(request.user, application),
            "show_signer": _sees_committee_work(request.user),
            "result_notice": application.notices.filter(kind=NoticeKind.RESULT).order_by("-id").first(),
        },
        status=status,
    )


def _sees_committee_work(user) -> bool:
    """The bureau (and the administrator) see the committee's counts and who signed its result; a
    unit reviewer in scope opens the same page and reads the decision as the committee's alone."""
    return is_admin(user) or any(m.role == Role.BUREAU_APPROVER for m in reviewer_memberships(user))


def _committee_tally(user, application):
    """The committee's counts, for the bureau (and the administrator) only: a unit reviewer in
    scope opens this page too, and never sees how the committee voted."""
    if not _sees_committee_work(user):
        return None
    return CommitteeResult.objects.filter(application=application).first()


def _visible(request, pk) -> Application:
    application = selectors.application_for_review(pk)
    # Admins see every filed application; a first draft is the applicant's alone, for everyone.
    admin_view = is_admin(request.user) and application is not None and application.submitted_at is not None
    if application is None or not (can_view_as_reviewer(request.user, application) or admin_view):
        raise Http404
    return application


@login_required
def detail(request, pk):
    application = _visible(request, pk)
    record_access(
        viewer=request.user, action=AuditAction.VIEW_APPLICATION, subject=application.applicant, obj=application
    )
    return _review_page(request, application)


@never_cache
@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF], "object-src": [SELF]})
def material_preview(request, pk, material_pk):
    """A PDF or image material shown in the review page (iframe / img): the reviewer's scope is
    checked as for the page, the file is streamed inline, and the access audited as a download.
    The page may frame it (same origin only); any other type is a 404 here (it is downloaded)."""
    application = _visible(request, pk)
    material = application.materials.filter(pk=material_pk).first()
    if material is None or not selectors.previewable(material):
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    record_access(
        viewer=request.user, action=AuditAction.DOWNLOAD_MATERIAL, subject=application.applicant, obj=material
    )
    response = FileResponse(
        handle, as_attachment=False, filename=material.display_name, content_type=material.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def reveal(request, pk):
    """显示完整号码: the page once more with the ID number and mobile in full; audited."""
    application = _visible(request, pk)
    record_access(
        viewer=request.user, action=AuditAction.REVEAL_IDENTITY, subject=application.applicant, obj=application
    )
    return _review_page(request, application, reveal=True)


@login_required
@require_POST
def decide(request, pk):
    application = _visible(request, pk)
    decision = DecisionForm(request.POST, application=application).step_data()
    step, opinion = decision["step"], decision["opinion"]
    if step == "committee_conclude":
        vote_form = CommitteeVoteForm(request.POST)
        try:
            services.committee_record(
                application_id=application.pk,
                user=request.user,
                **vote_form.counts(),
                opinion=opinion.strip(),
                expected_state=decision["expected_state"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            add_validation_errors(vote_form, error)
            return _review_page(request, application, status=400, opinion=opinion, vote_form=vote_form)
        except workflow.WorkflowRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("reviews:detail", pk=application.pk)
        messages.success(request, _("评审结果已录入。"))
        return redirect("reviews:detail", pk=application.pk)
    try:
        if step == "window_accept":
            application = services.window_intake_accept(
                application_id=application.pk,
                user=request.user,
                material_ids=OriginalsForm(request.POST).material_ids(),
                opinion=opinion,
                expected_state=decision["expected_state"],
            )
        elif step == "return_for_changes":
            application = services.return_with_sections(
                application_id=application.pk,
                user=request.user,
                opinion=opinion,
                sections=decision["sections"],
                expected_state=decision["expected_state"],
            )
        elif step in UNIT_RECOMMENDING_STEPS:
            application = services.unit_recommend_with_text(
                application_id=application.pk,
                user=request.user,
                step=step,
                opinion=opinion,
                recommendation=decision["recommendation"],
                expected_state=decision["expected_state"],
            )
        else:
            application = workflow.fire(
                application_id=application.pk,
                user=request.user,
                step=step,
                opinion=opinion,
                expected_state=decision["expected_state"],
            )
    except ValidationError:
        messages.error(request, _("请填写审核意见。"))
        return _review_page(
            request,
            application,
            status=400,
            opinion=opinion,
            decision=DecisionForm(request.POST, application=application),
        )
    except workflow.WorkflowRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("reviews:detail", pk=application.pk)
    messages.success(
        request,
        _("已处理：%(step)s。当前状态：%(state)s。")
        % {"step": STEPS[step].label, "state": application.get_state_display()},
    )
    if can_view_as_reviewer(request.user, application):
        return redirect("reviews:detail", pk=application.pk)
    return redirect("reviews:queue")


def workflow_dot() -> str:
    """The state machine as Graphviz DOT, read from the transitions declared on Application."""
    field = Application._meta.get_field("state")
    labels = dict(State.choices)
    edges = []
    for transition in field.get_all_transitions(Application):
        targets = getattr(transition.target, "allowed_states", None) or [transition.target]
        sources = list(labels) if transition.source == "*" else [transition.source]
        for source in sources:
            for target in targets:
                edge = f'  {source} -> {target} [label="{transition.name}"];'
                if source in labels and target in labels and source != target and edge not in edges:
                    edges.append(edge)
    nodes = [f'  {value} [label="{label}"];' for value, label in labels.items()]
    header = [
        "digraph workflow {",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Noto Sans CJK SC"];',
        '  edge [fontname="Noto Sans CJK SC", fontsize=10];',
    ]
    return "\n".join([*header, *nodes, *edges, "}"])


@login_required
def workflow_diagram(request):
    if not is_admin(request.user):
        raise Http404
    dot = workflow_dot()
    if request.GET.get("format") == "svg":
        if not shutil.which("dot"):
            raise Http404
        svg = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True, timeout=20).stdout
        return HttpResponse(svg, content_type="image/svg+xml")
    return render(request, "reviews/workflow.html", {"dot": dot, "has_graphviz": bool(shutil.which("dot"))})


@login_required
def offline_new(request):
    if not any(m.role == Role.WINDOW_STAFF for m in reviewer_memberships(request.user)):
        raise Http404
    item = Item.objects.filter(online=False, is_active=True).order_by("order").first()
    form = OfflineForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and item is not None:
        c = form.cleaned_data
        try:
            application = offline_record(
                user=request.user,
                item=item,
                unit=c["unit"],
                id_number=c["id_number"],
                real_name=c["real_name"],
                mobile=c["mobile"],
                series=c["title"].series,
                level=c["title"].level,
                title=c["title"],
                note=c["note"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        except PermissionDenied:
            form.add_error("unit", _("该单位不在本窗口的受理范围内。"))
        else:
            messages.success(request, _("已录入并受理，受理号：%(n)s。") % {"n": application.acceptance_number})
            return redirect("reviews:detail", pk=application.pk)
    return render(request, "reviews/offline_new.html", {"form": form, "item": item, "checklist": PAPER_CHECKLIST})
