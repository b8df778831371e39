"""The examples in the crawler's module docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "crawler.adapters", "crawler.adapters.hanweb", "crawler.adapters.trs", "crawler.article", "crawler.body",
    "crawler.boilerplate", "crawler.dates", "crawler.discover", "crawler.encoding", "crawler.html",
    "crawler.inflate", "crawler.listapi", "crawler.politeness", "crawler.robots", "crawler.urls",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
