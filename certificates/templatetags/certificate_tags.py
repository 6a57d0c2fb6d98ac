"""Panels other pages include: {% load certificate_tags %} then
{% certificate_panel application %} on the applicant's timeline, {% window_certificates %} on the
window staff dashboard, {% department_documents_panel %} on the department dashboard."""

from django import template
from django.urls import reverse

from applications.models import State

from .. import selectors
from ..models import DocumentJob, JobStatus
from ..permissions import department_memberships, window_memberships

register = template.Library()


@register.inclusion_tag("certificates/partials/timeline_panel.html", takes_context=True)
def certificate_panel(context, application):
    documents = selectors.application_documents(application)
    return {
        **documents,
        "approved": application.state == State.APPROVED,
        "receipt_url": reverse("certificates:receipt", args=[application.pk]) if application.acceptance_number else "",
        "form_url": reverse("certificates:form", args=[application.pk]) if application.filed_content else "",
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),  # the form's button posts
    }


@register.inclusion_tag("certificates/partials/window_dashboard.html", takes_context=True)
def window_certificates(context):
    user = context["request"].user
    if not window_memberships(user):
        return {"show": False}
    return {
        "show": True,
        "waiting_count": selectors.awaiting_print(user).count(),
        "handover_count": selectors.awaiting_handover(user).count(),
        "failed_count": selectors.jobs_for(user).filter(status=JobStatus.FAILED).count(),
    }


@register.inclusion_tag("certificates/partials/department_dashboard.html", takes_context=True)
def department_documents_panel(context):
    user = context["request"].user
    memberships = department_memberships(user)
    recent = (
        selectors.jobs_for(user).filter(organization__in=[m.organization_id for m in memberships])[:5]
        if memberships
        else DocumentJob.objects.none()
    )
    return {"show": bool(memberships), "recent": recent}


@register.inclusion_tag("certificates/partials/session_documents.html", takes_context=True)
def session_documents_panel(context, session):
    """The committee session page's documents (评审会议文书): a button per kind, with its latest job."""
    return {
        "sitting": session,
        "documents": selectors.session_documents(session),
        "csrf_token": context.get("csrf_token"),
    }
