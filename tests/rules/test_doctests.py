"""The examples in the ``rules`` module docstrings must stay true.

The examples are read from each module's source file, not from the imported module: a module
compiled with mypyc (README: "Compiled rules") keeps no docstrings that doctest can find. They run
against the imported module's globals, so they check the compiled code when it is in use.
"""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

MODULES = ["extract", "numbers", "text", "indicator", "hits", "listing", "metrics", "initiatives", "names", "models",
           "unquoted", "region",
           "tables", "segment", "canonical"]
RULES = Path(__file__).resolve().parents[2] / "rules"
def docstring_tests(name: str) -> list[doctest.DocTest]:
    """One test per docstring (module, class, function, method) of ``rules/<name>.py``."""
    module = importlib.import_module(f"rules.{name}")
    path = RULES / f"{name}.py"
    parser = doctest.DocTestParser()
    tests = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                label = f"rules.{name}" + (f".{node.name}" if not isinstance(node, ast.Module) else "")
                line = node.body[0].lineno
                tests.append(parser.get_doctest(doc, dict(vars(module)), label, str(path), line))
    return [t for t in tests if t.examples]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in docstring_tests(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0, f"rules.{name} has no example"
    assert result.failed == 0
