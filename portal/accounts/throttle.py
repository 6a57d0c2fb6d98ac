"""A soft limit on wrong passwords per address, over all accounts.

The lock itself (django-axes) counts failures per address × account, so one address cannot lock
someone out everywhere. This limit catches the other abuse, one address trying many accounts:
past LOGIN_ADDRESS_FAILURE_LIMIT failures in LOGIN_ADDRESS_WINDOW_SECONDS the login form asks the
address to wait until the oldest of those failures leaves the window. Nothing is locked and only
failures count, so a unit's many people behind one NAT address who type their passwords right are
never slowed down.
"""

from datetime import timedelta
from math import ceil

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone


def address_retry_after(request) -> int:
    """Seconds this request's address must wait before the next login attempt; 0 when it may try."""

    address = get_client_ip_address(request)
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if not address or limit <= 0:
        return 0
    window = timedelta(seconds=settings.LOGIN_ADDRESS_WINDOW_SECONDS)
    now = timezone.now()
    # AXES_ENABLE_ACCESS_FAILURE_LOG keeps one row per failure, whichever account it was for.
    recent = list(
        AccessFailureLog.objects.filter(ip_address=address, attempt_time__gt=now - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(recent) < limit:
        return 0
    return max(1, ceil((recent[-1] + window - now).total_seconds()))
