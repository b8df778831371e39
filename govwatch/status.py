"""``govwatch status``: what each site did last, queue lengths, failed jobs and deliveries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govwatch.errors import RedisUnavailable
from govwatch.settings import Settings
from govwatch.storage import Store


def collect(settings: Settings) -> dict[str, Any]:
    from govwatch.daemon import redis_for
    from govwatch.embedded_redis import connect
    from workers.queues import failed_jobs, queue_lengths

    report: dict[str, Any] = {"sites": [], "deliveries": {}, "queues": None, "failed_jobs": [], "redis": None}
    report.update(_database_part(settings))
    try:
        with redis_for(settings, start=False) as url:
            conn = connect(url)
            report["redis"] = url
            report["queues"] = queue_lengths(conn)
            report["failed_jobs"] = failed_jobs(conn)
    except RedisUnavailable as e:
        report["redis_error"] = str(e)
    return report


def _database_part(settings: Settings) -> dict[str, Any]:
    """Sites and deliveries from the database; never creates one where none is (a wrong --data-dir)."""
    if settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        if not path.exists():
            return {"database_error": f"no govwatch database at {path} yet (has `govwatch run` run here?)"}
    store = Store.connect(settings.database_url)
    try:
        store.create_all()
        configured = {s.id for s in settings.sites}
        return {"sites": [dict(r, configured=r["id"] in configured) for r in store.site_summaries()],
                "deliveries": store.outbox.counts()}
    finally:
        store.close()


def _when(value: Any) -> str:
    if value is None:
        return "never"
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else str(value)


def render(report: dict[str, Any]) -> str:
    lines = ["SITES" + (f"  unavailable: {report['database_error']}" if report.get("database_error") else "")]
    lines.append(f"  {'id':<24} {'last crawl (UTC)':<20} {'result':<10} {'new':>4} {'articles':>8}  error")
    for s in report["sites"]:
        mark = "" if s["configured"] else "  (not in config)"
        lines.append(
            f"  {s['id']:<24} {_when(s['last_crawl_at']):<20} {s['last_result'] or '-':<10} "
            f"{s['last_new'] or 0:>4} {s['articles']:>8}  {s['last_error'] or ''}{mark}"
        )
    lines.append("")
    if report["queues"] is None:
        lines.append(f"QUEUES  unavailable: {report.get('redis_error', 'Redis not reachable')}")
    else:
        lines.append("QUEUES  queued started scheduled failed")
        for name, q in report["queues"].items():
            lines.append(f"  {name:<8} {q['queued']:>5} {q['started']:>7} {q['scheduled']:>9} {q['failed']:>6}")
    if report["failed_jobs"]:
        lines.append("")
        lines.append("FAILED JOBS")
        for j in report["failed_jobs"]:
            lines.append(f"  {j['queue']:<8} {j['id']:<40} {j['error']}")
    lines.append("")
    d = report["deliveries"]
    lines.append(f"DELIVERIES  sent {d.get('sent', 0)}  pending {d.get('pending', 0)}  failed {d.get('failed', 0)}")
    return "\n".join(lines)
