"""Canonical URLs, so the same article found twice is stored once.

``canonicalize`` makes a URL absolute (against ``base``), lowercases scheme and host, drops the
default port and the fragment, collapses ``//`` in the path, resolves ``./`` and ``../``, removes
tracking and view-only parameters (``utm_*``, ``xxgkhide``…) and sorts the rest.
``same_site`` tells whether a link stays on the site of a list page.

Example::

    >>> canonicalize("./202212/t20221216_1234567.html?xxgkhide=1#top", "HTTP://Sfj.Example.gov.cn:80/zwgk//tzgg/")
    'http://sfj.example.gov.cn/zwgk/tzgg/202212/t20221216_1234567.html'
    >>> same_site("https://www.jinan.gov.cn/art/2022/12/16/art_1_2.html", "http://sfj.jinan.gov.cn/col/col1/index.html")
    True
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

DROP_PARAMS = frozenset({"xxgkhide", "spm", "_", "from_share", "isappinstalled"})
"""Query parameters that never change which article a URL points at."""

DROP_PARAM_PREFIXES = ("utm_",)

DEFAULT_PORTS = {"http": 80, "https": 443}

MULTI_LABEL_SUFFIXES = frozenset(
    {"gov.cn", "com.cn", "net.cn", "org.cn", "edu.cn", "ac.cn", "com.hk", "gov.hk"}
)
"""Public suffixes of two labels, under which the registrable domain has three."""

_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def canonicalize(url: str, base: str | None = None) -> str:
    """The canonical absolute form of ``url``; ValueError if it cannot be made absolute."""
    url = url.strip()
    if base:
        url = urljoin(base.strip(), url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    netloc = _netloc(scheme, parts.hostname, parts.port, parts.username, parts.password)
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


def same_site(url: str, list_url: str) -> bool:
    """True if both hosts are equal or share a registrable domain (``*.huangshi.gov.cn``)."""
    a, b = (urlsplit(u).hostname or "" for u in (url, list_url))
    if not a or not b:
        return False
    return a == b or registrable_domain(a) == registrable_domain(b)


def registrable_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def _netloc(scheme: str, host: str, port: int | None, user: str | None, password: str | None) -> str:
    netloc = f"[{host}]" if ":" in host else host.lower()
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    if user:
        netloc = f"{user}:{password}@{netloc}" if password else f"{user}@{netloc}"
    return netloc


def _path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path or "/")
    return quote(remove_dot_segments(path), safe=_PATH_SAFE) or "/"


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, for absolute paths."""
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif seg == ".":
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _dropped(k)]
    return urlencode(sorted(pairs))


def _dropped(key: str) -> bool:
    key = key.lower()
    return key in DROP_PARAMS or key.startswith(DROP_PARAM_PREFIXES)
