"""The confirmation before the final submission: what will be sent (the sections, the materials)
and to whom (the unit and the stage the file goes to next). Its 确认提交 posts to the submit view,
which checks everything again."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from portal.catalog.stages import Stage

from . import services as filing
from .materials import materials_overview
from .selectors import application_for
from .views_filing import application_page
from .workflow.states import REVIEW_STATE_VALUES, State


def first_stage(application) -> str:
    """Where a submission goes: back to the stage that returned it, else the route's first stage."""
    route = [stage for stage in application.item.stages if stage in REVIEW_STATE_VALUES]
    if application.state == State.RETURNED and application.returned_from in route:
        return application.returned_from
    return route[0] if route else ""


@login_required
def confirm(request, pk):
    application = application_for(request.user, pk)
    if not application.is_editable or application.applicant_id != request.user.pk:
        return redirect("applications:checklist", pk=application.pk)
    missing = filing.completeness(application)
    overview = materials_overview(application)
    uploaded = [m for _r, m in overview.slots if m is not None] + list(overview.extras)
    stage = first_stage(application)
    return application_page(
        request,
        application,
        "checklist",
        "applications/confirm.html",
        {
            "missing": missing,
            "materials": uploaded,
            "stage_label": dict(Stage.choices).get(stage, ""),
            "to_unit": stage in (Stage.UNIT_REVIEW, Stage.UNIT_NOTICE),
            # The commitment ticked on the checklist (items that confirm it with the submission)
            # travels with the final submit.
            "commitment_confirmed": request.GET.get("confirm") == "on",
        },
    )
