"""Operator commands: ``govwatch sites …``, ``jobs …``, ``articles …`` and ``export``.

``sites add|pause|resume`` edit govwatch.yaml in place (comments kept, checked before it is
replaced, see :mod:`govwatch.config_edit`); a running monitor re-reads the file when it changes.
The others read the database and Redis that ``govwatch run`` uses.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from govwatch.cli import Ctx, _hint_if_not_running, cli
from govwatch.errors import GovwatchError
from govwatch.failed_jobs import SHORT_NAMES
from govwatch.ops_render import render_article, render_sites, when
from govwatch.settings import Settings, SiteConfig, parse_interval
from govwatch.storage import Store

PICKED_UP = "the running monitor picks this up within a minute"
"""What an edit of govwatch.yaml tells the operator: the scheduler and workers re-read a changed file."""

ARTICLE_STATUSES = ("ok", "error", "pending", "retry")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _store_if_any(settings: Settings) -> Store | None:
    """The monitor's database, or None where none exists yet (never creates one for a wrong --data-dir)."""
    if settings.database_url.startswith("sqlite:///"):
        if not Path(settings.database_url.removeprefix("sqlite:///")).exists():
            return None
    store = Store.connect(settings.database_url)
    store.create_all()
    return store


def _store(settings: Settings) -> Store:
    store = _store_if_any(settings)
    if store is None:
        raise click.ClickException(f"no govwatch database at {settings.database_url} yet "
                                   "(has `govwatch run` run with this --data-dir?)")
    return store


# ---- sites ---------------------------------------------------------------------------------------


@cli.group()
def sites() -> None:
    """List the monitored sites; add, pause or resume one in govwatch.yaml.

    Edits keep the file's comments and layout, and are checked before the file is replaced: an
    edit that would not load is refused and the file stays as it was.
    """


@sites.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_obj
def sites_list(obj: Ctx, as_json: bool) -> None:
    """Each site: region, interval, paused, list URLs, and its last crawl, result, error and articles."""
    settings = obj.settings()
    store = _store_if_any(settings)
    state = {r["id"]: r for r in store.site_summaries()} if store else {}
    rows = [_site_row(s, state.pop(s.id, {})) for s in settings.sites]
    rows += [dict(_site_row(None, r), configured=False) for r in state.values()]  # left over from removed sites
    if as_json:
        click.echo(_json(rows))
        return
    for line in render_sites(rows):
        click.echo(line)
    if not rows:
        click.echo(f"no sites in {settings.config_path or 'govwatch.yaml'}: add one with `govwatch sites add`")


def _site_row(site: SiteConfig | None, db: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": db.get("id"), "name": db.get("name"), "region": db.get("region"),
                           "interval": None, "paused": None, "list_urls": [], "list_api": None, "configured": True}
    if site is not None:
        row.update(id=site.id, name=site.name, region=site.region, interval=site.interval, paused=site.paused,
                   list_urls=list(site.list_urls), list_api=site.list_api.url if site.list_api else None)
    for key in ("last_crawl_at", "last_result", "last_error", "last_new"):
        row[key] = db.get(key)
    row["articles"] = db.get("articles", 0)
    return row


