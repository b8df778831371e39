"""Logging set-up: readable lines on a terminal, or one JSON object per line for log collectors.

``log_format: json`` (or ``GOVWATCH_LOG_FORMAT=json``) gives lines like::

    {"time": "2026-11-22T05:41:07.12+00:00", "level": "WARNING", "logger": "workers.crawl",
     "message": "site zaozhuang-sfj: list page … failed: HTTP 404: …", "site": "zaozhuang-sfj",
     "url": "http://sfj.zaozhuang.gov.cn/col/col1001/index.html"}

``site`` and ``url`` are present when the line is about a page (jobs pass them as ``extra``).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

QUIET = {"httpx": logging.WARNING, "jieba": logging.WARNING}
"""Libraries that say too much at INFO."""

QUIET_UNLESS_DEBUG = ("apscheduler", "alembic")


class JsonFormatter(logging.Formatter):
    FIELDS = ("site", "url", "job", "delivery")

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({k: getattr(record, k) for k in self.FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def setup(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level, logging.INFO))
    for name, lvl in QUIET.items():
        logging.getLogger(name).setLevel(lvl)
    if level != "DEBUG":
        for name in QUIET_UNLESS_DEBUG:
            logging.getLogger(name).setLevel(logging.WARNING)
