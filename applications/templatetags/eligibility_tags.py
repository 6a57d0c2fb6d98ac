"""{% load eligibility_tags %} then {{ check|check_text }}: a stored eligibility check (from
Application.eligibility) as a sentence in the reader's language."""

from django import template

from ..eligibility import check_text as _check_text

register = template.Library()


@register.filter
def check_text(check) -> str:
    return _check_text(check) if isinstance(check, dict) else ""
