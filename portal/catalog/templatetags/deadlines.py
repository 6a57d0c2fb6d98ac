from django import template

from portal.catalog.deadlines import format_deadline

register = template.Library()


@register.filter
def deadline(moment):
    """A window's closing time, midnight shown as 24:00 of the day before."""
    return format_deadline(moment) if moment else ""
