"""A fixed-window counter per client address in the Django cache, for the public verification page.

With several web processes the cache must be shared (Redis) for the limit to hold across them;
the per-process default cache limits each process separately. The client address is read behind
REVERSE_PROXY_COUNT proxies (portal.core.clients).

When the cache cannot be reached (Redis down) the page must not go down with it: the count falls
back to this process's memory (a limit per process, as with the default cache), and the outage is
logged once per scope and window, without the client's address."""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from portal.core.clients import client_address

logger = logging.getLogger("portal.certificates")

# The fallback: counts of the current windows in this process (older windows are dropped).
local_counts: dict[str, int] = {}
_local_lock = threading.Lock()
_warned: set[tuple[str, int]] = set()


def now() -> float:
    return time.time()


def _shared_count(key: str, window: int) -> int:
    cache.add(key, 0, window + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        return 1


def _local_count(key: str, slot: int) -> int:
    with _local_lock:
        for old in [k for k in local_counts if not k.endswith(f":{slot}")]:
            del local_counts[old]
        local_counts[key] = local_counts.get(key, 0) + 1
        return local_counts[key]


def hit(request, *, scope: str = "verify") -> bool:
    """Count one attempt; False once the address has used up its attempts in this window."""
    limit = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    window = settings.CERTIFICATE_VERIFY_RATE_WINDOW
    slot = int(now() // window)
    key = f"certificates:{scope}:{client_address(request)}:{slot}"
    try:
        count = _shared_count(key, window)
    except (RedisError, OSError) as error:
        if (scope, slot) not in _warned:
            _warned.intersection_update({w for w in _warned if w[1] == slot})
            _warned.add((scope, slot))
            logger.warning(
                "verification rate limit: cache unreachable (%s), counting in this process",
                type(error).__name__,
            )
        count = _local_count(key, slot)
    return count <= limit