def _interval(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            parse_interval(value)
        except GovwatchError as e:
            raise click.BadParameter(str(e)) from None
    return value


def _config_file(obj: Ctx) -> Path:
    try:
        path = obj.settings(require_config=True).config_path
    except GovwatchError as e:
        raise click.ClickException(str(e)) from None
    assert path is not None  # require_config: load_settings raised otherwise
    return path


@sites.command("add")
@click.argument("site_id")
@click.option("--region", required=True,
              help="the government the site speaks for, e.g. 枣庄市 (我市/本市 resolve to it)")
@click.option("--list-url", "list_urls", multiple=True, required=True,
              help="an http(s) list page of the releases to watch; repeat for several columns")
@click.option("--interval", callback=_interval, help="time between two polls: 90s, 10m, 1h [default 10m]")
@click.option("--name", help="a readable name shown in status and alerts, e.g. 枣庄市司法局")
@click.pass_obj
def sites_add(obj: Ctx, site_id: str, region: str, list_urls: tuple[str, ...], interval: str | None,
              name: str | None) -> None:
    """Add a site to govwatch.yaml (other keys keep their defaults; edit the file for them).

    Check it afterwards with `govwatch crawl SITE_ID` and `govwatch sites list`.
    """
    from govwatch.config_edit import NewSite, add_site

    path = _config_file(obj)
    try:
        add_site(path, NewSite(id=site_id, region=region, list_urls=list_urls, interval=interval, name=name))
    except GovwatchError as e:
        raise click.ClickException(f"{e}\n{path} was not changed") from None
    click.echo(f"added site {site_id} ({region}, every {interval or '10m'}) to {path}")
    click.echo(PICKED_UP)


def _set_paused(obj: Ctx, site_id: str, paused: bool) -> None:
    from govwatch.config_edit import set_paused

    path = _config_file(obj)
    try:
        changed = set_paused(path, site_id, paused)
    except GovwatchError as e:
        raise click.ClickException(f"{e}\n{path} was not changed") from None
    word = "paused" if paused else "resumed"
    if not changed:
        click.echo(f"{site_id} is already {'paused' if paused else 'active'}; nothing changed")
        return
    click.echo(f"{site_id} {word} in {path}")
    click.echo(PICKED_UP)


@sites.command("pause")
@click.argument("site_id")
@click.pass_obj
def sites_pause(obj: Ctx, site_id: str) -> None:
    """Stop polling a site (sets `paused: true` in govwatch.yaml); its articles and facts are kept."""
    _set_paused(obj, site_id, True)


@sites.command("resume")
@click.argument("site_id")
@click.pass_obj
def sites_resume(obj: Ctx, site_id: str) -> None:
    """Poll a paused site again (sets `paused: false`); articles published meanwhile are picked up."""
    _set_paused(obj, site_id, False)


# ---- jobs ----------------------------------------------------------------------------------------


@contextmanager
def _redis(obj: Ctx) -> Iterator[Any]:
    from govwatch.daemon import redis_for
    from govwatch.embedded_redis import connect

    try:
        with redis_for(obj.settings()) as url:
            yield connect(url)
    except GovwatchError as e:
        raise click.ClickException(str(e)) from None


@cli.group()
def jobs() -> None:
    """Jobs that failed (raised after their retries, or timed out), and putting them back.

    Failed jobs are kept a week. Every govwatch job is safe to run again: requeueing one never
    stores an article twice or sends an alert twice.
    """


@jobs.command("failed")
@click.option("--queue", "-q", type=click.Choice(SHORT_NAMES), help="only this queue")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="show at most N jobs")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_obj
def jobs_failed(obj: Ctx, queue: str | None, limit: int, as_json: bool) -> None:
    """Failed jobs, newest first: id, description, when queued and failed, and the error."""
    from govwatch.failed_jobs import failed

    with _redis(obj) as conn:
        rows = failed(conn, queue=queue, limit=limit)
    if as_json:
        click.echo(_json([j.to_dict() for j in rows]))
        return
    for j in rows:
        click.echo(f"{j.queue:<8} {j.id:<40} {j.description}")
        click.echo(f"         queued {when(j.enqueued_at)}, failed {when(j.ended_at)} (UTC)")
        click.echo(f"         {j.error or '(no error recorded)'}")
    if not rows:
        click.echo("no failed jobs" + (f" in the {queue} queue" if queue else ""))


@jobs.command("requeue")
@click.argument("job_ids", nargs=-1)
@click.option("--all", "all_jobs", is_flag=True, help="every failed job (of --queue, or of all queues)")
@click.option("--queue", "-q", type=click.Choice(SHORT_NAMES), help="with --all: only this queue")
@click.pass_obj
def jobs_requeue(obj: Ctx, job_ids: tuple[str, ...], all_jobs: bool, queue: str | None) -> None:
    """Put failed JOB_ID(s) back on their queue (ids from `govwatch jobs failed`), or --all of them."""
    from govwatch.failed_jobs import requeue, requeue_all

    if all_jobs and job_ids:
        raise click.UsageError("name JOB_IDs or pass --all, not both")
    if not all_jobs and not job_ids:
        raise click.UsageError("name the JOB_IDs to requeue (see `govwatch jobs failed`), or pass --all")
    if queue and not all_jobs:
        raise click.UsageError("--queue goes with --all")
    with _redis(obj) as conn:
        outcome = requeue_all(conn, queue=queue) if all_jobs else requeue(conn, list(job_ids))
    for jid, problem in outcome.items():
        click.echo(f"{jid}: {'requeued' if problem is None else 'not requeued: ' + problem}")
    if not outcome:
        click.echo("no failed jobs to requeue")
    _hint_if_not_running(obj)
    if any(problem is not None for problem in outcome.values()):
        raise SystemExit(1)


# ---- articles ------------------------------------------------------------------------------------


