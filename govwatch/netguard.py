"""Where govwatch may be told to connect: a guard against server-side request forgery (SSRF).

An API caller (or a subscriber's webhook) names a URL; govwatch's crawler or webhook channel then
connects to it from inside the operator's network. This module refuses URLs that would reach the
machine itself or the network behind it::

    URL given by a caller
    │
    ├─ not http(s), user:password@, a backslash, %-escapes in the host  → refused (parsers disagree)
    ├─ recrawl only: host is not a configured site's list host          → refused (NotASite)
    │
    └─ the addresses the host stands for
       ├─ an IP literal, in any spelling:    127.0.0.1, [::1], [::ffff:127.0.0.1],
       │                                     2130706433, 0x7f.1, 017700000001, 127.1
       └─ a name: every address getaddrinfo returns (one bad address is enough to refuse)
          each is refused when it is
            loopback        127.0.0.0/8, ::1
            private         10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10 (not global)
            link-local      169.254/16 (169.254.169.254: cloud metadata), fe80::/10
            multicast       224/4, ff00::/8
            reserved        240/4, 255.255.255.255, documentation and benchmark ranges
            unspecified     0.0.0.0, ::
          IPv4 wrapped in IPv6 (::ffff:a.b.c.d, 6to4 2002::/16, NAT64 64:ff9b::/96) is unwrapped first.

``allow_private_targets: true`` (top level in govwatch.yaml) lifts the address rule, for on-premise
webhook receivers, intranet sites, tests and the demo; a recrawl URL must still belong to a
configured site. Redirects: call :func:`check_redirect` on every hop (the webhook channel does not
follow redirects at all, so a 3xx towards a private address fails the delivery). The check is made
before connecting, so a name whose DNS answer changes between the check and the connection
(DNS rebinding) is not covered.

Example::

    >>> check_url("http://0x7f.1/admin")
    Traceback (most recent call last):
    ...
    govwatch.netguard.UnsafeTarget: http://0x7f.1/admin: 127.0.0.1 is a loopback address
    >>> addresses("[::ffff:10.0.0.1]")
    [IPv4Address('10.0.0.1')]
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from govwatch.errors import GovwatchError

if TYPE_CHECKING:
    from govwatch.settings import Settings, SiteConfig
    from govwatch.subscribers import Subscriber

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")

_KINDS: tuple[tuple[str, str], ...] = (
    ("is_unspecified", "an unspecified"),
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_reserved", "a reserved"),
    ("is_private", "a private"),
)
"""Address properties refused, in the order the refusal names them; anything not global is refused too."""


class UnsafeTarget(GovwatchError, ValueError):
    """A URL govwatch must not connect to; the message says why.

    A ``ValueError`` too, so that the alerts library (which does not import govwatch) can catch it.
    """


class NotASite(UnsafeTarget):
    """A recrawl URL whose host is not the host of any configured site's list URL."""


