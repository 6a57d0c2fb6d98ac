"""Who is asking: the client's address, and whether it lies in a list of networks.

Behind reverse proxies (nginx in front of gunicorn) every request comes from the proxy's address:
set REVERSE_PROXY_COUNT to the number of proxies you run, and the client is read from
X-Forwarded-For, counting that many entries from the right (entries further left are whatever
the client chose to send and are not trusted)."""

import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request) -> str:
    proxies = settings.REVERSE_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def address_in(address: str, networks: list[Network]) -> bool:
    """False for anything that is not an address (an empty or forged header)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:  # ::ffff:10.0.0.1 from a dual-stack socket
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)
