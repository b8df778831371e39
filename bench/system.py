"""The whole system on loopback: N simulated sites, `govwatch run` with 2 workers, steady publishing.

Each site is its own host (127.0.x.y; one server in a child process answers them all by address),
with a TRS-style list page carrying an ETag and article pages of real size. `govwatch run` polls
them on their interval; after the silent first crawl, articles are published at a steady rate on
random sites; a webhook receiver on loopback records when each alert arrives. Reported:

* articles processed per second during a burst (M articles published at once);
* p50/p95 time from an article appearing on its list page to its webhook arriving, split into
  the wait for the next poll (bounded by the interval) and the rest: crawl → parse → extract →
  diff → deliver ("beyond the polling interval");
* worker memory (RSS of each RQ worker process at the end).

    .venv/bin/python bench/system.py                      # 1,000 sites, 60 s of publishing
    .venv/bin/python bench/system.py --sites 200 --seconds 30 --rate 2

Uses GOVWATCH_REDIS_URL / GOVWATCH_DATABASE_URL when set, else the embedded Redis and SQLite.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARAGRAPH = ("今年以来，全市共办理行政复议案件{a}件，同比增长{b}%，行政机关负责人出庭应诉率保持100%。"
             "市司法局印发《法治政府建设工作要点》，推动“无证明城市”建设，累计减少证明材料{c}项。")


def address(n: int) -> str:
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def article_html(n: int, k: int) -> bytes:
    body = "".join(f"<p>\u3000\u3000{PARAGRAPH.format(a=100 + k, b=k % 20, c=10 + n % 90)}</p>" for _ in range(30))
    return (f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="第{n}号站点第{k}期法治工作动态">'
            f'<meta name="PubDate" content="2026-11-22 10:00:00"></head><body><h1>第{n}号站点第{k}期法治工作动态</h1>'
            f'<div class="TRS_Editor">{body}</div></body></html>').encode()


def list_html(n: int, count: int) -> bytes:
    items = "".join(f'<li><a href="./202611/t20261122_{n * 1000 + k}.html">第{n}号站点第{k}期法治工作动态</a>'
                    f"<span>2026-11-22</span></li>" for k in range(count, 0, -1))
    return f'<html><head><meta charset="utf-8"></head><body><ul class="list">{items}</ul></body></html>'.encode()


def serve(port_out: multiprocessing.Queue, published: dict) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802
            n = int(self.headers["Host"].split(":")[0].split(".")[2]) * 250 - 250 + int(
                self.headers["Host"].split(":")[0].split(".")[3]) - 1
            count = published.get(n, 1)
            if self.path == "/list.html":
                etag = f'"{n}-{count}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                body, extra = list_html(n, count), {"ETag": etag}
            elif self.path.startswith("/202611/t20261122_"):
                body, extra = article_html(n, int(self.path.split("_")[1].split(".")[0]) % 1000), {}
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)  # answers every 127.0.x.y (loopback only here)
    server.daemon_threads = True
    server.request_queue_size = 1024
    port_out.put(server.server_address[1])
    server.serve_forever()


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def worker_rss(redis_url: str) -> list[float]:
    import redis
    from rq import Worker

    out = []
    for w in Worker.all(connection=redis.Redis.from_url(redis_url)):
        try:
            for line in Path(f"/proc/{w.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--interval", default="30s", help="poll interval of every site")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to publish at a steady rate")
    ap.add_argument("--rate", type=float, default=2.0, help="articles published per second")
    ap.add_argument("--burst", type=int, default=200, help="articles published at once for the throughput figure")
    args = ap.parse_args()

    from govwatch.loopback import WebhookReceiver
    from govwatch.storage import Store

    manager = multiprocessing.Manager()
    published = manager.dict()
    port_q: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(port_q, published), daemon=True)
    server.start()
    port = port_q.get(timeout=10)
    tmp = Path(tempfile.mkdtemp(prefix="govwatch-system-"))
    receiver = WebhookReceiver().start()
    sites = [{"id": f"s{n}", "region": "基准市", "min_delay": 0, "interval": args.interval,
              "list_urls": [f"http://{address(n)}:{port}/list.html"]} for n in range(args.sites)]
    cfg = {"sites": sites, "allow_private_targets": True,
           "subscribers": [{"id": "hook", "webhook": {"url": receiver.url}}]}
    (tmp / "govwatch.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    env = dict(os.environ, GOVWATCH_LOG_LEVEL="WARNING")
    db_url = env.get("GOVWATCH_DATABASE_URL") or f"sqlite:///{tmp / 'data' / 'govwatch.sqlite3'}"
    proc = subprocess.Popen([sys.executable, "-m", "govwatch", "--config", str(tmp / "govwatch.yaml"),
                             "--data-dir", str(tmp / "data"), "run", "--workers", "2"], env=env)
    (tmp / "data").mkdir(exist_ok=True)
    store = Store.connect(db_url)
    store.create_all()  # the monitor does the same; we read the tables from the start
    try:
        run_phases(args, published, receiver, store, env.get("GOVWATCH_REDIS_URL")
                   or f"unix://{tmp / 'data' / 'redis' / 'redis.sock'}")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(120)
        receiver.stop()
        server.terminate()


def wait_for(cond, timeout: float, what: str) -> float:  # noqa: ANN001
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if cond():
            return time.monotonic() - start
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def run_phases(args: argparse.Namespace, published: dict, receiver, store, redis_url: str) -> None:  # noqa: ANN001
    n = args.sites
    print(f"{n} sites, poll interval {args.interval}, 2 workers")
    took = wait_for(lambda: store.engine and _baseline(store) >= n, 600, "the first crawl of every site")
    took += wait_for(lambda: _unprocessed(store) == 0, 900, "the back catalogue to be parsed")
    print(f"first crawl of {n} sites (silent baseline, {n} articles parsed and stored): {took:.0f} s")
    appeared: dict[str, float] = {}
    lock = threading.Lock()

    def publish(site: int) -> None:
        with lock:
            k = published.get(site, 1) + 1
            published[site] = k
            appeared[f"/202611/t20261122_{site * 1000 + k}.html"] = time.time()

    start = time.time()
    while time.time() - start < args.seconds:
        publish(random.randrange(n))
        time.sleep(1 / args.rate)
    steady = len(appeared)
    wait_for(lambda: len(receiver.requests) >= steady, 600, "every steady-state alert")
    total, beyond = latencies(receiver, appeared, store)
    print(f"steady: {steady} articles at {args.rate}/s; appear → webhook p50 {percentile(total, 50):.1f} s, "
          f"p95 {percentile(total, 95):.1f} s; beyond the poll (discovered → webhook) "
          f"p50 {percentile(beyond, 50):.2f} s, p95 {percentile(beyond, 95):.2f} s")
    # the burst: articles appear on many sites and an operator crawls those sites at once, so that the
    # figure is the pipeline's capacity (crawl → parse → extract → diff → deliver), not the polling
    import redis

    from workers.queues import enqueue_crawl

    conn = redis.Redis.from_url(redis_url)
    burst = random.sample(range(n), min(args.burst, n))
    before = len(receiver.requests)
    for site in burst:
        publish(site)
    t0 = time.time()
    for site in burst:
        enqueue_crawl(conn, f"s{site}", force=True)
    wait_for(lambda: len(receiver.requests) >= before + len(burst), 900, "the burst")
    rate = len(burst) / (time.time() - t0)
    print(f"burst: {len(burst)} articles on {len(burst)} sites crawled at once: {rate:.1f} articles/s "
          "(crawl → webhook, 2 workers)")
    rss = worker_rss(redis_url)
    print("worker RSS: " + ", ".join(f"{r:.0f} MB" for r in rss))


def _unprocessed(store) -> int:  # noqa: ANN001
    import sqlalchemy as sa

    from govwatch.schema import articles

    with store.engine.connect() as c:
        return c.execute(sa.select(sa.func.count()).where(articles.c.status.in_(["pending", "retry"]))).scalar()


def _baseline(store) -> int:  # noqa: ANN001
    return sum(1 for r in store.site_summaries() if r["baseline_done"])


def _discovered(store, appeared: dict, since: float) -> list[dict]:  # noqa: ANN001
    import sqlalchemy as sa

    from govwatch.schema import articles

    with store.engine.connect() as c:
        rows = c.execute(sa.select(articles.c.url, articles.c.discovered_at)).all()
    out = []
    for url, when in rows:
        path = "/" + url.split("/", 3)[3]
        ts = when.timestamp() if when.tzinfo else when.replace(tzinfo=__import__("datetime").UTC).timestamp()
        if path in appeared and appeared[path] >= since:
            out.append({"path": path, "discovered": ts})
    return out


def latencies(receiver, appeared: dict, store) -> tuple[list[float], list[float]]:  # noqa: ANN001
    found = {d["path"]: d["discovered"] for d in _discovered(store, appeared, since=0)}
    total, beyond = [], []
    for req in receiver.requests:
        url = json.loads(req.body)["data"]["article"]["url"]
        path = "/" + url.split("/", 3)[3]
        if path in appeared:
            total.append(req.time - appeared[path])
            if path in found:
                beyond.append(req.time - found[path])
    return total, beyond


if __name__ == "__main__":
    main()
