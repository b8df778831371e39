"""Facts extracted from one release."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(unsafe_hash=True)
class Metric:
    """A number that reports a measured quantity (not frozen: compiled, a frozen record is built field by
    field through ``object.__setattr__``, and extraction builds a hundred of these per release; it is
    hashable, like the frozen Facts that holds it, and nothing changes one once built).

    ``value`` is in base units (6.43万户 → 64300, unit "户"); ``approx`` is "more", "near",
    "less" or None; ``kind`` is count, money, rate, duration, score, rank or growth;
    ``text`` is the clause the number sits in (an exact substring of the source text).
    """

    indicator: str
    value: float
    unit: str
    kind: str
    text: str
    approx: str | None = None
    period: str | None = None
    baseline: float | None = None  # 从16%提升到52%: value 52, baseline 16

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if float(self.value).is_integer():
            d["value"] = int(self.value)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Metric:
        keys = ("indicator", "value", "unit", "kind", "text", "approx", "period", "baseline")
        return cls(**{k: d.get(k) for k in keys})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Initiative:
    """A named initiative: ``kind`` is document (《》), program (“”) or model ("1+5+N"…体系)."""

    name: str
    kind: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Initiative:
        return cls(**{k: d.get(k) for k in ("name", "kind", "text")})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Facts:
    region: str | None
    metrics: tuple[Metric, ...] = ()
    initiatives: tuple[Initiative, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "metrics": [m.to_dict() for m in self.metrics],
            "initiatives": [i.to_dict() for i in self.initiatives],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Facts:
        return cls(
            region=d.get("region"),
            metrics=tuple(Metric.from_dict(m) for m in d.get("metrics", [])),
            initiatives=tuple(Initiative.from_dict(i) for i in d.get("initiatives", [])),
        )