@cli.group()
def articles() -> None:
    """What was found: the newest articles, and one article with its facts."""


@articles.command("list")
@click.option("--site", help="only this site id")
@click.option("--region", help="only this region (exact name, e.g. 枣庄市)")
@click.option("--status", type=click.Choice(ARTICLE_STATUSES),
              help="ok: stored; error: could not be read; pending: not fetched yet; retry: will be fetched again")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_obj
def articles_list(obj: Ctx, site: str | None, region: str | None, status: str | None, limit: int,
                  as_json: bool) -> None:
    """The newest articles: id, site, published, status, number of facts, title."""
    from govwatch.queries import ArticleFilter, list_articles

    store = _store(obj.settings())
    rows = list_articles(store.engine, ArticleFilter(site=site, region=region, status=status), limit=limit)
    if as_json:
        click.echo(_json(rows))
        return
    if rows:
        click.echo(f"{'id':>6}  {'site':<20} {'published':<10}  {'status':<7} {'facts':>5}  title")
    for r in rows:
        click.echo(f"{r['id']:>6}  {r['site_id']:<20} {(r['published'] or '-')[:10]:<10}  {r['status']:<7} "
                   f"{r['facts']:>5}  {r['title'] or '(no title yet)'}")
        if r["error"] and r["status"] in ("error", "retry"):
            click.echo(f"{'':>8}{r['error']}")
    if not rows:
        click.echo("no articles match")


@articles.command("show")
@click.argument("article")
@click.option("--lines", default=10, show_default=True, type=click.IntRange(0), help="lines of text to show")
@click.option("--json", "as_json", is_flag=True, help="every stored field, the whole text and the facts")
@click.pass_obj
def articles_show(obj: Ctx, article: str, lines: int, as_json: bool) -> None:
    """One article, by id or URL: where it came from, its status, its metrics and initiatives, its text."""
    from govwatch.queries import find_article

    store = _store(obj.settings())
    row = find_article(store.engine, article)
    if row is None:
        raise click.ClickException(f"no article {article!r} (ids and URLs are listed by `govwatch articles list`)")
    click.echo(_json(row) if as_json else "\n".join(render_article(row, lines)))


# ---- export --------------------------------------------------------------------------------------


@cli.command()
@click.option("--what", type=click.Choice(["articles", "facts"]), default="articles", show_default=True,
              help="articles: url, site, region, title, published, source, text length, status. "
                   "facts: region, kind, name, value, unit, period, canonical, article url, published, evidence")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
              help="csv: UTF-8 with a byte-order mark, so Excel shows Chinese correctly; "
                   "jsonl: one JSON object per line, plain UTF-8")
@click.option("--region", help="only this region (exact name, e.g. 枣庄市)")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="only articles published on or after this day")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="file to write [default stdout]")
@click.pass_obj
def export(obj: Ctx, what: str, fmt: str, region: str | None, since: datetime | None, output: str | None) -> None:
    """Export articles or facts as CSV or JSON lines, streamed from the database.

    Rows come oldest first. Progress goes to stderr every 10,000 rows. In CSV, text cells starting
    with = + - or @ get a leading ' so that Excel does not read them as formulas.

    \b
      govwatch export --what facts --region 枣庄市 --since 2026-01-01 -o facts.csv
      govwatch export --format jsonl | gzip > articles.jsonl.gz
    """
    from govwatch.export import CSV_ENCODING, write_rows
    from govwatch.queries import ARTICLE_COLUMNS, FACT_COLUMNS, ExportFilter, export_rows

    store = _store(obj.settings())
    rows = export_rows(store.engine, what, ExportFilter(region=region, since=since and since.strftime("%Y-%m-%d")))
    columns = ARTICLE_COLUMNS if what == "articles" else FACT_COLUMNS
    encoding = CSV_ENCODING if fmt == "csv" else "utf-8"
    with _text_out(output, encoding) as out:
        n = write_rows(rows, out, fmt, columns, progress=lambda k: click.echo(f"  {k:,} {what}…", err=True))
    click.echo(f"exported {n:,} {what} to {output or 'stdout'}", err=True)


@contextmanager
def _text_out(output: str | None, encoding: str) -> Iterator[TextIO]:
    """stdout, or a file that appears under its name only once complete (no half export left behind)."""
    if output is None or output == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
        try:
            yield out
        finally:
            out.flush()
            out.detach()  # leave stdout open for click
        return
    path = Path(output)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding=encoding, newline="") as f:
            yield f
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
