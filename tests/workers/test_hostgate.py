"""RedisHostGate: turns, pauses and Retry-After shared between gates (processes) on one Redis."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from crawler.politeness import HostBusy
from workers.hostgate import RedisHostGate


def _gates(url: str, n: int) -> list[RedisHostGate]:
    return [RedisHostGate(redis.Redis.from_url(url)) for _ in range(n)]  # one connection each, like processes


@pytest.mark.parametrize(("concurrency", "overlap"), [(1, False), (2, True)])
def test_concurrency_limit_holds_across_gates(redis_conn, redis_url, concurrency: int, overlap: bool) -> None:
    running, peak, lock = [0], [0], threading.Lock()

    def request(gate: RedisHostGate) -> None:
        with gate.turn("sfj.example.gov.cn", min_delay=0.0, concurrency=concurrency):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.15)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=request, args=(g,)) for g in _gates(redis_url, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (peak[0] > 1) is overlap and peak[0] <= concurrency


def test_min_delay_spaces_starts_across_gates(redis_conn, redis_url) -> None:
    one, two = _gates(redis_url, 2)
    started = time.monotonic()
    with one.turn("a.gov.cn", min_delay=0.3, concurrency=1):
        pass
    with two.turn("a.gov.cn", min_delay=0.3, concurrency=1):
        pass
    with two.turn("b.gov.cn", min_delay=0.3, concurrency=1):  # another host: no wait
        pass
    assert 0.3 <= time.monotonic() - started < 0.6


def test_defer_is_seen_by_every_gate_for_that_host_only(redis_conn, redis_url) -> None:
    one, two = _gates(redis_url, 2)
    one.defer("a.gov.cn", time.time() + 60)
    one.defer("a.gov.cn", time.time() + 5)  # a shorter Retry-After never shortens the wait
    assert 55 < two.deferred_until("a.gov.cn") - time.time() <= 60
    assert two.deferred_until("b.gov.cn") is None


def test_a_dead_holder_frees_its_slot_when_the_lease_ends(redis_conn, redis_url) -> None:
    dead = RedisHostGate(redis.Redis.from_url(redis_url), lease=0.3)
    dead._take("a.gov.cn", "killed-worker", 0.0, 1)  # took a turn and never gave it back
    quick = RedisHostGate(redis.Redis.from_url(redis_url), max_wait=0.1)
    with pytest.raises(HostBusy):
        with quick.turn("a.gov.cn", min_delay=0.0, concurrency=1):
            pass
    patient = RedisHostGate(redis.Redis.from_url(redis_url), max_wait=2.0)
    with patient.turn("a.gov.cn", min_delay=0.0, concurrency=1):
        pass
