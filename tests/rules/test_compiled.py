"""The optional mypyc build (README: "Compiled rules"): a stale extension never shadows its edited
source, GOVWATCH_NO_COMPILED=1 runs the sources, and compiled and source modules extract the same.

Each check runs Python in a subprocess, on a copy of the ``rules`` package where it edits files:
which modules load from where is decided once per process, when ``rules`` is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
import yaml

import rules

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("cases")
COMPILED = rules.compiled()
"""What runs compiled in this process ([] with GOVWATCH_NO_COMPILED=1)."""

PROBE = """
import json, sys, rules, rules.extract
mods = {n: getattr(sys.modules.get("rules." + n), "__file__", None) for n in sys.argv[1:]}
print(json.dumps({"compiled": rules.compiled(), "files": mods,
                  "metrics": len(rules.extract.extract("全市新登记市场主体6.43万户。").metrics)}))
"""


def run(code: str, *args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "GOVWATCH_NO_COMPILED"} | env
    environ["PYTHONPATH"] = str(cwd)  # this tree's rules, before the installed (editable) one
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def probe(cwd: Path, *modules: str, **env: str) -> tuple[dict, str]:
    done = run(PROBE, *modules, cwd=cwd, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of ``rules`` (with its extensions) under tmp_path; where none was built, two dummy
    extensions that cannot load, so that only the finder can make the import work."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules", ignore=shutil.ignore_patterns("__pycache__"))
    if not extensions(tmp_path):
        digests = {}
        for name in ("hits", "numbers"):
            (tmp_path / "rules" / f"{name}{EXTENSION_SUFFIXES[0]}").write_bytes(b"not an extension")
            digests[f"rules.{name}"] = hashlib.sha256((tmp_path / "rules" / f"{name}.py").read_bytes()).hexdigest()
        (tmp_path / "rules" / "_compiled.json").write_text(json.dumps({"modules": digests}))
    else:  # the copy starts fresh whatever the state of the working tree it came from
        manifest = tmp_path / "rules" / "_compiled.json"
        built = json.loads(manifest.read_text())
        built["modules"] = {name: hashlib.sha256((tmp_path / f"{name.replace('.', '/')}.py").read_bytes()).hexdigest()
                            for name in built["modules"]}
        manifest.write_text(json.dumps(built))
    return tmp_path


def age(path: Path, seconds: float = 60) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_atime - seconds, stat.st_mtime - seconds))


def extensions(root: Path) -> list[Path]:
    return [p for p in (root / "rules").iterdir() if p.name.endswith(tuple(EXTENSION_SUFFIXES))]


def test_an_edited_source_runs_from_source_with_a_warning(package: Path) -> None:
    for ext in extensions(package):
        age(ext)
    hits = package / "rules" / "hits.py"
    hits.write_text(hits.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    found, stderr = probe(package, "hits", "numbers", "metrics")
    assert found["compiled"] == [] and found["metrics"] == 1
    assert all(f.endswith(".py") for f in found["files"].values()), found["files"]
    assert str(hits) in stderr and "make compile" in stderr
    assert stderr.count("changed after it was compiled") == 1  # hits only: numbers.py is as compiled


def test_an_edit_that_kept_an_older_timestamp_is_still_stale(package: Path) -> None:
    numbers = package / "rules" / "numbers.py"
    stat = numbers.stat()
    numbers.write_text(numbers.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    os.utime(numbers, (stat.st_atime - 3600, stat.st_mtime - 3600))  # as cp -p or tar would leave it
    found, stderr = probe(package, "numbers")
    assert found["compiled"] == [] and found["files"]["numbers"].endswith(".py")
    assert str(numbers) in stderr


def test_a_touched_source_that_compiled_as_is_is_not_stale(package: Path) -> None:
    if not extensions(ROOT):
        pytest.skip("no rules module is compiled here")
    before, _ = probe(package, "hits")
    if not before["compiled"]:
        pytest.skip("the extensions here are stale (make compile)")
    for ext in extensions(package):
        age(ext)  # as after `git checkout` or a wheel unpacked .py after .so: newer, same text
    found, stderr = probe(package, "hits")
    assert found["compiled"] == before["compiled"] and found["files"]["hits"].endswith(tuple(EXTENSION_SUFFIXES))
    assert "changed after it was compiled" not in stderr


def test_govwatch_no_compiled_runs_every_module_from_source(package: Path) -> None:
    found, stderr = probe(package, "hits", "numbers", "text", GOVWATCH_NO_COMPILED="1")
    assert found["compiled"] == [] and found["metrics"] == 1
    assert all(f.endswith(".py") for f in found["files"].values()), found["files"]
    assert "changed after it was compiled" not in stderr


EXTRACT = """
import json, sys, rules
from rules.extract import extract
inputs = json.load(sys.stdin)
print(json.dumps({"compiled": rules.compiled(), "facts": [extract(**i).to_dict() for i in inputs]},
                 ensure_ascii=False))
"""


def inputs() -> list[dict]:
    """Every rule case's text, and a few long releases from the throughput benchmark's generator."""
    keys = ("text", "title", "region", "published", "source")
    found = [{k: case[k] for k in keys if k in case}
             for path in sorted(CASES.glob("*.yaml")) for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    spec = importlib.util.spec_from_file_location("throughput", ROOT / "bench" / "throughput.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return found + [{"text": bench.release_text(random.Random(seed)), "region": "枣庄市"} for seed in range(6)]


@pytest.mark.skipif(not COMPILED, reason="no rules module is compiled here")
def test_compiled_and_source_modules_extract_the_same() -> None:
    given = json.dumps(inputs(), ensure_ascii=False)
    outputs = []
    for env in ({}, {"GOVWATCH_NO_COMPILED": "1"}):
        environ = {k: v for k, v in os.environ.items() if k != "GOVWATCH_NO_COMPILED"} | env
        done = subprocess.run([sys.executable, "-c", EXTRACT], input=given, capture_output=True, text=True,
                              encoding="utf-8", env=environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    compiled, source = outputs
    assert compiled["compiled"] == COMPILED and source["compiled"] == []
    assert sum(len(f["metrics"]) for f in source["facts"]) > 100
    for i, (c, s) in enumerate(zip(compiled["facts"], source["facts"], strict=True)):
        assert c == s, f"input {i} differs"
