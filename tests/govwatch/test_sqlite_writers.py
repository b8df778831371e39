"""SQLite (the embedded default) with several worker processes writing at once: WAL and
busy_timeout make them wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from govwatch.schema import articles, deliveries, facts
from govwatch.storage import Store

PROCESSES, ROUNDS = 4, 50

WRITER = """
import sys, time
from types import SimpleNamespace
from govwatch.storage import NewDelivery, NewEvent, Store

url, n, rounds, at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
store = Store.connect(url)
store.create_all()
time.sleep(max(0.0, at - time.time()))  # all start writing together
for i in range(rounds):
    ref = SimpleNamespace(url=f"http://zz.example/{n}/{i}.html", title=f"t{i}", published=None)
    [aid] = store.add_articles("zz", "枣庄市", [ref], silent=False)
    fact = dict(region="枣庄市", kind="metric", name="件数", value=float(i), unit="件", period=None,
                data={}, canonical="件数", series=f"件数|count|件|{n}", period_key=None)
    event = NewEvent(id=f"ev-{n}-{i}", type="release.new", region="枣庄市", data={},
                     deliveries=(NewDelivery("analyst", "email", "a@example.org"),))
    store.save_processed(aid, fields={"title": f"标题{i}", "text": "正文" * 200}, fact_rows=[fact] * 5,
                         new_events=[event])
"""


def test_worker_processes_write_at_once_without_database_is_locked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'govwatch.sqlite3'}"
    at = str(time.time() + 3.0)  # after every interpreter has imported govwatch
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(n), str(ROUNDS), at], stderr=subprocess.PIPE)
             for n in range(PROCESSES)]
    errors = [p.communicate(timeout=240)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * PROCESSES, "\n".join(errors)
    store = Store.connect(url)
    with store.engine.connect() as c:
        count = {t.name: c.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in (articles, facts,
                                                                                                  deliveries)}
        mode = c.exec_driver_sql("PRAGMA journal_mode").scalar()
    store.close()
    total = PROCESSES * ROUNDS
    assert count == {"articles": total, "facts": total * 5, "deliveries": total}
    assert mode == "wal"
