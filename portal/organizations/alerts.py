"""What a unit's HR officers are told about their unit's registration."""

from portal.accounts.models import User
from portal.notifications.services import in_site_language, notify, page_url

from .models import Role


@in_site_language
def unit_reviewed(unit, *, purpose: str) -> list:
    """The unit's registration was approved (`unit_approved`) or rejected (`unit_rejected`)."""
    officers = User.objects.filter(
        memberships__organization=unit, memberships__role=Role.UNIT_HR, memberships__is_active=True
    ).distinct()
    return notify(
        recipients=list(officers),
        event=purpose,
        context={"unit_name": unit.name, "reason": unit.rejection_reason},
        url=page_url("home:dashboard"),
        purpose=purpose,
    )
