"""The applicant's view of where the file is: the timeline of every step with time,
organisation and opinion, and withdrawing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import can_proceed, has_transition_perm

from portal.catalog.stages import Stage

from .labels import applicant_label
from .selectors import application_for, application_history
from .workflow import services as workflow


@login_required
def timeline(request, pk):
    """The applicant's view: where the file is now, and every step with time, organisation and opinion."""
    application = application_for(request.user, pk)
    records = [r for r in application_history(application) if r.action != "refused"]
    stage_labels = dict(Stage.choices)
    return render(
        request,
        "reviews/timeline.html",
        {
            "application": application,
            "records": records,
            "applicant_label": applicant_label(application),
            "route": [stage_labels.get(stage, stage) for stage in application.route],
            "can_withdraw": application.submitted_at is not None
            and can_proceed(application.withdraw)
            and has_transition_perm(application.withdraw, request.user),
        },
    )


@login_required
@require_POST
def withdraw(request, pk):
    application = application_for(request.user, pk)
    try:
        workflow.application_withdraw(
            application_id=application.pk, user=request.user, reason=request.POST.get("reason", "")
        )
    except workflow.WorkflowRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("申报已撤回。"))
    return redirect("applications:timeline", pk=application.pk)
