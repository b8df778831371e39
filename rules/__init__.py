"""Fact extraction from release text: metrics, initiatives, region.

A leaf library: it does not import ``crawler``, ``alerts`` or ``workers``.
Entry point: :func:`rules.extract.extract`.

Compiled modules. ``setup.py`` may compile the hot modules with mypyc; each extension
(``hits.cpython-311-x86_64-linux-gnu.so``) sits beside its source, and Python imports it first.
They were compiled as one group whose modules call each other in C, so they run either all
compiled or all from source. All run from source when ``GOVWATCH_NO_COMPILED=1``, or when any
extension is stale: its ``.py`` differs from what the build compiled (``_compiled.json`` holds those
sources' SHA-256; reading ten files costs well under a millisecond at import). A warning names each
stale file and how to rebuild. :func:`compiled` lists the modules that run compiled.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

_DIR = os.path.dirname(os.path.abspath(__file__))
REBUILD = "make compile (or: python setup.py build_ext --inplace)"


def _extensions() -> dict[str, str]:
    """{module: extension file} for each module of this package that has a compiled extension."""
    found = {}
    for entry in os.listdir(_DIR):
        suffix = next((s for s in importlib.machinery.EXTENSION_SUFFIXES if entry.endswith(s)), None)
        stem = entry[: -len(suffix)] if suffix else ""
        if stem and os.path.exists(os.path.join(_DIR, stem + ".py")):
            found[stem] = os.path.join(_DIR, entry)
    return found


def _stale(extensions: dict[str, str]) -> list[str]:
    """The sources that differ from what their extension was built from: by SHA-256 against
    ``_compiled.json`` (so a touched or freshly unpacked file is not stale, and an edit that kept an
    older timestamp is), or by modification time where no manifest was written."""
    import hashlib
    import json

    sources = {name: os.path.join(_DIR, name + ".py") for name in extensions}
    try:
        with open(os.path.join(_DIR, "_compiled.json"), encoding="utf-8") as f:
            built = json.load(f)["modules"]
    except (OSError, ValueError, KeyError):
        return [src for name, src in sources.items() if os.stat(src).st_mtime > os.stat(extensions[name]).st_mtime]
    stale = []
    for name, src in sources.items():
        with open(src, "rb") as f:
            if built.get(f"{__name__}.{name}") != hashlib.sha256(f.read()).hexdigest():
                stale.append(src)
    return stale


class _SourceFinder:
    """Imports ``rules.X`` from ``X.py`` for every X that has an extension (a meta path finder)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __name__ or name not in self.names:
            return None
        return importlib.util.spec_from_file_location(fullname, os.path.join(_DIR, name + ".py"))


_EXTENSIONS = _extensions()
_FROM_SOURCE = bool(_EXTENSIONS) and os.environ.get("GOVWATCH_NO_COMPILED") == "1"
if _EXTENSIONS and not _FROM_SOURCE:
    for _src in _stale(_EXTENSIONS):
        logging.getLogger(__name__).warning(
            "%s changed after it was compiled: every rules module runs from source until rebuilt with %s",
            _src, REBUILD)
        _FROM_SOURCE = True
if _FROM_SOURCE:
    sys.meta_path.insert(0, _SourceFinder(set(_EXTENSIONS)))


def compiled() -> list[str]:
    """The modules of this package that run compiled (importing them), e.g. ``['hits', 'metrics', …]``."""
    if _FROM_SOURCE:
        return []
    names = []
    for name in sorted(_EXTENSIONS):
        file = getattr(importlib.import_module(f"{__name__}.{name}"), "__file__", None) or ""
        if file.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            names.append(name)
    return names
