"""The public entry points: preload once, extract, records round-trip, leaf-library imports."""

from __future__ import annotations

import subprocess
import sys
import time

from rules.extract import extract, preload
from rules.records import Facts


def test_preload_twice_is_cheap() -> None:
    preload()
    t = time.perf_counter()
    for _ in range(100):
        preload()
    assert time.perf_counter() - t < 0.05


def test_extract_returns_facts_that_round_trip() -> None:
    facts = extract("全市政务服务网上可办率从16%提升到52%。打造“泉惠企”服务品牌。", region="济南市")
    assert isinstance(facts, Facts)
    assert facts.region == "济南市"
    again = Facts.from_dict(facts.to_dict())
    assert again == facts
    assert facts.to_dict()["metrics"][0]["value"] == 52
    assert facts.to_dict()["metrics"][0]["baseline"] == 16


def test_extract_empty_text() -> None:
    facts = extract("")
    assert (facts.metrics, facts.initiatives, facts.region) == ((), (), None)


def test_rules_is_a_leaf_library() -> None:
    code = ("import sys, rules.extract; rules.extract.extract('受理案件3件。');"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('crawler', 'alerts', 'workers', 'govwatch')];"
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
