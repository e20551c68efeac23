"""The visitor's address for the login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) when the
site runs behind reverse proxies: nginx, a load balancer.

Behind a proxy every request comes from the proxy's address (``REMOTE_ADDR``), so locking out an
address would lock out everyone. Each proxy appends the address it was connected from to
``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` = N proxies in front of the site, the visitor is
the N-th address from the right — the one the outermost trusted proxy wrote. Addresses further
left were sent by the visitor and are ignored: a visitor cannot escape a lockout by inventing
them. With 0 (the default: the site is reached directly) the header is not read at all.

The count must match the deployment, and the site must be reachable only through the proxies
(gunicorn bound to loopback or a private network): otherwise anyone could write the header.
django-axes' own proxy settings (``AXES_IPWARE_*``) need django-ipware, which this project does
not install; this function is the one place that decides."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def _address(text: str) -> str | None:
    """An IP address from a header entry (``203.0.113.7``, ``203.0.113.7:51234``,
    ``[2001:db8::1]:443``, ``2001:db8::1``), normalised; None if it is not one."""
    text = text.strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    try:
        host = urlsplit(f"//{text}").hostname
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # not through every trusted proxy (a direct request on the private network): the
        # connecting address is the only one known
        return remote
    return _address(hops[-count]) or remote
