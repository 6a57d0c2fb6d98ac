"""Idle sessions end SESSION_IDLE_MINUTES after the last request, without a write per request.

Django renews a session's expiry only when it saves it; SESSION_SAVE_EVERY_REQUEST saved every
logged-in request (an UPDATE and a commit each, the largest single cost of the lightest page:
docs/BENCHMARKS.md, "What every request pays"). Here the session is saved when something in it
changed or when its last save is SESSION_TOUCH_SECONDS old, so a person who keeps working is never
logged out, and one who stops is logged out between SESSION_IDLE_MINUTES minus
SESSION_TOUCH_SECONDS and SESSION_IDLE_MINUTES after their last request.
"""

import time

from django.conf import settings

# Seconds since the epoch of the session's last save by this middleware.
TOUCHED_KEY = "_touched"


def stamp_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: stamp it then, so the next request need not write."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCHED_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Just inside django's SessionMiddleware, which saves what is marked modified on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A request without a session cookie has nothing to renew (and asking is free: no key, no query).
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(TOUCHED_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
            session[TOUCHED_KEY] = now
        return response
