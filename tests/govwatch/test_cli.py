"""The command line as an operator uses it (click's runner, real Redis, real loopback pages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govwatch.cli import cli
from govwatch.demo_sites import TrsSite, load_releases
from govwatch.storage import Store

CONFIG = """
sites:
  - id: zz
    region: 枣庄市
    list_urls: ["{list_url}"]
subscribers:
  - id: analyst
    email: analyst@example.org
"""


@pytest.fixture
def site() -> TrsSite:
    with TrsSite(load_releases()["trs"], initially=4) as s:
        yield s


@pytest.fixture
def env(tmp_path: Path, redis_url: str, redis_conn: object, site: TrsSite) -> dict[str, str]:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text(CONFIG.format(list_url=site.list_url), encoding="utf-8")
    return {"GOVWATCH_CONFIG": str(cfg), "GOVWATCH_DATA_DIR": str(tmp_path / "data"),
            "GOVWATCH_REDIS_URL": redis_url, "GOVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}


def invoke(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Exit code and output: stdout alone for --json (logs go to stderr), else both."""
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout if "--json" in args else result.output


def test_help_explains_the_commands() -> None:
    code, out = invoke({}, "--help")
    assert code == 0
    for command in ("run", "crawl", "recrawl", "status", "extract", "demo", "worker"):
        assert f"  {command}" in out
    code, out = invoke({}, "crawl", "--help")
    assert "--all" in out and "--force" in out


def test_extract_html_page_as_json(tmp_path: Path, site: TrsSite) -> None:
    rel = site.published[0]  # 枣庄市“一网通办”提速增效 …
    page = tmp_path / "page.html"
    page.write_text(site.article_html(rel), encoding="utf-8")
    code, out = invoke({}, "extract", str(page), "--json")
    assert code == 0, out
    got = json.loads(out)
    assert got["title"] == rel.title
    assert got["published"] == "2026-11-20T16:20:00+08:00"
    assert got["source"] == "枣庄市行政审批服务局"
    assert got["region"] == "枣庄市"
    assert "相关阅读" not in got["text"] and "打印本页" not in got["text"]
    assert {"indicator", "value", "unit", "approx", "kind", "period", "text"} <= set(got["metrics"][0])
    assert any(m["value"] == 64300 and m["unit"] == "户" for m in got["metrics"])
    assert any(m["value"] == 68 and "办理环节" in m["indicator"] for m in got["metrics"])


def test_extract_url_and_plain_text(tmp_path: Path, site: TrsSite) -> None:
    rel = site.published[1]
    code, out = invoke({}, "extract", site.article_url(rel), "--json")
    assert code == 0 and json.loads(out)["title"] == rel.title
    text = tmp_path / "release.txt"
    text.write_text(f"网站首页 > 工作动态\n{rel.title}\n来源: {rel.source}时间: {rel.date[:10]}\n"
                    + "\n".join(rel.paragraphs), encoding="utf-8")
    code, out = invoke({}, "extract", str(text))
    assert code == 0
    assert f"title:     {rel.title}" in out and f"published: {rel.date[:10]}" in out


def test_extract_reports_bad_input_clearly(tmp_path: Path, site: TrsSite) -> None:
    code, out = invoke({}, "extract", str(tmp_path / "missing.html"))
    assert code != 0 and "missing.html" in out
    code, out = invoke({}, "extract", site.server.url("/nope.html"))
    assert code != 0 and "HTTP 404" in out


def test_crawl_queues_and_status_reports(env: dict[str, str]) -> None:
    code, out = invoke(env, "crawl", "zz")
    assert code == 0 and "zz: crawl queued" in out
    code, out = invoke(env, "crawl", "--all")
    assert "a crawl is already queued" in out
    code, out = invoke(env, "crawl", "nope")
    assert code != 0 and "no site with id 'nope'" in out
    code, out = invoke(env, "status", "--json")
    report = json.loads(out)
    assert report["queues"]["crawl"]["queued"] == 1
    assert "no govwatch database" in report["database_error"]  # status never creates one
    store = Store.connect(env["GOVWATCH_DATABASE_URL"])  # what `govwatch run` does first
    store.create_all()
    store.sync_sites([("zz", "枣庄市", None)])
    code, out = invoke(env, "status")
    assert "zz" in out and "never" in out and "crawl" in out


def test_recrawl_needs_a_configured_site(env: dict[str, str], site: TrsSite) -> None:
    code, out = invoke(env, "recrawl", "http://elsewhere.example.org/a.html")
    assert code != 0 and "does not belong to exactly one configured site" in out
    code, out = invoke(env, "recrawl", site.article_url(site.published[0]))
    assert code == 0 and "re-processing queued" in out


def test_run_without_config_explains(tmp_path: Path) -> None:
    code, out = invoke({"GOVWATCH_CONFIG": str(tmp_path / "none.yaml")}, "run")
    assert code != 0 and "not found" in out and "govwatch.example.yaml" in out
