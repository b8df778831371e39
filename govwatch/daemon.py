"""``govwatch run``: the all-in-one process tree for one machine.

::

    govwatch run
    ├── embedded redis-server      (only when GOVWATCH_REDIS_URL is unset)
    ├── scheduler thread           (APScheduler: site polls, outbox reconciler)
    └── N × govwatch worker        (RQ SimpleWorker processes, restarted if they die)

Ctrl-C (SIGINT) or SIGTERM stops the scheduler, lets each worker finish its current job, then
stops Redis; its append-only file keeps whatever is still queued for the next start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import redis

from govwatch.embedded_redis import EmbeddedRedis, connect
from govwatch.errors import AlreadyRunning
from govwatch.settings import Settings
from govwatch.storage import Store
from workers.queues import requeue_jobs_of

logger = logging.getLogger(__name__)

WORKER_STOP_TIMEOUT = 30.0
"""Seconds a worker gets to finish its current job after Ctrl-C before it is killed."""


@contextlib.contextmanager
def redis_for(settings: Settings, *, start: bool = True, wait: float = 0.0) -> Iterator[str]:
    """The Redis URL to use: the configured one, or the embedded server (started if needed).

    ``wait``: seconds to wait for another command that briefly owns the embedded server.
    """
    if settings.redis_url:
        yield settings.redis_url
        return
    embedded = EmbeddedRedis(settings.data_dir)
    if not start and not embedded.running():
        from govwatch.errors import RedisUnavailable

        raise RedisUnavailable(f"no govwatch Redis is running under {settings.data_dir} (start `govwatch run`)")
    url = embedded.start(wait=wait)
    try:
        yield url
    finally:
        embedded.stop()


def _worker_cmd(settings: Settings, name: str) -> list[str]:
    cmd = [sys.executable, "-m", "govwatch", "--data-dir", str(settings.data_dir)]
    if settings.config_path:
        cmd += ["--config", str(settings.config_path)]
    return cmd + ["worker", "--name", name]


class Supervisor:
    """Starts N worker processes and restarts any that die until told to stop."""

    def __init__(self, settings: Settings, redis_url: str, count: int) -> None:
        self.settings = settings
        self.redis_url = redis_url
        self.count = count
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.names: dict[int, str] = {}
        self.started: dict[int, float] = {}
        self.restarts: dict[int, int] = {}
        self.dead_since: dict[int, float] = {}
        self.stopping = threading.Event()

    def _spawn(self, n: int) -> None:
        # the worker inherits our environment with the resolved Redis URL, so it never starts its own
        env = dict(
            os.environ,
            GOVWATCH_REDIS_URL=self.redis_url,
            GOVWATCH_DATABASE_URL=self.settings.database_url,
            GOVWATCH_LOG_LEVEL=self.settings.log_level,
            GOVWATCH_LOG_FORMAT=self.settings.log_format,
        )
        # own session: Ctrl-C reaches only us, and we stop workers with exactly one SIGTERM (warm shutdown)
        self.names[n] = f"govwatch-{os.getpid()}-{n}-{int(time.time() * 1000) % 100000}"
        self.procs[n] = subprocess.Popen(
            _worker_cmd(self.settings, self.names[n]), env=env, start_new_session=True, preexec_fn=_die_with_parent
        )
        self.started[n] = time.monotonic()
        logger.info("started worker %d (pid %d)", n, self.procs[n].pid)

    def start(self) -> None:
        for n in range(1, self.count + 1):
            self._spawn(n)

    def check(self, conn: redis.Redis) -> None:
        now = time.monotonic()
        for n, p in list(self.procs.items()):
            if p.poll() is None or self.stopping.is_set():
                continue
            if n not in self.dead_since:
                self.dead_since[n] = now
                # a worker that keeps dying (database down…) is restarted less and less often
                quick = now - self.started[n] < 60
                self.restarts[n] = self.restarts.get(n, 0) + 1 if quick else 0
                logger.warning("worker %d (pid %d) exited with %s; restarting in %.0fs", n, p.pid, p.returncode,
                               self._delay(n))
                requeue_jobs_of(conn, self.names[n])
            if now - self.dead_since[n] >= self._delay(n):
                del self.dead_since[n]
                self._spawn(n)

    def _delay(self, n: int) -> float:
        return min(300.0, 2.0 ** self.restarts[n]) if self.restarts.get(n) else 0.0

    def stop(self) -> None:
        self.stopping.set()
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)  # RQ: warm shutdown, finish the current job
        deadline = time.monotonic() + WORKER_STOP_TIMEOUT
        for p in self.procs.values():
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("worker pid %d did not stop in time; killing it", p.pid)
                p.kill()
                p.wait()


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when govwatch run dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: orphaned workers exit when Redis goes away


def _prepare(settings: Settings) -> Store:
    store = Store.connect(settings.database_url)
    store.create_all()
    store.sync_sites((s.id, s.region, s.name) for s in settings.sites)
    store.subscribers.sync_config(settings.subscribers, datetime.now(UTC))
    return store


def serve_metrics(conn: redis.Redis, store: Store, port: int) -> None:
    """Prometheus metrics at http://127.0.0.1:PORT/metrics, from a background thread."""
    from prometheus_client import CollectorRegistry, start_http_server

    from govwatch.metrics import GovwatchCollector

    registry = CollectorRegistry()
    registry.register(GovwatchCollector(conn, store))
    start_http_server(port, addr="127.0.0.1", registry=registry)
    logger.info("metrics at http://127.0.0.1:%d/metrics", port)


