from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.notifications.selectors import unread_count
from portal.organizations.models import Membership
from portal.organizations.scope import REVIEWER_ROLES


def _header(user) -> tuple[bool, int]:
    """(is reviewer, unread notifications) for the header, in at most one query: with the
    reviewer memberships already loaded by the view only the count is asked; otherwise the count
    and whether the user holds a reviewer role are read together."""
    if not user.is_authenticated:
        return False, 0
    cached = getattr(user, "_reviewer_memberships", None)
    if cached is not None:
        return bool(cached), unread_count(user)
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            reviewer=Exists(Membership.objects.active().filter(user=OuterRef("pk"), role__in=REVIEWER_ROLES)),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .values_list("reviewer", "unread")
        .first()
    )
    return row if row is not None else (False, 0)


def portal(request):
    computed = {}

    def header():
        if "values" not in computed:
            computed["values"] = _header(request.user)
        return computed["values"]

    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "is_reviewer": SimpleLazyObject(lambda: header()[0]),
        # The header's unread count (portal/notifications), read with is_reviewer.
        "unread_notifications": SimpleLazyObject(lambda: header()[1]),
    }
