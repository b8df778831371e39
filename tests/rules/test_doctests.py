"""The examples in the ``rules`` module docstrings must stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["extract", "numbers", "text", "indicator", "hits", "listing", "metrics", "initiatives", "region",
           "tables", "segment"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"rules.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"rules.{name} has no example"
    assert result.failed == 0
