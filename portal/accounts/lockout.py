"""Account lockout (django-axes) keyed on the person, whichever identifier they typed."""

import ipaddress

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone

from portal.core.clients import client_address
from portal.core.crypto import blind_index

from .backends import find_user_by_login
from .forms import LoginForm


def lockout_address(request) -> str | None:
    """The client's address (through REVERSE_PROXY_COUNT proxies) for the lock key and the address
    limit; the socket's when that is not an address, as axes stores it in an address column."""
    for address in (client_address(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            continue
    return None


def canonical_username(request, credentials):
    """Lock the account, not the string: ID number and mobile count against the same person."""
    login = (credentials or {}).get("username") or request.POST.get("username", "")
    user = find_user_by_login(login)
    return lock_key(user) if user else blind_index("id_number", (login or "").strip())


def lock_key(user) -> str:
    """What axes stores as the "username" of a person's attempts: the ID number's blind index, so
    that its tables hold no ID number in clear (what was typed for no account is indexed too)."""
    return user.id_number_index or blind_index("id_number", user.id_number)


def lockout_response(request, original_response=None, credentials=None):
    """The login page with the lock message, and only that.

    The form is not validated again: validating would call authenticate(), which counts one more
    failure for axes and adds "wrong password" under the lock message even when the password was
    right. What was typed as the account stays in the field.
    """

    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "locked": True,
            "lockout_minutes": minutes,
            "now": timezone.now(),
            "next": request.POST.get("next", ""),
        },
        status=403,
    )


def _locking_now():
    """Attempts that lock their account now (enough failures, within the cool-off time)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)


def _locking_attempts(username):
    return _locking_now().filter(username=username).order_by("-attempt_time")


def locked_until(user):
    """When the lockout of `user` ends, or None when the account is not locked."""
    attempt = _locking_attempts(lock_key(user)).first()
    return lockout_end(attempt.attempt_time if attempt else None)


def last_locking_attempt():
    """For a list of users in one query (`.annotate(x=last_locking_attempt())`): the time of the
    attempt that locks each one now, or None; the lockout ends AXES_COOLOFF_TIME after it. Axes
    stores the lock key (the ID number's blind index), so the rows' index column is matched."""
    return Subquery(_locking_attempts(OuterRef("id_number_index")).values("attempt_time")[:1])


def lockout_end(attempt_time):
    """When a lockout whose locking attempt was at `attempt_time` ends (None for no attempt)."""
    return attempt_time + settings.AXES_COOLOFF_TIME if attempt_time else None


def _locked_attempts(keys):
    """Attempts that lock these accounts now; `keys` (lock keys) may be a list or a subquery."""
    if not hasattr(keys, "query"):
        keys = list(keys)
    return _locking_now().filter(username__in=keys)


def locked_id_numbers(id_numbers) -> set[str]:
    """Which of these accounts (ID numbers) are locked now: one query for a whole staff list."""
    keys = {blind_index("id_number", number): number for number in id_numbers}
    return {keys[key] for key in _locked_attempts(keys).values_list("username", flat=True)}


def locked_count(keys) -> int:
    """How many of these accounts are locked now, counted in the database (pass a subquery of
    `id_number_index` values: the lock keys)."""
    return _locked_attempts(keys).values("username").distinct().count()


def clear_lockout(user) -> None:

    reset(username=lock_key(user))
