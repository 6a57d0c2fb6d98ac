"""A fixed-window counter per client address in the Django cache, for the public verification page.

With several web processes the cache must be shared (Redis) for the limit to hold across them;
the per-process default cache limits each process separately.

Behind reverse proxies (nginx in front of gunicorn) every request comes from the proxy's address:
set REVERSE_PROXY_COUNT to the number of proxies you run, and the client is read from
X-Forwarded-For, counting that many entries from the right (entries further left are whatever
the client chose to send and are not trusted)."""

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    proxies = settings.REVERSE_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
