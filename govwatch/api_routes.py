"""HTTP API routes for sites, crawls, status, articles and facts (all need a bearer token).

::

    GET  /sites                       configured sites with their last crawl
    POST /sites/{id}/crawl?force=     queue a crawl now                      → 202
    POST /recrawl   {"url": …}        re-fetch one article of a configured site → 202
    GET  /status                      what ``govwatch status --json`` prints
    GET  /articles?site=&region=&limit=&offset=
    GET  /articles/{id}               one article with its text and facts
    GET  /facts?region=&indicator=&kind=&limit=&offset=
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from govwatch import api_queries
from govwatch.api_common import ERRORS, ApiError, Ctx, plain
from govwatch.settings import SiteConfig

router = APIRouter(responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=500, description="at most this many rows")]
Offset = Annotated[int, Query(ge=0, description="skip this many rows (paging)")]


class RecrawlRequest(BaseModel):
    """``{"url": "http://sfj.zaozhuang.gov.cn/art/2026/11/20/art_1_2.html"}``"""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000, examples=["http://sfj.zaozhuang.gov.cn/art/2026/11/20/art_1_2.html"])


def _site(site: SiteConfig, summary: dict[str, Any] | None) -> dict[str, Any]:
    state = plain(summary or {})
    return {
        "id": site.id, "name": site.name, "region": site.region, "list_urls": list(site.list_urls),
        "list_api": site.list_api.url if site.list_api else None, "interval": site.interval, "paused": site.paused,
        "last_crawl_at": state.get("last_crawl_at"), "last_result": state.get("last_result"),
        "last_error": state.get("last_error"), "last_new": state.get("last_new"), "articles": state.get("articles", 0),
    }  # fmt: skip


@router.get("/sites", tags=["sites"], summary="Configured sites with their last crawl")
def list_sites(ctx: Ctx) -> list[dict[str, Any]]:
    """Every site in govwatch.yaml, with the result, time and error of its last crawl and its article count."""
    summaries = {r["id"]: r for r in ctx.store.site_summaries()}
    return [_site(s, summaries.get(s.id)) for s in ctx.settings.sites]


@router.post("/sites/{site_id}/crawl", status_code=202, tags=["sites"], summary="Crawl a site now")
def crawl_site(site_id: str, ctx: Ctx, force: bool = False) -> dict[str, Any]:
    """Queue a crawl of ``site_id`` for the monitor's workers; ``force`` ignores ETag and unchanged lists.

    ``queued`` is false when a crawl of this site is already queued or running.
    """
    from workers.queues import enqueue_crawl

    ctx.settings.site(site_id)  # UnknownSite: 404
    with ctx.redis() as conn:
        queued = enqueue_crawl(conn, site_id, force=force)
    return {"site": site_id, "queued": queued, "force": force}


@router.post("/recrawl", status_code=202, tags=["sites"], summary="Re-fetch and re-process one article")
def recrawl(body: RecrawlRequest, ctx: Ctx) -> dict[str, Any]:
    """Queue one article URL to be fetched and processed again, even if unchanged.

    The URL's host must be a configured site's list host, and (unless ``allow_private_targets``)
    it must not resolve to a loopback, private, link-local, reserved or multicast address: 400 otherwise.
    """
    from crawler.urls import canonicalize
    from govwatch.netguard import check_recrawl
    from workers.queues import enqueue_article

    check_recrawl(ctx.settings, body.url)
    try:
        canon = canonicalize(body.url)
    except ValueError as e:
        raise ApiError(400, "bad_url", str(e)) from None
    site = check_recrawl(ctx.settings, canon)  # the canonical form is what the crawler will fetch
    aid = ctx.store.add_article(site.id, site.region, canon)
    with ctx.redis() as conn:
        queued = enqueue_article(conn, aid, force=True)
    return {"article_id": aid, "url": canon, "site": site.id, "queued": queued}


@router.get("/status", tags=["status"], summary="What govwatch status --json prints")
def status(ctx: Ctx) -> dict[str, Any]:
    """Each site's last crawl, queue lengths, failed jobs and delivery counts (``govwatch.status.collect``)."""
    from govwatch.status import collect

    report = collect(ctx.settings)
    if report.get("redis"):
        report["redis"] = _redact(report["redis"])
    report["sites"] = [plain(s) for s in report["sites"]]
    return report


def _redact(url: str) -> str:
    """A Redis URL without its password: ``redis://:secret@h:6379/0`` → ``redis://:***@h:6379/0``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@router.get("/articles", tags=["articles"], summary="Articles, newest first")
def list_articles(ctx: Ctx, site: str | None = None, region: str | None = None, limit: Limit = 50,
                  offset: Offset = 0) -> list[dict[str, Any]]:
    """Articles without their text: id, site, URL, region, title, publication date, processing status."""
    return api_queries.list_articles(ctx.store.engine, site=site, region=region, limit=limit, offset=offset)


@router.get("/articles/{article_id}", tags=["articles"], summary="One article with its facts")
def get_article(article_id: int, ctx: Ctx) -> dict[str, Any]:
    """The article's text and metadata, ``extracted`` (metrics and initiatives as parsed) and ``facts`` rows."""
    row = api_queries.article_with_facts(ctx.store.engine, article_id)
    if row is None:
        raise ApiError(404, "not_found", f"no article {article_id}")
    return row


@router.get("/facts", tags=["articles"], summary="Facts, newest first")
def list_facts(ctx: Ctx, region: str | None = None, indicator: str | None = None,
               kind: Literal["metric", "initiative"] | None = None, limit: Limit = 100,
               offset: Offset = 0) -> list[dict[str, Any]]:
    """Metrics and initiatives, optionally of one region and one indicator (its name or canonical name)."""
    return api_queries.list_facts(ctx.store.engine, region=region, indicator=indicator, kind=kind, limit=limit,
                                  offset=offset)
