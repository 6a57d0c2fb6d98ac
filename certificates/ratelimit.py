"""A fixed-window counter per client address in the Django cache, for the public verification page.

With several web processes the cache must be shared (Redis) for the limit to hold across them;
the per-process default cache limits each process separately.

Behind reverse proxies (nginx in front of gunicorn) every request comes from the proxy's address:
set REVERSE_PROXY_COUNT to the number of proxies you run, and the client is read from
X-Forwarded-For, counting that many entries from the right (entries further left are whatever
the client chose to send and are not trusted)."""

import time

from django.conf import settings
from django.core.cache import caches


def client_address(request) -> str:
    proxies = getattr(settings, "REVERSE_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def now() -> float:
    return time.time()


def hit(request, *, scope: str = "verify") -> bool:
    """Count one attempt; False once the address has used up its attempts in this window."""
    limit = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", 10)
    window = getattr(settings, "CERTIFICATE_VERIFY_RATE_WINDOW", 60)
    cache = caches[getattr(settings, "CERTIFICATE_VERIFY_CACHE", "default")]
    key = f"certificates:{scope}:{client_address(request)}:{int(now() // window)}"
    cache.add(key, 0, window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        count = 1
    return count <= limit
