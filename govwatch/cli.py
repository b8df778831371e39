"""The ``govwatch`` command line.

Every command reads settings once (``--config``/``GOVWATCH_CONFIG``, ``--data-dir``/``GOVWATCH_DATA_DIR``,
``GOVWATCH_REDIS_URL``, ``GOVWATCH_DATABASE_URL``) and reaches the same Redis and database as a
running ``govwatch run``: with no Redis URL set, that is the embedded server's socket under the data
directory.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from govwatch.errors import GovwatchError
from govwatch.settings import Settings, load_settings

logger = logging.getLogger("govwatch")


def _setup_logging(level: str, fmt: str = "text") -> None:
    from govwatch.logs import setup

    setup(level, fmt)


class Ctx:
    def __init__(self, config: str | None, data_dir: str | None, verbose: bool) -> None:
        self.config, self.data_dir, self.verbose = config, data_dir, verbose
        self._settings: Settings | None = None

    def settings(self, **kw: Any) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, self.data_dir, **kw)
            _setup_logging("DEBUG" if self.verbose else self._settings.log_level, self._settings.log_format)
        return self._settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "-c", metavar="PATH", help="govwatch.yaml to read [env GOVWATCH_CONFIG; default ./govwatch.yaml]"
)
@click.option(
    "--data-dir",
    "-d",
    metavar="DIR",
    help="where the embedded Redis and the SQLite database live [env GOVWATCH_DATA_DIR; default ./data]",
)
@click.option("--verbose", "-v", is_flag=True, help="debug logging")
@click.version_option(package_name="govwatch")
@click.pass_context
def cli(ctx: click.Context, config: str | None, data_dir: str | None, verbose: bool) -> None:
    """govwatch: monitor government rule-of-law releases and alert on new facts.

    \b
    Start here:
      govwatch demo          see the whole loop on bundled sample sites, offline
      govwatch run           run the monitor (scheduler + workers) on govwatch.yaml
      govwatch status        what each site did last, queue lengths, failed jobs
      govwatch extract F     what the parser and rules find in one page or text file
    """
    ctx.obj = Ctx(config, data_dir, verbose)


def _fail(e: Exception) -> None:
    raise click.ClickException(str(e))


@cli.command()
@click.option("--workers", "-w", type=click.IntRange(1, 64), help="RQ worker processes [default 2]")
@click.option("--metrics-port", type=int, metavar="PORT", help="serve Prometheus metrics on 127.0.0.1:PORT/metrics")
@click.pass_obj
def run(obj: Ctx, workers: int | None, metrics_port: int | None) -> None:
    """Run the monitor: scheduler and N workers, on one machine, until Ctrl-C.

    With GOVWATCH_REDIS_URL unset it starts a private Redis under the data directory; with
    GOVWATCH_DATABASE_URL unset it keeps its records in SQLite there. Running it again resumes.
    """
    from govwatch.daemon import run as run_daemon

    try:
        settings = obj.settings(workers=workers, require_config=True)
        if not settings.sites:
            click.echo(f"warning: {settings.config_path} lists no sites; nothing will be crawled", err=True)
        run_daemon(settings, metrics_port=metrics_port)
    except GovwatchError as e:
        _fail(e)


@cli.command()
@click.pass_obj
def scheduler(obj: Ctx) -> None:
    """Run only the scheduler (site polls, digests, the outbox reconciler) until Ctrl-C.

    Start one on each of several machines if you like: one leads (a lease in Redis), the others
    stand by and take over within scheduler.lease_ttl seconds (default 15) when it dies.
    """
    from govwatch.daemon import run_scheduler

    try:
        run_scheduler(obj.settings(require_config=True))
    except GovwatchError as e:
        _fail(e)


@cli.command()
@click.option(
    "--queues",
    "-q",
    default="crawl,parse,deliver",
    show_default=True,
    help="comma-separated queues to serve, in priority order",
)
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
@click.option("--name", help="worker name shown by RQ")
@click.pass_obj
def worker(obj: Ctx, queues: str, burst: bool, name: str | None) -> None:
    """Run one RQ worker (govwatch run starts these for you)."""
    from govwatch.daemon import redis_for
    from workers.worker import run_worker

    names = [f"govwatch:{q.strip()}" for q in queues.split(",") if q.strip()]
    try:
        settings = obj.settings()
        with redis_for(settings, start=not settings.redis_url) as url:
            run_worker(settings, url, names, burst=burst, name=name)
    except GovwatchError as e:
        _fail(e)


@cli.command()
@click.argument("site_ids", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="crawl every configured site")
@click.option("--force", is_flag=True, help="ignore ETag/Last-Modified and the unchanged-list check")
@click.pass_obj
def crawl(obj: Ctx, site_ids: tuple[str, ...], all_sites: bool, force: bool) -> None:
    """Crawl SITE_ID(s) now (queued for the running monitor's workers)."""
    from govwatch.daemon import redis_for
    from govwatch.embedded_redis import connect
    from workers.queues import enqueue_crawl

    try:
        settings = obj.settings()
        ids = [s.id for s in settings.sites] if all_sites else list(site_ids)
        if not ids:
            raise click.UsageError("name a SITE_ID or pass --all")
        for sid in ids:
            settings.site(sid)
        with redis_for(settings) as url:
            conn = connect(url)
            for sid in ids:
                queued = enqueue_crawl(conn, sid, force=force)
                click.echo(f"{sid}: {'crawl queued' if queued else 'a crawl is already queued or running'}")
    except GovwatchError as e:
        _fail(e)
    _hint_if_not_running(obj)


@cli.command()
@click.argument("url")
@click.pass_obj
def recrawl(obj: Ctx, url: str) -> None:
    """Re-fetch and re-process one article URL, even if unchanged."""
    from crawler.urls import canonicalize
    from govwatch.daemon import redis_for
    from govwatch.embedded_redis import connect
    from govwatch.storage import Store
    from workers.queues import enqueue_article

    try:
        settings = obj.settings()
        store = Store.connect(settings.database_url)
        store.create_all()
        canon = canonicalize(url)
        row = store.article_by_url(canon)
        if row is None:
            site = _site_for_url(settings, canon)
            aid = store.add_article(site.id, site.region, canon)
        else:
            aid = int(row["id"])
        with redis_for(settings) as rurl:
            queued = enqueue_article(connect(rurl), aid, force=True)
        click.echo(f"article {aid}: {'re-processing queued' if queued else 'already queued'} ({canon})")
    except GovwatchError as e:
        _fail(e)
    _hint_if_not_running(obj)


def _site_for_url(settings: Settings, url: str) -> Any:
    from govwatch.netguard import site_for_url

    site = site_for_url(settings, url)
    if site is None:
        raise click.ClickException(f"{url} does not belong to exactly one configured site "
                                   "(its host and port must be those of a list URL)")
    return site

def _hint_if_not_running(obj: Ctx) -> None:
    from govwatch.embedded_redis import EmbeddedRedis

    s = obj.settings()
    if not s.redis_url and not EmbeddedRedis(s.data_dir).running():
        click.echo("note: the monitor is not running; the job waits in the queue until `govwatch run`", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_obj
def status(obj: Ctx, as_json: bool) -> None:
    """Each site's last crawl, result and article count; queue lengths; failed jobs; deliveries."""
    from govwatch.status import collect, render

    try:
        report = collect(obj.settings())
    except GovwatchError as e:
        _fail(e)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str) if as_json else render(report))


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="print JSON (the default is a readable summary)")
@click.option("--region", help="the site's region, used for 我市/本市 (default: from the page)")
@click.pass_obj
def extract(obj: Ctx, source: str, as_json: bool, region: str | None) -> None:
    """Show what the parser and rules find in one page: FILE (HTML or plain text) or URL."""
    from govwatch.extract_cmd import extract_source, render
    from govwatch.settings import DEFAULT_USER_AGENT

    _setup_logging("DEBUG" if obj.verbose else "WARNING")  # needs no configuration, prints only the result
    try:
        result = extract_source(source, region=region, user_agent=DEFAULT_USER_AGENT)
    except (OSError, GovwatchError) as e:
        _fail(e)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else render(result))


