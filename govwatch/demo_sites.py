"""Sample government sites served on loopback, for ``govwatch demo`` and the end-to-end tests.

Two CMS styles, built from ``demo_site/releases.yaml``:

* :class:`TrsSite` — TRS WCM: ``/sfj/tzgg/index.html`` lists ``./202611/t20261120_7001004.html``
  with cut titles in the text and full ones in ``title=``; articles carry ``ArticleTitle``/``PubDate``
  meta and a ``div.TRS_Editor`` body between navigation and a 相关阅读 block.
* :class:`HanwebSite` — Hanweb: ``/col/col1001/index.html`` embeds its list as
  ``<script type="text/xml"><datastore>…<record><![CDATA[…]]></record>``; articles live at
  ``/art/2026/11/18/art_1001_4932003.html`` with ``Maketime`` meta, a glued 来源/时间 line and ``#zoom``.

Each site starts with part of its releases published (the back catalogue); :meth:`publish_next`
publishes one more, as a real site would while the monitor runs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from govwatch.loopback import SiteServer


@dataclass(frozen=True)
class Release:
    id: int
    date: str  # "2026-11-20 16:20:00"
    title: str
    source: str
    paragraphs: tuple[str, ...]


def load_releases() -> dict[str, list[Release]]:
    raw = yaml.safe_load(resources.files("govwatch").joinpath("demo_site/releases.yaml").read_text("utf-8"))
    return {k: [Release(**dict(r, paragraphs=tuple(r["paragraphs"]))) for r in v] for k, v in raw.items()}


def _cut(title: str, n: int = 14) -> str:
    return title if len(title) <= n else title[:n] + "…"


class _Site:
    region = ""
    name = ""

    def __init__(self, releases: list[Release], *, initially: int = 3) -> None:
        self.server = SiteServer()
        self.pending = list(releases)
        self.published: list[Release] = []
        self.initially = initially

    def start(self) -> _Site:
        self.server.start()
        for _ in range(min(self.initially, len(self.pending))):
            self._add(self.pending.pop(0))
        self._render_list()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> _Site:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def publish_next(self) -> Release | None:
        if not self.pending:
            return None
        rel = self.pending.pop(0)
        self._add(rel)
        self._render_list()
        return rel

    def _add(self, rel: Release) -> None:
        self.published.insert(0, rel)
        self.server.set(self.article_path(rel), self.article_html(rel))

    def article_url(self, rel: Release) -> str:
        return self.server.url(self.article_path(rel))

    def config(self, site_id: str, interval: str = "2s") -> dict[str, Any]:
        return {
            "id": site_id,
            "name": self.name,
            "region": self.region,
            "list_urls": [self.list_url],
            "interval": interval,
            "min_delay": 0,
        }

    @property
    def list_url(self) -> str:
        return self.server.url(self.list_path)

    # implemented by each CMS style
    list_path = ""

    def article_path(self, rel: Release) -> str:
        raise NotImplementedError

    def article_html(self, rel: Release) -> str:
        raise NotImplementedError

    def _render_list(self) -> None:
        raise NotImplementedError


class TrsSite(_Site):
    region = "枣庄市"
    name = "枣庄市司法局"
    list_path = "/sfj/tzgg/index.html"

    def article_path(self, rel: Release) -> str:
        d = rel.date[:10].replace("-", "")
        return f"/sfj/tzgg/{d[:6]}/t{d}_{rel.id}.html"

    def _render_list(self) -> None:
        items = "\n".join(
            f'<li><a href=".{self.article_path(r)[len("/sfj/tzgg") :]}" title="{html.escape(r.title)}" '
            f'target="_blank">{html.escape(_cut(r.title))}</a><span>{r.date[:10]}</span></li>'
            for r in self.published
        )
        self.server.set(self.list_path, TRS_LIST.format(items=items))

    def article_html(self, rel: Release) -> str:
        body = "\n".join(f"<p>\u3000\u3000{html.escape(p)}</p>" for p in rel.paragraphs)
        return TRS_ARTICLE.format(
            title=html.escape(rel.title), date=rel.date, source=html.escape(rel.source), body=body
        )


class HanwebSite(_Site):
    region = "黄石市"
    name = "黄石市司法局"
    list_path = "/col/col1001/index.html"

    def article_path(self, rel: Release) -> str:
        y, m, d = (int(x) for x in rel.date[:10].split("-"))
        return f"/art/{y}/{m}/{d}/art_1001_{rel.id}.html"

    def _render_list(self) -> None:
        records = "\n".join(
            f'<record><![CDATA[<li><a href="{self.article_path(r)}" title="{html.escape(r.title)}" '
            f'target="_blank">{html.escape(_cut(r.title, 18))}</a><span>{r.date[:10]}</span></li>]]></record>'
            for r in self.published
        )
        self.server.set(self.list_path, HANWEB_LIST.format(records=records, total=len(self.published)))

    def article_html(self, rel: Release) -> str:
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in rel.paragraphs)
        return HANWEB_ARTICLE.format(
            title=html.escape(rel.title), date=rel.date, source=html.escape(rel.source), body=body
        )


TRS_LIST = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告_枣庄市司法局</title></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/sfj/jgjj/index.html">机构简介</a>
<a href="/sfj/zcfg/index.html">政策法规</a> <a href="/sfj/tzgg/index.html">通知公告</a></div>
<div class="position">您现在的位置:<a href="/">首页</a> &gt; 通知公告</div>
<div class="list1"><ul>
{items}
</ul></div>
<div class="page"><script>createPageHTML(1, 0, "index", "html");</script></div>
<div class="footer">主办单位:枣庄市司法局 <a href="/sfj/wzdt/index.html">网站地图</a> 鲁ICP备00000000号</div>
</body></html>
"""

