"""Template helpers for rendering form fields."""

from django import template
from django.forms import BoundField

register = template.Library()


class _UnvalidatedField(BoundField):
    """A bound field that shows what was typed but none of its errors.

    Django marks a widget aria-invalid and points its aria-describedby at "<id>_error" whenever the
    form has errors for it; a page that shows typed rows again without their errors must not do
    either, or a screen reader announces an invalid field with a description that is not there.
    """

    @property
    def errors(self):
        return self.form.error_class(renderer=self.form.renderer)


@register.filter
def errors_shown(field, shown):
    """`{% include "partials/field.html" with field=field|errors_shown:show_errors %}`."""
    if shown:
        return field
    return _UnvalidatedField(field.form, field.field, field.name)