def refusal(ip: IPAddress) -> str | None:
    """Why connecting to ``ip`` is refused, or None when it is a public address.

    >>> refusal(ipaddress.ip_address("169.254.169.254"))
    'a link-local address'
    >>> refusal(ipaddress.ip_address("93.184.216.34")) is None
    True
    """
    ip = _unwrap(ip)
    for prop, what in _KINDS:
        if getattr(ip, prop):
            return f"{what} address"
    return None if ip.is_global else "not a globally routable address"


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address; else ``ip``."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def _number(part: str) -> int | None:
    """One part of a dotted IPv4 address as inet_aton reads it: 0x hex, leading-0 octal, decimal."""
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any spelling resolvers accept, or None if ``host`` is not one.

    >>> [str(legacy_ipv4(h)) for h in ("2130706433", "0x7f.1", "017700000001", "127.1")]
    ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']
    >>> legacy_ipv4("sfj.zaozhuang.gov.cn") is None
    True
    """
    parts = host.removesuffix(".").split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    numbers = [_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):  # type: ignore[operator]
        raise UnsafeTarget(f"{host} is not a valid IPv4 address")
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))  # type: ignore[operator]
    return ipaddress.IPv4Address(value)


def addresses(host: str, *, resolver: Resolver | None = None) -> list[IPAddress]:
    """Every address ``host`` stands for: the literal itself, else all that DNS returns.

    Raises ``socket.gaierror`` when a name does not resolve.
    """
    host = host.strip("[]")
    try:
        return [_unwrap(ipaddress.ip_address(host))]
    except ValueError:
        pass
    literal = legacy_ipv4(host)
    if literal is not None:
        return [literal]
    resolve = resolver or socket.getaddrinfo
    infos = resolve(host, None, proto=socket.IPPROTO_TCP)
    return [_unwrap(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])) for info in infos]


def host_of(url: str) -> str:
    """The lowercase host of an http(s) URL, after refusing the shapes that parsers read differently.

    >>> host_of("HTTP://Sfj.Zaozhuang.gov.cn./col/index.html")
    'sfj.zaozhuang.gov.cn'
    """
    import httpx

    if "\\" in url or any(ord(c) < 33 for c in url):
        raise UnsafeTarget(f"{url!r}: backslashes, spaces and control characters are not allowed in a URL")
    try:
        parts, theirs = urlsplit(url), httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as e:
        raise UnsafeTarget(f"{url!r} is not a valid URL: {e}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(f"{url!r} is not an absolute http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget(f"{url!r}: user:password@ in a URL is not allowed")
    host = parts.hostname.lower().removesuffix(".")
    if "%" in host or host != theirs.host.lower().removesuffix("."):
        raise UnsafeTarget(f"{url!r}: the host is ambiguous")
    return host


def check_url(url: str, *, resolver: Resolver | None = None, strict_dns: bool = True) -> None:
    """Raise :class:`UnsafeTarget` unless ``url`` is http(s) and every address of its host is public.

    ``strict_dns=False``: a name that does not resolve passes (the connection will fail anyway, as a
    transient error that is retried); with the default, it is refused.
    """
    host = host_of(url)
    try:
        found = addresses(host, resolver=resolver)
    except (socket.gaierror, UnicodeError, OSError) as e:
        if strict_dns:
            raise UnsafeTarget(f"{url}: cannot resolve {host} ({e})") from None
        return
    for ip in found:
        why = refusal(ip)
        if why:
            raise UnsafeTarget(f"{url}: {ip} is {why}")


def check_redirect(url: str, location: str, *, resolver: Resolver | None = None) -> str:
    """The absolute URL a redirect from ``url`` points to, checked like :func:`check_url`.

    For a fetcher that follows redirects: call it on every hop before following.

    >>> check_redirect("http://93.184.216.34/a", "http://169.254.169.254/latest/meta-data/")
    Traceback (most recent call last):
    ...
    govwatch.netguard.UnsafeTarget: http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a link-local address
    """
    target = urljoin(url, location.strip())
    check_url(target, resolver=resolver)
    return target


def guard_crawl_redirect(source: str, target: str, *, resolver: Resolver | None = None) -> None:
    """For the crawler: a public site may not redirect it to a loopback/private/link-local address.

    A site that is itself on a private address (an intranet site, the demo, tests) may redirect
    within its network.

    >>> guard_crawl_redirect("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b")   # private → private: fine
    """
    try:
        private_source = any(refusal(ip) for ip in addresses(host_of(source), resolver=resolver))
    except (socket.gaierror, UnicodeError, OSError):
        private_source = False
    if not private_source:
        check_url(target, resolver=resolver)


def _origin(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removesuffix(".")
    return host, parts.port or (443 if parts.scheme == "https" else 80)


def site_for_url(settings: Settings, url: str) -> SiteConfig | None:
    """The configured site ``url`` belongs to: same host and port as one of its list URLs.

    When several sites share that origin, the one whose list URL shares the longest path prefix
    with ``url`` wins; a tie between different sites is ambiguous (None).
    """
    origin, path = _origin(url), urlsplit(url).path
    best: list[tuple[int, SiteConfig]] = []
    for site in settings.sites:
        for u in (*site.list_urls, *([site.list_api.url] if site.list_api else [])):
            if _origin(u) == origin:
                best.append((len(os.path.commonprefix([path, urlsplit(u).path])), site))
    if not best:
        return None
    top = max(score for score, _ in best)
    winners = {site.id: site for score, site in best if score == top}
    return next(iter(winners.values())) if len(winners) == 1 else None


def check_recrawl(settings: Settings, url: str, *, resolver: Resolver | None = None) -> SiteConfig:
    """The configured site ``url`` belongs to; :class:`UnsafeTarget` if it may not be fetched.

    Host and port must be those of a configured list URL (see :func:`site_for_url`), and (unless
    ``allow_private_targets``) every address the host resolves to must be public.
    """
    host_of(url)  # refuses malformed and ambiguous URLs first
    site = site_for_url(settings, url)
    if site is None:
        raise NotASite(f"{url} does not belong to exactly one configured site (its host and port must be a "
                       "list URL's)")
    if not settings.allow_private_targets:
        check_url(url, resolver=resolver)
    return site


def webhook_guard(settings: Settings) -> Callable[[str], None] | None:
    """The per-request check for the webhook channel, or None when private targets are allowed."""
    if settings.allow_private_targets:
        return None
    return guard_webhook


def guard_webhook(url: str) -> None:
    """Refuse a webhook URL whose host is (or resolves to) a non-public address."""
    check_url(url, strict_dns=False)


def check_subscriber(settings: Settings, sub: Subscriber, *, resolver: Resolver | None = None) -> None:
    """Refuse a new subscriber (API or CLI) whose webhook points at a non-public address."""
    if sub.webhook is not None and not settings.allow_private_targets:
        check_url(sub.webhook.url, resolver=resolver, strict_dns=False)