@cli.command()
@click.option("--duration", default=60.0, show_default=True, help="seconds to run before stopping")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 8))
@click.pass_obj
def demo(obj: Ctx, duration: float, workers: int) -> None:
    """Run the whole loop offline: sample sites, a webhook receiver and an SMTP server on loopback."""
    from govwatch.demo import run_demo

    _setup_logging("DEBUG" if obj.verbose else "WARNING")
    run_demo(data_dir=Path(obj.data_dir) if obj.data_dir else None, duration=duration, workers=workers,
             log_level="DEBUG" if obj.verbose else "WARNING")


@cli.command()
@click.option("--host", help="address to listen on [api.host in govwatch.yaml; default 127.0.0.1]")
@click.option("--port", type=click.IntRange(1, 65535), help="port [api.port; default 8080]")
@click.option("--no-auth", is_flag=True, help="serve without tokens: only with none configured, only on 127.0.0.1")
@click.pass_obj
def api(obj: Ctx, host: str | None, port: int | None, no_auth: bool) -> None:
    """Serve the HTTP API (bearer tokens from api.tokens or GOVWATCH_API_TOKEN) until Ctrl-C."""
    from govwatch.api import serve

    try:
        serve(obj.settings(), host=host, port=port, no_auth=no_auth)
    except GovwatchError as e:
        _fail(e)


def main() -> None:
    cli(prog_name="govwatch")


# the command groups in cli_*.py register themselves on `cli`
from govwatch import cli_db, cli_ops, cli_outbox  # noqa: E402, F401

if __name__ == "__main__":
    main()
