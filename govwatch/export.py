"""Write export rows as CSV or JSON lines, one row at a time, reporting progress as it goes.

CSV is written as UTF-8 with a byte-order mark: without it Excel reads a CSV file in the
machine's legacy code page and shows Chinese as mojibake. Text cells that begin with ``=``, ``+``,
``-`` or ``@`` get a leading apostrophe, so that Excel shows a page title like ``=HYPERLINK(…)``
as text instead of running it as a formula. JSON lines are plain UTF-8, one object per line,
numbers as numbers, and nothing escaped.

Example::

    with open("facts.csv", "w", encoding=CSV_ENCODING, newline="") as f:
        n = write_rows(rows, f, "csv", FACT_COLUMNS, progress=print)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark, so that Excel recognises the encoding."""

PROGRESS_EVERY = 10_000
"""Rows between two progress lines on stderr."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_rows(rows: Iterable[dict[str, Any]], out: TextIO, fmt: str, columns: Sequence[str], *,
               progress: Callable[[int], None] | None = None) -> int:
    """Write ``rows`` to ``out`` as ``csv`` (with a header) or ``jsonl``; return how many were written."""
    emit = _emitter(out, fmt, columns)
    n = 0
    for row in rows:
        emit(row)
        n += 1
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
    return n


def _emitter(out: TextIO, fmt: str, columns: Sequence[str]) -> Callable[[dict[str, Any]], Any]:
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        return lambda row: writer.writerow([_cell(row[c]) for c in columns])
    if fmt == "jsonl":
        return lambda row: out.write(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n")
    raise ValueError(f"unknown export format {fmt!r}")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)  # 64300.0 → 64300; no 6-digit rounding
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
