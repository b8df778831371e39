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


def test_adopts_the_server_of_a_killed_owner(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    code = ("import sys, time; from pathlib import Path; from govwatch.embedded_redis import EmbeddedRedis; "
            "server = EmbeddedRedis(Path(sys.argv[1])); server.start(); print('up', flush=True); time.sleep(60)")
    owner = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE)
    heir = EmbeddedRedis(tmp_path)
    try:
        assert owner.stdout.readline().strip() == b"up"
        # while the owner lives, another process only connects
        guest = EmbeddedRedis(tmp_path)
        guest.start()
        assert not guest.owned
        guest.stop()
        os.kill(owner.pid, signal.SIGKILL)  # kill -9: the owner cannot stop its Redis
        owner.wait()
        assert heir.running()  # orphaned, still answering
        heir.start()
        assert heir.owned and heir.proc is None
        heir.stop()
        deadline = time.monotonic() + 5
        while heir.running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not heir.running()
    finally:  # whatever failed above, leave no redis-server behind
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        if heir.running():
            import redis

            redis.Redis(unix_socket_path=str(heir.socket), retry=None).shutdown(nosave=True)
