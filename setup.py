"""Build govwatch, compiling the hot rule modules with mypyc when it can (everything else: pyproject.toml).

The modules in COMPILED are pure Python that mypyc (mypy's compiler) turns into C extensions; the
compiled ones extract about a third faster. Compiling is optional: with ``GOVWATCH_PURE=1``, without
mypy or a C compiler, or when compiling fails for any reason, govwatch installs as pure Python and
one line says so. ``make`` rebuilds in place after a compiled module's source changes:

    .venv/bin/python setup.py -q build_ext --inplace

A build also writes ``rules/_compiled.json`` (the SHA-256 of each source compiled), which
``rules/__init__.py`` reads to tell a stale extension from a fresh one (README: "Compiled rules").
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import textwrap
import time
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
COMPILED = [
    "rules/numbers.py",
    "rules/hits.py",
    "rules/text.py",
    "rules/metrics.py",
    "rules/listing.py",
    "rules/indicator.py",
    "rules/initiatives.py",
    "rules/names.py",
    "rules/models.py",
    "rules/unquoted.py",
    "rules/segment.py",
    "rules/region.py",
    "rules/records.py",
]
"""Compiled as one group: calls between them are C calls, so they run all compiled or all from source."""

GROUP = "rules._native"
"""mypyc's shared library is ``rules/_native__mypyc*.so``, inside the package (not at the top level)."""

MANIFEST = "rules/_compiled.json"


def warn(reason: str) -> None:
    print(f"WARNING: govwatch: rules not compiled ({reason}); installing them as pure Python", file=sys.stderr)


def source_digests() -> dict[str, str]:
    return {path[:-3].replace("/", "."): hashlib.sha256((ROOT / path).read_bytes()).hexdigest()
            for path in COMPILED}


def remove_in_place_artefacts(keep: frozenset[str] = frozenset()) -> None:
    """Delete the extensions an earlier in-place build left in rules/ (but ``keep``), and its manifest:
    a pure build must not leave them shadowing the sources, nor a build leave a module it dropped."""
    for f in (ROOT / "rules").iterdir():
        if f.name.endswith(tuple(EXTENSION_SUFFIXES)) and str(f) not in keep:
            f.unlink()
    if not keep:
        (ROOT / MANIFEST).unlink(missing_ok=True)


def mypyc_extensions() -> tuple[list, dict[str, str], str]:
    """(extensions, source digests, why not) — no extensions when compiling is off or impossible."""
    if os.environ.get("GOVWATCH_PURE") == "1":
        return [], {}, "GOVWATCH_PURE=1"
    try:
        from mypyc.build import mypycify
    except ImportError:
        return [], {}, "mypy/mypyc is not installed"
    digests = source_digests()  # before mypyc reads them: an edit during the build shows as stale
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)  # mypyc names modules from paths relative to here
        return mypycify(["--ignore-missing-imports", *COMPILED], opt_level="3", group_name=GROUP), digests, ""
    except SystemExit:  # mypyc prints the type errors it found, then exits
        return [], {}, "mypyc found errors, printed above"
    except Exception as e:
        return [], {}, f"mypyc failed: {type(e).__name__}: {e}"
    finally:
        os.chdir(cwd)


BUILD_STARTED = time.time()
EXTENSIONS, DIGESTS, WHY_NOT = mypyc_extensions()


class BuildExt(build_ext):
    """Builds the mypyc extensions; a failure (no C compiler, a compile error) falls back to pure Python."""

    def run(self) -> None:
        if not self.extensions:
            if WHY_NOT:
                warn(WHY_NOT)
            if self.inplace:
                remove_in_place_artefacts()
            return
        inplace = self.inplace  # setuptools clears it while building
        try:
            super().run()
        except (Exception, SystemExit) as e:  # CompileError, LinkError, no gcc, DistutilsError...
            warn(f"building the extensions failed: {type(e).__name__}: {textwrap.shorten(str(e), 150)}")
            for path in self.get_outputs():  # a partial build would mix compiled and source modules
                Path(path).unlink(missing_ok=True)
            self.extensions.clear()
            if inplace:
                remove_in_place_artefacts()
            return
        manifest = json.dumps({"modules": DIGESTS}, indent=1, sort_keys=True) + "\n"
        targets = [Path(self.build_lib) / MANIFEST]
        if inplace:
            targets.append(ROOT / MANIFEST)
            # An unchanged module is not relinked, and setuptools copies the old file with its old
            # time: date every extension to when its sources were read, so that "extension older
            # than source" means "source edited since".
            built = frozenset(os.path.realpath(ROOT / self.get_ext_filename(self.get_ext_fullname(e.name)))
                              for e in self.extensions)
            remove_in_place_artefacts(keep=built)
            for dest in built:
                os.utime(dest, (BUILD_STARTED, BUILD_STARTED))
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(manifest)


class BuildPy(build_py):
    """Says when the rules are not compiled; an editable install then removes the extensions an
    earlier one built in place."""

    def run(self) -> None:
        super().run()
        if not EXTENSIONS:
            warn(WHY_NOT)
            if getattr(self, "editable_mode", False):
                remove_in_place_artefacts()


setup(ext_modules=EXTENSIONS, cmdclass={"build_ext": BuildExt, "build_py": BuildPy})
