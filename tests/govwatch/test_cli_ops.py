"""`govwatch sites …`, `jobs …`, `articles …` and `export` as an operator uses them."""

from __future__ import annotations

import csv
import difflib
import io
import json
import operator
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from click.testing import CliRunner, Result
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry

from govwatch.cli import cli
from govwatch.settings import load_settings
from govwatch.storage import Store
from workers.queues import CRAWL, PARSE

CONFIG = """\
# operators' notes: this comment must survive every edit
sites:
  - id: zz                          # 枣庄 justice bureau
    name: 枣庄市司法局
    region: 枣庄市
    list_urls: ["http://sfj.zaozhuang.gov.cn/col/col1001/index.html"]
    interval: 10m

  - id: hs
    region: 黄石市
    list_urls: ["http://sfj.huangshi.gov.cn/tzgg/"]

smtp:
  host: localhost   # the relay on this machine
  port: 25
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    cfg = tmp_path / "conf" / "govwatch.yaml"
    cfg.parent.mkdir()
    cfg.write_text(CONFIG, encoding="utf-8")
    return {"GOVWATCH_CONFIG": str(cfg), "GOVWATCH_DATA_DIR": str(tmp_path / "data"),
            "GOVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}


def invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def config_text(env: dict[str, str]) -> str:
    return Path(env["GOVWATCH_CONFIG"]).read_text(encoding="utf-8")


def only_insertions(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any line of ``before`` was changed or removed."""
    a, b = before.splitlines(), after.splitlines()
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    assert all(tag in ("equal", "insert") for tag, *_ in ops), "\n".join(difflib.unified_diff(a, b, lineterm=""))
    return [line for tag, _, _, j1, j2 in ops if tag == "insert" for line in b[j1:j2]]


# ---- sites ---------------------------------------------------------------------------------------


def test_sites_add_pause_resume_edit_the_file_in_place(env: dict[str, str]) -> None:
    res = invoke(env, "sites", "add", "jn", "--region", "济南市", "--name", "济南市司法局", "--interval", "30m",
                 "--list-url", "http://jnsfj.jinan.gov.cn/col/col3445/index.html",
                 "--list-url", "https://jnsfj.jinan.gov.cn/col/col3446/index.html")
    assert res.exit_code == 0, res.output
    assert "the running monitor picks this up within a minute" in res.output
    added = only_insertions(CONFIG, config_text(env))
    assert [ln.strip() for ln in added] == [
        "- id: jn", "name: 济南市司法局", "region: 济南市",
        'list_urls: ["http://jnsfj.jinan.gov.cn/col/col3445/index.html", '
        '"https://jnsfj.jinan.gov.cn/col/col3446/index.html"]',
        "interval: 30m",
    ]
    site = load_settings(env["GOVWATCH_CONFIG"], env={}).site("jn")
    assert (site.region, site.name, site.interval, len(site.list_urls)) == ("济南市", "济南市司法局", 1800.0, 2)

    before = config_text(env)
    assert invoke(env, "sites", "pause", "zz").exit_code == 0
    assert [ln.strip() for ln in only_insertions(before, config_text(env))] == ["paused: true"]
    assert "    paused: true\n    interval: 10m" in config_text(env)  # inside the site, not after the blank line
    assert load_settings(env["GOVWATCH_CONFIG"], env={}).site("zz").paused is True

    res = invoke(env, "sites", "resume", "zz")
    assert res.exit_code == 0 and "within a minute" in res.output
    text = config_text(env)
    assert "paused: false" in text and "# operators' notes: this comment must survive every edit" in text
    assert "# 枣庄 justice bureau" in text and "host: localhost   # the relay on this machine" in text
    assert load_settings(env["GOVWATCH_CONFIG"], env={}).site("zz").paused is False

    res = invoke(env, "sites", "resume", "zz")
    assert res.exit_code == 0 and "nothing changed" in res.output and config_text(env) == text


