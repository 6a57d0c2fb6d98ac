"""Reviewer pages: the queue, one application with its decision buttons, batch pass, and the
applicant's timeline. Every page is scoped: outside a reviewer's scope an application is a 404."""

import shutil
import subprocess
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
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
from portal.organizations.models import Role
from portal.organizations.permissions import is_admin
from portal.organizations.scope import reviewer_memberships

from . import exports, selectors, services
from .forms import BatchPassForm, CommitteeVoteForm, DecisionForm, OfflineForm, OriginalsForm, QueueFilter
from .models import CommitteeResult, NoticeKind
from .offline import PAPER_CHECKLIST, offline_record
from .votes import VoteRule

QUEUE_PAGE_SIZE = 50


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
    return render(request, "reviews/queue.html", {"page": page, "filter_form": form})


@login_required
def queue_export(request):
    """The queue with the page's filters, as xlsx."""
    _reviewer_or_404(request.user)
    form = QueueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    content = exports.queue_xlsx(
        _filtered_queue(request, filters), full_personal_data=exports.sees_personal_data(request.user)
    )
    response = HttpResponse(content, content_type=exports.XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'审核列表-{stamp}.xlsx')}"
    return response


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
        try:
            done, refused = services.batch_pass(
                application_ids=form.cleaned_data["application"],
                user=request.user,
                opinion=form.cleaned_data["opinion"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:queue")
        if done:
            messages.success(request, _("已通过 %(n)d 份申报。") % {"n": len(done)})
        for application_id, reason in refused:
            messages.error(request, _("申报 %(id)d 未处理：%(r)s") % {"id": application_id, "r": reason})
    return redirect("reviews:queue")


def _review_page(request, application, *, status=200, opinion="", reveal=False, vote_form=None):
    steps = workflow.available_steps(request.user, application)
    filed = application.filed_content or {}
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
            "committee_tally": _committee_tally(request.user, application),
            "result_notice": application.notices.filter(kind=NoticeKind.RESULT).order_by("-id").first(),
        },
        status=status,
    )


def _committee_tally(user, application):
    """The committee's counts, for the bureau (and the administrator) only: a unit reviewer in
    scope opens this page too, and never sees how the committee voted."""
    if not (is_admin(user) or any(m.role == Role.BUREAU_APPROVER for m in reviewer_memberships(user))):
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
    decision = DecisionForm(request.POST).step_data()
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
        return _review_page(request, application, status=400, opinion=opinion)
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