TRS_ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="SiteName" content="枣庄市司法局"><meta name="ColumnName" content="通知公告">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">
<meta name="ContentSource" content="{source}">
<title>{title}_通知公告_枣庄市司法局</title></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/sfj/tzgg/index.html">通知公告</a> 简体 繁体 无障碍</div>
<div class="position">您现在的位置:<a href="/">首页</a> &gt; 通知公告</div>
<div class="article">
<h1>{title}</h1>
<div class="info">发布时间:{date} 来源:{source} 【字体:大 中 小】【打印】</div>
<div class="TRS_Editor">
{body}
</div>
<div class="related"><h3>相关阅读</h3><ul>
<li><a href="../202001/t20200105_1000001.html">枣庄市2019年度依法行政考核结果公布</a><span>2020-01-05</span></li>
</ul></div>
</div>
<div class="footer">【打印本页】【关闭窗口】 主办单位:枣庄市司法局</div>
</body></html>
"""

HANWEB_LIST = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>工作动态 黄石市司法局</title></head>
<body>
<div class="nav"><a href="/">网站首页</a> <a href="/col/col1000/index.html">机构概况</a>
<a href="/col/col1001/index.html">工作动态</a></div>
<div id="3001"><script type="text/xml"><datastore>
<recordset>
{records}
</recordset></datastore></script></div>
<div class="footer">版权所有:黄石市司法局 <a href="/col/col999/index.html">联系我们</a></div>
</body></html>
"""

HANWEB_ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name='Maketime' content='{date}'>
<title>{title} 黄石市司法局</title></head>
<body>
<div class="nav"><a href="/">网站首页</a> <a href="/col/col1001/index.html">工作动态</a></div>
<div class="detail">
<div class="title">{title}</div>
<div class="source">来源: {source}时间: {date}</div>
<div id="zoom">
<!--ZJEG_RSS.content.begin-->
{body}
<!--ZJEG_RSS.content.end-->
</div>
</div>
<div class="footer">扫一扫在手机打开当前页 版权所有:黄石市司法局</div>
</body></html>
"""
