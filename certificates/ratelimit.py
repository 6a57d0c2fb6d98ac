"""A fixed-window counter per client address in the Django cache, for the public verification page.

With several web processes the cache must be shared (Redis) for the limit to hold across them;
the per-process default cache limits each process separately. The client address is read behind
REVERSE_PROXY_COUNT proxies (portal.core.clients)."""

import time

from django.conf import settings
from django.core.cache import cache

from portal.core.clients import client_address


def now() -> float:
    return time.time()


def hit(request, *, scope: str = "verify") -> bool:
    """Count one attempt; False once the address has used up its attempts in this window."""
    limit = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    window = settings.CERTIFICATE_VERIFY_RATE_WINDOW
    key = f"certificates:{scope}:{client_address(request)}:{int(now() // window)}"
    cache.add(key, 0, window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        count = 1
    return count <= limit
