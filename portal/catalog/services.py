"""Writes on the catalogue that are more than a form save."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApplicationWindow


@transaction.atomic
def window_close_now(*, window_id: int) -> ApplicationWindow:
    """Close an open window early (the only change a window's closing time may make once it has
    passed is none: a closed window never reopens)."""
    window = ApplicationWindow.objects.select_for_update().get(pk=window_id)
    now = timezone.now()
    if not window.is_open(now):
        raise ValidationError(_("“%(name)s”当前未开放，无需截止。") % {"name": window.name})
    window.closes_at = now
    window.save(update_fields=["closes_at"])
    return window
