"""record(): one audit event for the request being served (its address and request id are read
from it), written in the caller's transaction so the event and the action stand or fall together."""

import datetime

from django.conf import settings
from django.utils import timezone

from portal.core.clients import client_address
from portal.core.requestid import current_request, request_id_of

from .models import AuditEvent


def record(*, actor, action: str, subject=None, obj=None) -> AuditEvent:
    request = current_request.get()
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        subject=subject if getattr(subject, "pk", None) else None,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        address=client_address(request)[:64] if request is not None else "",
        request_id=request_id_of(request),
    )


def purge_expired(*, now=None) -> int:
    """Remove events older than AUDIT_RETENTION_DAYS (never less than 180 days: 网络安全法 §21)."""
    days = max(180, settings.AUDIT_RETENTION_DAYS)
    return AuditEvent.objects.purge_before((now or timezone.now()) - datetime.timedelta(days=days))


def record_access(*, viewer, action: str, subject=None, obj=None) -> AuditEvent | None:
    """A view or download of someone's personal data; a person looking at their own is not logged."""
    if subject is not None and getattr(viewer, "pk", None) == subject.pk:
        return None
    return record(actor=viewer, action=action, subject=subject, obj=obj)
