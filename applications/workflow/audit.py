"""Writing the workflow's audit record."""

from .records import ReviewRecord


def audit(application, *, actor, action, from_state, opinion="", membership=None, role="", organization=None):
    """Append one step to the application's history (who, role, organisation, from → to, opinion)."""
    return ReviewRecord.objects.create(
        application=application,
        actor=actor,
        role=membership.role if membership else role,
        organization=membership.organization if membership else organization,
        action=action,
        from_state=from_state,
        to_state=application.state,
        opinion=opinion,
    )
