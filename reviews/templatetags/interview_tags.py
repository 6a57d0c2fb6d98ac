"""The applicant's interview slot (答辩) on their progress page, read from the reviews app,
which schedules it. The page is the applicant's own (applications.selectors.application_for)."""

from django import template

from .. import interviews

register = template.Library()


@register.inclusion_tag("reviews/interview_panel.html")
def interview_panel(application):
    return {"slot": interviews.slot_of(application)}
