"""Who may see and change an application."""

from portal.organizations.permissions import is_admin

from .models import Application
from .workflow.permissions import can_view_as_reviewer


def can_view_application(user, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk or is_admin(user):
        return True
    return can_view_as_reviewer(user, application)


def can_edit_application(user, application: Application) -> bool:
    """Only the applicant, and only while the content is open (draft, or returned for changes)."""
    return user.is_authenticated and application.applicant_id == user.pk and application.is_editable
