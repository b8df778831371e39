from __future__ import annotations

from pathlib import Path

import redis

from govwatch.embedded_redis import EmbeddedRedis


def test_start_share_stop_and_keep_queued_data(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path)
    url = first.start()
    assert url.startswith("unix://") and first.socket.exists()
    redis.Redis.from_url(url).rpush("rq:queue:x", "job-1")
    # a second govwatch command on the same data directory reuses the server, and does not own it
    second = EmbeddedRedis(tmp_path)
    assert second.start() == url and second.proc is None
    second.stop()
    assert first.running()
    first.stop()
    assert not first.running()
    # restarted from its append-only file: what was queued is still there
    again = EmbeddedRedis(tmp_path)
    again.start()
    assert redis.Redis.from_url(again.url).lrange("rq:queue:x", 0, -1) == [b"job-1"]
    again.stop()


def test_deep_data_dir_gets_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    server = EmbeddedRedis(deep)
    assert len(str(server.socket)) < 100
    server.start()
    assert server.running()
    server.stop()
