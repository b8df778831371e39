"""Cost of polling many sites: polls/s, CPU seconds per 1,000 polls, peak memory.

N simulated sites (``s0.bench.test`` … on one loopback server that routes by Host header, each
list page with 10 articles and an ETag) are crawled through the real path: the scheduler's batch
jobs (``enqueue_crawl_batch``), an RQ ``SimpleWorker``, the crawl job with its Redis host gate,
robots.txt, SQLite. Phase "first crawl" reads fresh list pages (discovery, article rows, one
parse job enqueued per article); phase "unchanged poll" polls them again (conditional GET → 304).
CPU is this process's (the worker's); the loopback server runs in a child process and Redis in
its own, neither counted.

    .venv/bin/python bench/crawl_poll.py                 # N = 1,000 and 10,000
    .venv/bin/python bench/crawl_poll.py --sites 500 --repeats 5

Prints figures (medians over repeats); asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import socket
import statistics
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DOMAIN = ".bench.test"
ITEMS = 10


def _list_page(site: int) -> bytes:
    items = "".join(
        f'<li><a href="./202611/t202611{d:02d}_{site * 100 + d}.html" title="关于第{d}期法治政府建设工作情况的通报">'
        f"关于第{d}期法治政府建设工作情况的通报</a><span>2026-11-{d:02d}</span></li>" for d in range(1, ITEMS + 1))
    head = '<html><head><meta charset="utf-8"><title>通知公告</title></head>'
    return f"{head}<body><ul>{items}</ul></body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path != "/list.html" or not host.endswith(DOMAIN):
            self.send_error(404)
            return
        site = int(host.removesuffix(DOMAIN)[1:])
        etag = f'"v{site}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = _list_page(site)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(port_out: multiprocessing.Queue) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    port_out.put(server.server_address[1])
    server.serve_forever()


def _resolve_bench_hosts() -> None:
    """Every ``*.bench.test`` name resolves to 127.0.0.1, so each simulated site is its own host."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return real("127.0.0.1" if isinstance(host, str) and host.endswith(DOMAIN) else host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def _cycle(conn, site_ids: list[str]) -> tuple[float, float]:  # noqa: ANN001
    """Enqueue every site in batches and run the crawl queue dry; (wall s, CPU s)."""
    from rq import Queue, SimpleWorker

    from workers.queues import CRAWL
    from workers.schedule import CRAWL_BATCH, enqueue_crawl_batch

    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(site_ids), CRAWL_BATCH):
        enqueue_crawl_batch(conn, site_ids[start : start + CRAWL_BATCH])
    SimpleWorker([Queue(CRAWL, connection=conn)], connection=conn).work(burst=True, logging_level="ERROR")
    return time.perf_counter() - wall, time.process_time() - cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, repeats: int, port: int, redis_url: str) -> None:
    import redis

    from govwatch.settings import load_settings
    from workers import runtime

    tmp = Path(tempfile.mkdtemp(prefix=f"crawl-poll-{n}-"))
    sites = [{"id": f"s{i}", "region": "基准市", "min_delay": 0, "list_urls": [f"http://s{i}{DOMAIN}:{port}/list.html"]}
             for i in range(n)]
    (tmp / "govwatch.yaml").write_text(yaml.safe_dump({"sites": sites}), encoding="utf-8")
    settings = load_settings(tmp / "govwatch.yaml", tmp, env={})
    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    runtime.init(settings, conn, preload_rules=False)
    ids = [s["id"] for s in sites]
    try:
        wall, cpu = _cycle(conn, ids)
        _report(n, "first crawl", [wall], [cpu])
        results = [_cycle(conn, ids) for _ in range(repeats)]
        _report(n, "unchanged poll", [w for w, _ in results], [c for _, c in results])
        summary = {r["last_result"] for r in runtime.get().store.site_summaries()}
        print(f"    (site results after the polls: {sorted(summary)})")
    finally:
        runtime.reset()
        conn.flushdb()


def _report(n: int, phase: str, walls: list[float], cpus: list[float]) -> None:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"N={n:>6}  {phase:<15} {n / wall:8.0f} polls/s  {cpu / n * 1000:6.2f} CPU s per 1,000 polls  "
          f"cycle {cpu:6.1f} CPU s / {wall:6.1f} s wall  peak RSS {_peak_mb():6.0f} MB  (median of {len(walls)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    _resolve_bench_hosts()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    port = ports.get(timeout=10)
    from govwatch.embedded_redis import EmbeddedRedis

    redis_server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="crawl-poll-redis-")))
    redis_url = redis_server.start()
    try:
        for n in args.sites:
            run(n, args.repeats, port, redis_url)
    finally:
        redis_server.stop()
        server.terminate()


if __name__ == "__main__":
    main()
