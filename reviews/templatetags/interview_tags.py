"""The applicant's interview slot (答辩) on their progress page, read from the reviews app,
which schedules it. The page is the applicant's own (applications.selectors.application_for)."""

from django import template

from .. import interviews

register = template.Library()


@register.inclusion_tag("reviews/interview_panel.html", takes_context=True)
def interview_panel(context, application):
    """The slot, for the applicant alone: the reviewers who may open this page do not need it."""
    request = context.get("request")
    own = request is not None and request.user.pk == application.applicant_id
    return {"slot": interviews.slot_of(application) if own else None}
