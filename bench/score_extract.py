"""Score ``rules.extract`` on the dev corpus: per-document and micro precision/recall, and time.

    .venv/bin/python bench/score_extract.py [CORPUS_DIR] [--verbose] [--runs N]

CORPUS_DIR defaults to ``../shared/corpus/dev`` (relative to the repository root) and holds
``*.txt`` releases with ``*.gold.json`` annotations. The scorer is
``../shared/tools/score_extract.py`` beside the repository (or $GOVWATCH_SCORER), imported by path. Each text goes
through what ``govwatch extract FILE --json`` runs: ``crawler.article.parse_text`` (title, date and
source line, page furniture dropped), then ``rules.extract.extract``. Nothing from the gold file but
the answers to score is used.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.article import parse_text  # noqa: E402
from rules.extract import extract, preload  # noqa: E402

SCORER = Path(os.environ.get("GOVWATCH_SCORER", ROOT.parent / "shared" / "tools" / "score_extract.py"))


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_extract", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def run(txt: Path, runs: int):
    gold = json.loads(txt.with_name(txt.name[:-4] + ".gold.json").read_text(encoding="utf-8"))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        article = parse_text(txt.read_text(encoding="utf-8"), url=txt.resolve().as_uri())
        facts = extract(article.text, title=article.title, published=article.published, source=article.source or "")
        times.append(time.perf_counter() - t)
    pred = {"title": article.title, "published": article.published, **facts.to_dict()}
    return gold, pred, statistics.median(times)


def _ok(flag: bool | None) -> str:
    return "-" if flag is None else "ok" if flag else "WRONG"


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def main(argv: list[str]) -> None:
    verbose = "--verbose" in argv
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--runs")]
    corpus = Path(args[0]) if args else ROOT.parent / "shared" / "corpus" / "dev"
    if not corpus.is_dir() or not SCORER.is_file():
        print(f"skipped: no corpus at {corpus} or no scorer at {SCORER}")
        return
    score = load_scorer(SCORER)
    t = time.perf_counter()
    preload()
    print(f"preload {time.perf_counter() - t:.2f}s")
    tot = dict.fromkeys(["mtp", "mfp", "mg", "itp", "ifp", "ig"], 0)
    for txt in sorted(corpus.glob("*.txt")):
        gold, pred, secs = run(txt, runs)
        r = score(gold, pred, verbose)
        for k, g in (("m", "metrics"), ("i", "initiatives")):
            tot[k + "tp"] += r[f"{g}_tp"]
            tot[k + "fp"] += r[f"{g}_fp"]
            tot[k + "g"] += r[f"{g}_gold"]
        print(f"{r['doc']}  metrics P {r['metric_precision']} R {r['metric_recall']}  "
              f"initiatives P {r['initiative_precision']} R {r['initiative_recall']}  "
              f"region {_ok(r['region_ok'])}  published {_ok(r['published_ok'])}  {secs * 1000:.0f} ms/doc")
        if verbose:
            for key in ("missed_metrics", "false_metrics", "missed_initiatives", "false_initiatives"):
                print(f"  {key}:")
                for item in r[key]:
                    print(f"    {item}")
    print(f"overall  metrics P {ratio(tot['mtp'], tot['mtp'] + tot['mfp'])} R {ratio(tot['mtp'], tot['mg'])}  "
          f"initiatives P {ratio(tot['itp'], tot['itp'] + tot['ifp'])} R {ratio(tot['itp'], tot['ig'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
