"""Run every rule case in ``tests/rules/cases/*.yaml`` through :func:`rules.extract.extract`.

A case gives ``text`` (and optionally ``title``, ``region``, ``published``, ``source``) and any of:

* ``metrics``: each expected metric must be produced — ``indicator`` is a substring of the
  produced name; ``value``, ``unit``, ``kind``, ``approx``, ``period``, ``baseline`` must equal
  when given; ``text`` must be a substring of the produced clause.
* ``count`` / ``initiative_count``: exact number of metrics / initiatives.
* ``exact_indicators``: produced indicator names that must appear exactly.
* ``absent_values``: numbers that must not be reported as any metric's value.
* ``initiatives`` (``name``, ``kind``) and ``absent_initiatives`` (names).
* ``expect_region``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.extract import extract
from rules.records import Facts, Metric

CASES_DIR = Path(__file__).with_name("cases")
UNSET = object()


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}:{case['id']}"))
    return params


def _matches(want: dict[str, Any], got: Metric) -> bool:
    if want["indicator"] not in got.indicator:
        return False
    if "value" in want and abs(float(want["value"]) - got.value) > 1e-6 * max(1.0, abs(got.value)):
        return False
    for field in ("unit", "kind", "approx", "period", "baseline"):
        if want.get(field, UNSET) is not UNSET and want[field] != getattr(got, field):
            return False
    return "text" not in want or want["text"] in got.text


def _describe(facts: Facts) -> str:
    return "\n".join(f"  {m.indicator}={m.value}{m.unit} {m.kind} approx={m.approx} period={m.period} "
                     f"«{m.text}»" for m in facts.metrics) or "  (no metrics)"


def check_metrics(case: dict[str, Any], facts: Facts) -> None:
    for want in case.get("metrics", []):
        assert any(_matches(want, m) for m in facts.metrics), f"missing {want}; got:\n{_describe(facts)}"
    if "count" in case:
        assert len(facts.metrics) == case["count"], f"expected {case['count']} metrics; got:\n{_describe(facts)}"
    names = {m.indicator for m in facts.metrics}
    for name in case.get("exact_indicators", []):
        assert name in names, f"no indicator named exactly {name!r}; got {sorted(names)}"
    for value in case.get("absent_values", []):
        assert all(abs(m.value - value) > 1e-9 for m in facts.metrics), f"{value} reported:\n{_describe(facts)}"


def check_initiatives(case: dict[str, Any], facts: Facts) -> None:
    got = {(i.name, i.kind) for i in facts.initiatives}
    for want in case.get("initiatives", []):
        assert (want["name"], want["kind"]) in got, f"missing {want}; got {sorted(got)}"
    names = {name for name, _ in got}
    for name in case.get("absent_initiatives", []):
        assert name not in names, f"{name} reported; got {sorted(got)}"
    if "initiative_count" in case:
        assert len(got) == case["initiative_count"], f"expected {case['initiative_count']}; got {sorted(got)}"


@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any]) -> None:
    facts = extract(case["text"], title=case.get("title", ""), region=case.get("region"),
                    published=case.get("published"), source=case.get("source", ""))
    check_metrics(case, facts)
    check_initiatives(case, facts)
    if "expect_region" in case:
        assert facts.region == case["expect_region"]
    for m in facts.metrics:
        assert m.text in case["text"], f"metric text is not a substring of the input: {m.text!r}"
        assert len(m.text) <= 60
    for i in facts.initiatives:
        assert i.text in case["text"]
