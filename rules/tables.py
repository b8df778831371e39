"""Rule tables in ``rules/data/*.yaml``, read once and cached.

>>> units = load("units")["units"]
>>> next(u for u in units if u["unit"] == "件")["kind"]
'count'
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).with_name("data")
"""Where the rule tables live (shipped as package data)."""

TABLES = ("units", "markers", "initiatives", "slogans", "lexicon", "places")
"""Every table the rules use; :func:`preload_all` reads them all."""


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed ``rules/data/<name>.yaml``; later calls return the same object."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def preload_all() -> None:
    for name in TABLES:
        load(name)


def longest_first(words: list[str] | dict[str, Any]) -> list[str]:
    """Words sorted so that a longer word is tried before its prefixes (个工作日 before 个)."""
    return sorted(words, key=len, reverse=True)