def test_sites_add_quotes_words_yaml_would_read_as_booleans(env: dict[str, str]) -> None:
    res = invoke(env, "sites", "add", "no", "--region", "on", "--name", "yes", "--list-url", "http://x.gov.cn/")
    assert res.exit_code == 0, res.output
    site = load_settings(env["GOVWATCH_CONFIG"], env={}).site("no")
    assert (site.id, site.region, site.name) == ("no", "on", "yes")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sites", "add", "zz", "--region", "枣庄市", "--list-url", "http://other.gov.cn/"), "'zz' exists already"),
        (("sites", "add", "ftp", "--region", "某市", "--list-url", "ftp://files.gov.cn/list/"), "is not http(s)"),
        (("sites", "pause", "nowhere"), "no site with id 'nowhere'"),
    ],
)
def test_refused_edit_leaves_the_file_unchanged(env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    cfg = Path(env["GOVWATCH_CONFIG"])
    res = invoke(env, *args)
    assert res.exit_code == 1 and message in res.output and "was not changed" in res.output
    assert cfg.read_text(encoding="utf-8") == CONFIG
    assert [p.name for p in cfg.parent.iterdir()] == ["govwatch.yaml"]  # no temporary file left behind


def test_sites_add_rejects_a_bad_interval_before_touching_the_file(env: dict[str, str]) -> None:
    res = invoke(env, "sites", "add", "x", "--region", "某市", "--list-url", "http://x.gov.cn/", "--interval", "often")
    assert res.exit_code == 2 and "not like 90s, 10m or 1h" in res.output
    assert config_text(env) == CONFIG


def test_sites_list_joins_configuration_and_crawl_state(env: dict[str, str]) -> None:
    store = Store.connect(env["GOVWATCH_DATABASE_URL"])
    store.create_all()
    store.sync_sites([("zz", "枣庄市", "枣庄市司法局"), ("gone", "某市", None)])
    store.add_articles("zz", "枣庄市", [ref(1), ref(2)], silent=True)
    store.record_crawl("zz", result="partial", error="HTTP 404: http://sfj.zaozhuang.gov.cn/x", new=2,
                       list_state={}, baseline_done=True)
    invoke(env, "sites", "pause", "hs")
    rows = {r["id"]: r for r in json.loads(invoke(env, "sites", "list", "--json").stdout)}
    assert (rows["zz"]["articles"], rows["zz"]["last_result"], rows["zz"]["interval"]) == (2, "partial", 600.0)
    assert rows["hs"]["paused"] is True and rows["hs"]["last_crawl_at"] is None
    assert rows["gone"]["configured"] is False
    out = invoke(env, "sites", "list").output
    assert "last error: HTTP 404: http://sfj.zaozhuang.gov.cn/x" in out and "PAUSED" in out and "removed" in out
    assert "http://sfj.huangshi.gov.cn/tzgg/" in out


# ---- jobs ----------------------------------------------------------------------------------------


@pytest.fixture
def failed_jobs(redis_url: str, redis_conn: redis.Redis) -> redis.Redis:
    """One failed parse job and one failed crawl job, run by a real worker."""
    parse, crawl = Queue(PARSE, connection=redis_conn), Queue(CRAWL, connection=redis_conn)
    parse.enqueue(operator.truediv, 1, 0, job_id="article-7", description="article 7")
    crawl.enqueue(operator.truediv, 2, 0, job_id="crawl-zz", description="crawl zz")
    SimpleWorker([crawl, parse], connection=redis_conn).work(burst=True)
    assert FailedJobRegistry(queue=parse).count == 1 and FailedJobRegistry(queue=crawl).count == 1
    return redis_conn


def test_jobs_failed_lists_the_error(env: dict[str, str], redis_url: str, failed_jobs: redis.Redis) -> None:
    env = dict(env, GOVWATCH_REDIS_URL=redis_url)
    out = invoke(env, "jobs", "failed").output
    assert "article-7" in out and "article 7" in out and "crawl-zz" in out
    assert "ZeroDivisionError: division by zero" in out
    rows = json.loads(invoke(env, "jobs", "failed", "--queue", "parse", "--json").stdout)
    assert [(r["id"], r["queue"], r["error"]) for r in rows] == [
        ("article-7", "parse", "ZeroDivisionError: division by zero")]
    assert rows[0]["enqueued_at"] and rows[0]["ended_at"]


def test_jobs_requeue(env: dict[str, str], redis_url: str, failed_jobs: redis.Redis) -> None:
    env = dict(env, GOVWATCH_REDIS_URL=redis_url)
    parse, crawl = Queue(PARSE, connection=failed_jobs), Queue(CRAWL, connection=failed_jobs)
    res = invoke(env, "jobs", "requeue", "article-7", "nope")
    assert res.exit_code == 1
    assert "article-7: requeued" in res.output and "nope: not requeued: no such job" in res.output
    assert parse.job_ids == ["article-7"] and FailedJobRegistry(queue=parse).count == 0
    assert crawl.job_ids == []  # only the named job
    res = invoke(env, "jobs", "requeue", "article-7")
    assert res.exit_code == 1 and "not in the failed registry" in res.output
    assert invoke(env, "jobs", "requeue", "--all", "--queue", "crawl").exit_code == 0
    assert crawl.job_ids == ["crawl-zz"] and FailedJobRegistry(queue=crawl).count == 0
    assert "no failed jobs" in invoke(env, "jobs", "failed").output
    assert invoke(env, "jobs", "requeue").exit_code == 2  # neither ids nor --all


# ---- articles and export -------------------------------------------------------------------------


def ref(n: int, title: str = "列表标题") -> SimpleNamespace:
    return SimpleNamespace(url=f"http://sfj.zaozhuang.gov.cn/art/{n}.html", title=title, published="2026-01-01")


METRIC = {"indicator": "行政机关负责人出庭应诉率", "value": 100.0, "unit": "%", "kind": "rate", "approx": None,
          "period": "2025年", "text": "全市行政机关负责人出庭应诉率达100%"}
INITIATIVE = {"name": "枣庄市行政规范性文件管理办法", "kind": "document",
              "text": "印发《枣庄市行政规范性文件管理办法》"}
TITLE = "枣庄市2025年法治政府建设情况报告"
TEXT = f"{TITLE}\n\n全市行政机关负责人出庭应诉率达100%。\n印发《枣庄市行政规范性文件管理办法》。"


def fact_rows(region: str, published: str) -> list[dict]:
    return [
        dict(region=region, kind="metric", name=METRIC["indicator"], value=100.0, unit="%", period="2025年",
             data=METRIC, canonical="出庭应诉率", series="出庭应诉率|rate|%", period_key="2025-12",
             published=published),
        dict(region=region, kind="initiative", name=INITIATIVE["name"], value=None, unit=None, period=None,
             data=INITIATIVE, canonical=INITIATIVE["name"], series=None, period_key=None, published=published),
    ]


@pytest.fixture
def filled(env: dict[str, str]) -> dict[str, int]:
    """Three articles of site zz: one stored with two facts, one stored without, one that failed."""
    store = Store.connect(env["GOVWATCH_DATABASE_URL"])
    store.create_all()
    store.sync_sites([("zz", "枣庄市", "枣庄市司法局"), ("hs", "黄石市", None)])
    a1, a2, a3 = store.add_articles("zz", "枣庄市", [ref(1), ref(2), ref(3)], silent=False)
    [a4] = store.add_articles("hs", "黄石市", [ref(4)], silent=False)
    store.save_processed(a1, fields=dict(title=TITLE, published="2026-01-20T09:00:00+08:00",
                                         source="枣庄市司法局", text=TEXT, region="枣庄市", content_hash="h1",
                                         facts={"metrics": [METRIC], "initiatives": [INITIATIVE]}),
                         fact_rows=fact_rows("枣庄市", "2026-01-20T09:00:00+08:00"), new_events=[])
    store.save_processed(a2, fields=dict(title="=HYPERLINK(\"http://evil/\")", published="2025-12-01", text="短",
                                         region="枣庄市", content_hash="h2", facts={"metrics": [], "initiatives": []}),
                         fact_rows=[], new_events=[])
    store.mark_article_error(a3, "HTTP 404: http://sfj.zaozhuang.gov.cn/art/3.html")
    store.save_processed(a4, fields=dict(title="黄石市通知", published="2026-02-01", text="黄石", region="黄石市",
                                         content_hash="h4", facts={"metrics": [METRIC], "initiatives": []}),
                         fact_rows=fact_rows("黄石市", "2026-02-01")[:1], new_events=[])
    store.close()
    return {"stored": a1, "empty": a2, "error": a3, "other": a4}


def test_articles_list_filters_and_counts_facts(env: dict[str, str], filled: dict[str, int]) -> None:
    rows = json.loads(invoke(env, "articles", "list", "--site", "zz", "--json").stdout)
    assert [(r["id"], r["status"], r["facts"]) for r in rows] == [
        (filled["error"], "error", 0), (filled["empty"], "ok", 0), (filled["stored"], "ok", 2)]
    assert rows[0]["title"] == "列表标题"  # not fetched: the title from the list page
    assert len(json.loads(invoke(env, "articles", "list", "--json", "--limit", "2").stdout)) == 2
    rows = json.loads(invoke(env, "articles", "list", "--region", "黄石市", "--json").stdout)
    assert [r["id"] for r in rows] == [filled["other"]]
    out = invoke(env, "articles", "list", "--status", "error").output
    assert "HTTP 404: http://sfj.zaozhuang.gov.cn/art/3.html" in out and "法治政府" not in out


def test_articles_show(env: dict[str, str], filled: dict[str, int]) -> None:
    res = invoke(env, "articles", "show", str(filled["stored"]), "--lines", "2")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "source     枣庄市司法局" in out and "METRICS (1)" in out and "INITIATIVES (1)" in out
    assert "行政机关负责人出庭应诉率 = 100 %  [2025年]" in out and "枣庄市行政规范性文件管理办法 (document)" in out
    assert "全市行政机关负责人出庭应诉率达100%。" in out and "印发《" not in out.split("TEXT")[1]  # 2 lines only
    by_url = json.loads(invoke(env, "articles", "show", "http://SFJ.zaozhuang.gov.cn/art/1.html", "--json").stdout)
    assert by_url["id"] == filled["stored"] and by_url["facts"]["metrics"][0]["value"] == 100.0
    res = invoke(env, "articles", "show", "999")
    assert res.exit_code == 1 and "no article '999'" in res.output


def test_export_articles_csv_opens_in_excel(env: dict[str, str], filled: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    res = invoke(env, "export", "--region", "枣庄市", "-o", str(out))
    assert res.exit_code == 0 and "exported 3 articles" in res.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == [TITLE, "'=HYPERLINK(\"http://evil/\")", "列表标题"]
    assert rows[0]["text_length"] == str(len(TEXT))
    assert (rows[2]["status"], rows[2]["text_length"], rows[0]["site"]) == ("error", "0", "zz")
    res = invoke(env, "export", "--since", "2026-01-15", "-o", str(out))
    titles = [r["title"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
    assert titles == [TITLE, "黄石市通知"]  # by publication date (from the list page when unread)


def test_export_facts_jsonl_with_progress(env: dict[str, str], filled: dict[str, int],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("govwatch.export.PROGRESS_EVERY", 2)
    res = invoke(env, "export", "--what", "facts", "--format", "jsonl")
    assert res.exit_code == 0
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(r["region"], r["kind"]) for r in rows] == [
        ("枣庄市", "metric"), ("枣庄市", "initiative"), ("黄石市", "metric")]
    assert rows[0]["value"] == 100.0 and rows[0]["evidence"] == "全市行政机关负责人出庭应诉率达100%"
    assert rows[0]["article_url"] == "http://sfj.zaozhuang.gov.cn/art/1.html" and rows[1]["value"] is None
    assert "2 facts…" in res.stderr and "exported 3 facts to stdout" in res.stderr
    assert not res.stdout.startswith("\ufeff")  # JSON lines carry no BOM
    res = invoke(env, "export", "--what", "facts", "--format", "csv", "--region", "黄石市")
    lines = res.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("region,kind,name,value") and len(lines) == 2 and ",100,%," in lines[1]


def test_commands_refuse_a_missing_database(env: dict[str, str]) -> None:
    res = invoke(env, "articles", "list")
    assert res.exit_code == 1 and "no govwatch database" in res.output
    assert not Path(env["GOVWATCH_DATABASE_URL"].removeprefix("sqlite:///")).exists()
