"""``govwatch extract FILE|URL``: run the parser and the rules on one page, as the pipeline would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crawler.article import parse_article, parse_text
from crawler.encoding import decode
from crawler.errors import CrawlError, NotHTML
from crawler.fetch import Fetcher
from crawler.records import Article, FetchedPage
from govwatch.errors import GovwatchError
from rules.extract import extract

_HTML = re.compile(rb"<(html|body|div|p|meta|title)\b", re.I)


def read_source(source: str, *, user_agent: str) -> Article:
    try:
        if re.match(r"^https?://", source):
            with Fetcher(user_agent=user_agent) as f:
                return parse_article(f.get(source))
        path = Path(source)
        raw = path.read_bytes()
        if _HTML.search(raw[:4096]):
            text, enc = decode(raw, "text/html")
            page = FetchedPage(
                url=path.resolve().as_uri(), status=200, content=raw, text=text, encoding=enc, content_type="text/html"
            )
            return parse_article(page)
        if b"\x00" in raw[:4096]:
            raise NotHTML(path.resolve().as_uri(), "a binary file")
        text, _ = decode(raw, "text/plain")
        return parse_text(text, url=path.resolve().as_uri())
    except CrawlError as e:
        raise GovwatchError(str(e)) from None


def extract_source(source: str, *, region: str | None = None, user_agent: str) -> dict[str, Any]:
    article = read_source(source, user_agent=user_agent)
    facts = extract(article.text, title=article.title, region=region, published=article.published,
                    source=article.source or "")
    return {
        "url": article.url,
        "title": article.title,
        "published": article.published,
        "source": article.source,
        "region": facts.region or region,
        "text": article.text,
        "metrics": [m.to_dict() for m in facts.metrics],
        "initiatives": [i.to_dict() for i in facts.initiatives],
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        f"title:     {result['title']}",
        f"published: {result['published'] or '-'}",
        f"source:    {result['source'] or '-'}",
        f"region:    {result['region'] or '-'}",
        f"text:      {len(result['text'])} characters",
        "",
        f"METRICS ({len(result['metrics'])})",
    ]
    for m in result["metrics"]:
        approx = f" ({m['approx']})" if m.get("approx") else ""
        period = f" [{m['period']}]" if m.get("period") else ""
        lines.append(f"  {m['indicator']} = {m['value']} {m['unit']}{approx}{period}  <{m['kind']}>  «{m['text']}»")
    lines += ["", f"INITIATIVES ({len(result['initiatives'])})"]
    for i in result["initiatives"]:
        lines.append(f"  {i['name']}  <{i['kind']}>  «{i['text']}»")
    return "\n".join(lines)
