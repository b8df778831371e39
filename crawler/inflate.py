"""Decompress a streamed body ourselves, never producing more than a limit (bomb-proof).

httpx would inflate gzip/deflate for us, but only after the fact; here each chunk is inflated
with ``max_length`` so a 30 KB gzip bomb stops at the cap instead of allocating 30 MB.

Example::

    >>> import gzip
    >>> decoder = BoundedDecoder("gzip", limit=100, url="https://x.gov.cn/a.html")
    >>> decoder.feed(gzip.compress(b"<p>ok</p>"))
    >>> decoder.finish()
    b'<p>ok</p>'
    >>> bomb = BoundedDecoder("gzip", limit=100, url="https://x.gov.cn/a.html")
    >>> bomb.feed(gzip.compress(b"0" * 10_000))
    Traceback (most recent call last):
    ...
    crawler.errors.TooLarge: body larger than 100 bytes: https://x.gov.cn/a.html
"""

from __future__ import annotations

import zlib

from crawler.errors import FetchError, TooLarge

_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BoundedDecoder:
    """Collect (and inflate, for gzip/deflate) body chunks; ``TooLarge`` past ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.url, self.limit = url, limit
        self.parts: list[bytes] = []
        self.size = 0
        self.inflater = zlib.decompressobj(_WBITS[encoding]) if encoding in _WBITS else None
        self.raw_deflate_tried = encoding != "deflate"

    def feed(self, data: bytes) -> None:
        if self.inflater is None:
            return self._add(data)
        try:
            while data:
                self._add(self.inflater.decompress(data, self.limit - self.size + 1))
                data = self.inflater.unconsumed_tail
        except zlib.error:
            if self.raw_deflate_tried or self.size:
                raise FetchError(self.url, "corrupt compressed body") from None
            # some servers send raw deflate (no zlib header) under "deflate"
            self.raw_deflate_tried = True
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.feed(data)

    def finish(self) -> bytes:
        if self.inflater is not None:
            self._add(self.inflater.flush())
        return b"".join(self.parts)

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(self.url, self.limit)
        self.parts.append(data)
