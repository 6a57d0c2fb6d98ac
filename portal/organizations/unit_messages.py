"""发送信息: a unit's HR officer tells the unit's own staff something, in the portal's inbox (and
by e-mail where a person chose it), through notifications.notify. Only the unit's active members
can receive it: a posted id of anyone else is dropped, as if it did not exist."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.notifications.services import notify

from . import permissions, selectors
from .models import Organization

MAX_RECIPIENTS = 2000


def unit_message_recipients(unit: Organization):
    """Who the unit may message: its active staff (applicants and HR officers)."""
    return selectors.unit_staff(unit)


@transaction.atomic
def unit_message_send(*, unit: Organization, user, topic: str, message: str, recipient_ids: list[int]) -> int:
    """Send to the chosen members of `unit` (all of them when none is chosen); returns how many
    were told. The sender is never among the recipients."""
    if not permissions.can_manage_unit(user, unit):
        raise PermissionDenied
    staff = unit_message_recipients(unit).exclude(user=user)
    if recipient_ids:
        staff = staff.filter(user_id__in=recipient_ids[:MAX_RECIPIENTS])
    users = [m.user for m in staff]
    created = notify(
        recipients=users,
        event="unit_message",
        context={"unit": unit.name, "sender": user.real_name, "topic": topic, "message": message},
    )
    return len(created)
