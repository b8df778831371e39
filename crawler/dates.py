"""Dates as printed on Chinese government sites, to ISO 8601 strings.

A date alone gives ``"2022-06-28"``; a date with a time gives ``"2022-06-28T11:59:00+08:00"``
(China time; values with an explicit offset or ``Z`` are converted to +08:00). Impossible dates
(2022-02-30, month 13, years outside 1990–2100) give None: no date beats a wrong one.

Forms: ``2022-12-16``, ``2022/12/16``, ``2000.01.30``, ``[2022-12-16]``, ``2020-01-18 11:34``,
``2022-04-17 14:46:00``, ``2022-04-17-14:46:00``, ``2020 年 03 月 16 日``, ``2022年6月28日 11:59``,
``2020-12-21T00:00:00.000+0800``, ``2020-12-20T16:00:00Z``, epoch seconds or milliseconds,
``(01-25)`` only with a known year, and dates inside URLs (``/art/2022/12/16/``, ``t20221216_``).

Example::

    >>> parse_date("发布时间:2022年6月28日 11:59")
    '2022-06-28T11:59:00+08:00'
    >>> parse_date("[2022-12-16]")
    '2022-12-16'
    >>> parse_date("(01-25)", year=2023)
    '2023-01-25'
    >>> date_from_url("http://x.gov.cn/zwgk/202212/t20221216_1234567.html")
    '2022-12-16'
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
MIN_YEAR, MAX_YEAR = 1990, 2100

_DATE = r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
_TIME = (
    r"(?:(?:\s*|T|-)(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})"
    r"(?:\s*[:：分]\s*(?P<S>\d{2})(?:\.\d+)?)?(?!\d))?"
)
_TZ = r"(?P<tz>Z|[+-]\d{2}:?\d{2})?"
DATE_RE = re.compile(_DATE + _TIME + _TZ)
"""A full date, optionally followed by a time and an offset."""

MONTH_DAY_RE = re.compile(r"(?<![\d-])(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?![\d-])\s*日?")
EPOCH_RE = re.compile(r"^\s*(\d{10}|\d{13})\s*$")
URL_DATE_RES = (
    re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),
    re.compile(r"/t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),
    re.compile(r"/(?P<y>20\d{2})[-_]?(?P<m>\d{2})[-_]?(?P<d>\d{2})/"),
)


def parse_date(value: str | int | float | None, *, year: int | None = None) -> str | None:
    """The first date in ``value`` as an ISO string, or None.

    ``year`` completes a month-day with no year (``(01-25)``); without it such values give None.
    """
    if value is None:
        return None
    if isinstance(value, int | float) or EPOCH_RE.match(value):
        return from_epoch(float(value))
    match = DATE_RE.search(value)
    if match:
        return _from_match(match)
    if year is not None:
        md = MONTH_DAY_RE.search(value)
        if md:
            return _iso_date(year, int(md["m"]), int(md["d"]))
    return None


def from_epoch(seconds: float) -> str | None:
    """Epoch seconds, or milliseconds when the number is too large to be seconds."""
    if seconds > 1e11:
        seconds /= 1000
    try:
        moment = datetime.fromtimestamp(seconds, CHINA_TZ)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="seconds") if MIN_YEAR <= moment.year <= MAX_YEAR else None


def date_from_url(url: str) -> str | None:
    """The date encoded in an article URL's path, if any."""
    for pattern in URL_DATE_RES:
        match = pattern.search(url)
        if match:
            return _iso_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return None


def year_of(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None


def _from_match(match: re.Match[str]) -> str | None:
    day = _iso_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None or match["H"] is None:
        return day
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day
    moment = datetime.fromisoformat(day).replace(hour=hour, minute=minute, second=second)
    return _with_zone(moment, match["tz"]).isoformat(timespec="seconds")


def _with_zone(moment: datetime, tz: str | None) -> datetime:
    if not tz:
        return moment.replace(tzinfo=CHINA_TZ)
    if tz == "Z":
        return moment.replace(tzinfo=UTC).astimezone(CHINA_TZ)
    sign = 1 if tz[0] == "+" else -1
    hours, minutes = int(tz[1:3]), int(tz[-2:])
    offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return moment.replace(tzinfo=offset).astimezone(CHINA_TZ)


def _iso_date(y: int, m: int, d: int) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None