def run(settings: Settings, *, stop: threading.Event | None = None, metrics_port: int | None = None) -> None:
    """Run scheduler and workers until SIGINT/SIGTERM (or ``stop`` is set, for tests)."""
    from workers.leader import LeaderScheduler

    stop = stop or threading.Event()
    _install_signals(stop)
    store = _prepare(settings)
    with _run_lock(settings.data_dir), redis_for(settings, wait=30.0) as url:
        conn = connect(url)
        sup = Supervisor(settings, url, settings.workers)
        sup.start()
        if metrics_port:
            serve_metrics(conn, store, metrics_port)
        leader = LeaderScheduler(settings, conn, store, ttl=settings.lease_ttl)
        logger.info("govwatch running: %d site(s), %d subscriber(s), %d worker(s); data in %s; Ctrl-C stops",
                    len(settings.sites), len(settings.subscribers), settings.workers, settings.data_dir)
        next_tick = 0.0
        try:
            while True:
                if time.monotonic() >= next_tick:
                    leader.tick()
                    next_tick = time.monotonic() + settings.lease_ttl / 3
                sup.check(conn)
                if stop.wait(1.0):
                    break
        finally:
            logger.info("stopping: scheduler, then workers (finishing current jobs)")
            leader.close()
            sup.stop()
            conn.close()
            store.close()
    logger.info("govwatch stopped")


def run_scheduler(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Only the scheduler (``govwatch scheduler``): for deployments with workers on other machines."""
    from workers.leader import LeaderScheduler

    stop = stop or threading.Event()
    _install_signals(stop)
    store = _prepare(settings)
    with redis_for(settings, wait=30.0) as url:
        conn = connect(url)
        try:
            LeaderScheduler(settings, conn, store, ttl=settings.lease_ttl).run(stop)
        finally:
            conn.close()
            store.close()


@contextlib.contextmanager
def _run_lock(data_dir: Path) -> Iterator[None]:
    """One ``govwatch run`` per data directory: a second one would schedule every crawl twice."""
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "run.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            raise AlreadyRunning(f"another govwatch run (pid {f.read().strip() or '?'}) is using {data_dir}") from None
        f.truncate(0)
        f.write(str(os.getpid()))
        f.flush()
        yield


def _install_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, _frame: object) -> None:
        logger.info("received %s", signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGHUP: the terminal was closed
        signal.signal(sig, handler)
