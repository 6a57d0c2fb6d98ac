"""What the applicant's filing pages show of a return (退回修改): its opinion and the sections the
reviewer marked to change, read from the reviews app, which records them."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def current_return(application):
    """The latest return while the application is being changed, or None."""
    return selectors.current_return(application)
