"""The HTTP API (`govwatch api`): tokens, JSON errors, OpenAPI, crawl triggers on the real Redis, SSRF refusals."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from click.testing import CliRunner
from fastapi.testclient import TestClient
from rq import Queue

from govwatch.api import create_app
from govwatch.cli import cli
from govwatch.settings import Settings, load_settings
from govwatch.storage import NewDelivery, NewEvent, Store

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

CONFIG = f"""
sites:
  - {{id: zz, region: 枣庄市, list_urls: ["http://sfj.zaozhuang.gov.cn/col/col1001/index.html"]}}
  - {{id: lan, region: 某市, list_urls: ["http://127.0.0.1:8000/list.html"]}}
subscribers:
  - {{id: from-config, email: analyst@example.org}}
api: {{tokens: [{TOKEN}]}}
"""


def make_settings(tmp_path: Path, database_url: str, redis_url: str, extra: str = "") -> Settings:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text(CONFIG + extra, encoding="utf-8")
    return load_settings(cfg, tmp_path / "data", env={"GOVWATCH_REDIS_URL": redis_url,
                                                      "GOVWATCH_DATABASE_URL": database_url})


@pytest.fixture
def settings(tmp_path: Path, database_url: str, redis_url: str, redis_conn: redis.Redis) -> Settings:
    return make_settings(tmp_path, database_url, redis_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


def queued(conn: redis.Redis, name: str) -> list[str]:
    return Queue(f"govwatch:{name}", connection=conn).job_ids


# --- authentication and the OpenAPI document -----------------------------------------------------------------


def test_every_route_but_health_needs_a_token(client: TestClient) -> None:
    doc = client.get("/openapi.json", headers=AUTH).json()
    routes = [(m.upper(), p) for p, ops in doc["paths"].items() for m in ops]
    assert len(routes) >= 13
    for method, path in routes + [("GET", "/openapi.json")]:
        url = path.replace("{site_id}", "zz").replace("{article_id}", "1").replace("{delivery_id}", "msg_x") \
                  .replace("{subscriber_id}", "from-config")
        for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": f"Basic {TOKEN}"}):
            r = client.request(method, url, headers=headers, json={})
            if path == "/health":
                assert r.status_code == 200
                continue
            assert_error(r, 401, "unauthorized")
            assert r.headers["www-authenticate"].startswith("Bearer"), (method, url)
    assert client.get("/sites", headers=AUTH).status_code == 200


def test_openapi_describes_every_route_and_the_bearer_scheme(client: TestClient) -> None:
    doc = client.get("/openapi.json", headers=AUTH).json()
    expected = {
        ("get", "/health"), ("get", "/metrics"), ("get", "/status"), ("get", "/sites"),
        ("post", "/sites/{site_id}/crawl"),
        ("post", "/recrawl"), ("get", "/articles"), ("get", "/articles/{article_id}"), ("get", "/facts"),
        ("get", "/deliveries"), ("post", "/deliveries/{delivery_id}/replay"), ("get", "/subscribers"),
        ("post", "/subscribers"), ("post", "/subscribers/{subscriber_id}/pause"),
        ("post", "/subscribers/{subscriber_id}/resume"),
    }  # fmt: skip
    assert {(m, p) for p, ops in doc["paths"].items() for m in ops} == expected
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "401" in doc["paths"]["/sites"]["get"]["responses"]
    assert client.get("/docs").status_code == 404  # no page pulling scripts from a CDN


def test_errors_are_json(client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "GET /nope" in assert_error(client.get("/nope", headers=AUTH), 404, "not_found")["message"]
    assert_error(client.get("/articles/abc", headers=AUTH), 422, "invalid_request")
    assert_error(client.get("/articles?limit=0", headers=AUTH), 422, "invalid_request")
    assert_error(client.post("/recrawl", json={}, headers=AUTH), 422, "invalid_request")
    assert_error(client.delete("/sites", headers=AUTH), 405, "method_not_allowed")

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(client.app.state.govwatch.store, "site_summaries", broken)
    error = assert_error(client.get("/sites", headers=AUTH), 500, "internal_error")
    assert "boom" not in error["message"]


# --- health ----------------------------------------------------------------------------------------------------


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    r = client.get("/metrics", headers=AUTH)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert 'govwatch_queue_jobs{queue="crawl",state="queued"} 0.0' in r.text
    assert re.search(r"# TYPE govwatch_crawls(_total)? counter", r.text)


def test_health_200_with_database_and_redis(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_health_503_when_redis_is_unreachable(tmp_path: Path, database_url: str) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(tmp_path, database_url, f"redis://127.0.0.1:{port}/0")
    with TestClient(create_app(settings)) as c:
        r = c.get("/health")
        assert r.status_code == 503
        assert r.json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "unreachable"}}
        assert_error(c.post("/sites/zz/crawl", headers=AUTH), 503, "unavailable")


# --- crawls and recrawls ---------------------------------------------------------------------------------------


def test_crawl_trigger_enqueues_a_job(client: TestClient, redis_conn: redis.Redis) -> None:
    r = client.post("/sites/zz/crawl?force=true", headers=AUTH)
    assert r.status_code == 202 and r.json() == {"site": "zz", "queued": True, "force": True}
    assert queued(redis_conn, "crawl") == ["crawl-zz"]
    job = Queue("govwatch:crawl", connection=redis_conn).fetch_job("crawl-zz")
    assert job.args == ("zz",) and job.kwargs == {"force": True}
    assert client.post("/sites/zz/crawl", headers=AUTH).json()["queued"] is False  # one crawl per site at a time
    assert_error(client.post("/sites/nope/crawl", headers=AUTH), 404, "not_found")


def test_recrawl_of_a_site_article_enqueues_it(client: TestClient, settings: Settings, redis_conn: redis.Redis,
                                               fake_dns: dict[str, list[str]]) -> None:
    fake_dns["sfj.zaozhuang.gov.cn"] = ["93.184.216.34"]
    r = client.post("/recrawl", json={"url": "http://SFJ.zaozhuang.gov.cn/art/2026/11/20/art_1_2.html#top"},
                    headers=AUTH)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["url"] == "http://sfj.zaozhuang.gov.cn/art/2026/11/20/art_1_2.html" and body["site"] == "zz"
    assert queued(redis_conn, "parse") == [f"article-{body['article_id']}"]
    assert Store.connect(settings.database_url).article(body["article_id"])["site_id"] == "zz"


REFUSED_RECRAWLS = [
    ("http://evil.example.org/a.html", "not_a_site"),
    ("http://127.0.0.1/a.html", "not_a_site"),  # the lan site's host, but not its port
    ("http://2130706433/a.html", "not_a_site"),
    ("http://0x7f.1/a.html", "not_a_site"),
    ("http://017700000001/a.html", "not_a_site"),
    ("http://[::1]/a.html", "not_a_site"),
    ("http://[::ffff:127.0.0.1]/a.html", "not_a_site"),
    ("http://169.254.169.254/latest/meta-data/", "not_a_site"),
    ("http://10.0.0.1/a.html", "not_a_site"),
    ("http://172.16.0.1/a.html", "not_a_site"),
    ("http://192.168.0.1/a.html", "not_a_site"),
    ("http://sfj.zaozhuang.gov.cn@127.0.0.1/a.html", "unsafe_target"),
    ("http://127.0.0.1\\@sfj.zaozhuang.gov.cn/a.html", "unsafe_target"),
    ("file:///etc/passwd", "unsafe_target"),
    ("http://127.0.0.1:8000/a.html", "unsafe_target"),  # a configured site, but on loopback
    ("http://sfj.zaozhuang.gov.cn/a.html", "unsafe_target"),  # the site's name resolves to a private address
]


@pytest.mark.parametrize(("url", "code"), REFUSED_RECRAWLS)
def test_recrawl_refused(url: str, code: str, client: TestClient, settings: Settings, redis_conn: redis.Redis,
                         fake_dns: dict[str, list[str]]) -> None:
    fake_dns["sfj.zaozhuang.gov.cn"] = ["10.20.30.40"]
    assert_error(client.post("/recrawl", json={"url": url}, headers=AUTH), 400, code)
    assert queued(redis_conn, "parse") == []
    assert Store.connect(settings.database_url).recent_articles() == []


def test_allow_private_targets_lets_a_configured_lan_site_be_recrawled(
    tmp_path: Path, database_url: str, redis_url: str, redis_conn: redis.Redis
) -> None:
    settings = make_settings(tmp_path, database_url, redis_url, "allow_private_targets: true\n")
    with TestClient(create_app(settings)) as c:
        assert c.post("/recrawl", json={"url": "http://127.0.0.1:8000/a.html"}, headers=AUTH).status_code == 202
        assert_error(c.post("/recrawl", json={"url": "http://10.0.0.1/a.html"}, headers=AUTH), 400, "not_a_site")


# --- status, articles, facts -----------------------------------------------------------------------------------


def add_article(settings: Settings) -> tuple[int, str]:
    store = Store.connect(settings.database_url)
    store.sync_sites([("zz", "枣庄市", None)])
    [aid] = store.add_articles("zz", "枣庄市", [type("Ref", (), {"url": "http://sfj.zaozhuang.gov.cn/a/1.html",
                                                                  "title": "t", "published": None})()], silent=False)
    fact = dict(region="枣庄市", kind="metric", name="行政机关负责人出庭应诉率", value=100.0, unit="%",
                period="2021年", data={"text": "出庭应诉率100%"}, canonical="出庭应诉率", series="出庭应诉率|rate|%",
                period_key="2021-12", published="2022-01-05")
    ev = NewEvent(id="evt_1", type="release.new", region="枣庄市",
                  data={"article": {"url": "http://sfj.zaozhuang.gov.cn/a/1.html", "title": "枣庄市法治政府建设",
                                    "region": "枣庄市"}, "metrics": [], "initiatives": []},
                  deliveries=(NewDelivery("from-config", "email", "analyst@example.org"),))
    [did] = store.save_processed(aid, fields={"content_hash": "h", "title": "枣庄市法治政府建设", "text": "全文"},
                                 fact_rows=[fact], new_events=[ev])
    return aid, did


def test_status_sites_articles_and_facts(client: TestClient, settings: Settings) -> None:
    aid, _ = add_article(settings)
    report = client.get("/status", headers=AUTH).json()
    assert {"sites", "queues", "failed_jobs", "deliveries"} <= set(report) and report["queues"]["crawl"]["queued"] == 0
    sites = {s["id"]: s for s in client.get("/sites", headers=AUTH).json()}
    assert sites["zz"]["articles"] == 1 and sites["lan"]["articles"] == 0
    [row] = client.get("/articles?site=zz&region=枣庄市&limit=5", headers=AUTH).json()
    assert row["id"] == aid and row["title"] == "枣庄市法治政府建设" and "text" not in row
    assert client.get("/articles?region=某市", headers=AUTH).json() == []
    article = client.get(f"/articles/{aid}", headers=AUTH).json()
    assert article["text"] == "全文" and [f["canonical"] for f in article["facts"]] == ["出庭应诉率"]
    assert_error(client.get(f"/articles/{aid + 1}", headers=AUTH), 404, "not_found")
    [fact] = client.get("/facts?region=枣庄市&indicator=出庭应诉率", headers=AUTH).json()
    assert fact["value"] == 100.0 and fact["article_url"] == "http://sfj.zaozhuang.gov.cn/a/1.html"
    assert client.get("/facts?indicator=新登记市场主体", headers=AUTH).json() == []
    assert_error(client.get("/facts?kind=bogus", headers=AUTH), 422, "invalid_request")


# --- deliveries and subscribers --------------------------------------------------------------------------------


def test_deliveries_list_and_replay(client: TestClient, settings: Settings, redis_conn: redis.Redis) -> None:
    _, did = add_article(settings)
    store = Store.connect(settings.database_url)
    store.outbox.mark_failed(did, "SMTP 550 mailbox unavailable")
    [row] = client.get("/deliveries?status=failed", headers=AUTH).json()
    assert row["id"] == did and row["last_error"] == "SMTP 550 mailbox unavailable"
    assert client.get("/deliveries?status=sent", headers=AUTH).json() == []
    assert_error(client.get("/deliveries?status=bogus", headers=AUTH), 422, "invalid_request")
    r = client.post(f"/deliveries/{did}/replay", headers=AUTH)
    assert r.status_code == 202 and r.json()["queued"] is True
    assert store.outbox.get(did)["status"] == "pending"
    assert queued(redis_conn, "deliver") == [f"deliver-{did}-0"]
    assert_error(client.post("/deliveries/msg_nope/replay", headers=AUTH), 404, "not_found")


def test_subscribers_list_pause_resume_add(client: TestClient, fake_dns: dict[str, list[str]]) -> None:
    [sub] = client.get("/subscribers", headers=AUTH).json()
    assert sub["id"] == "from-config" and sub["source"] == "config" and sub["paused"] is False
    assert client.post("/subscribers/from-config/pause", headers=AUTH).json()["paused"] is True
    assert client.get("/subscribers", headers=AUTH).json()[0]["paused"] is True
    assert client.post("/subscribers/from-config/resume", headers=AUTH).json()["paused"] is False
    assert_error(client.post("/subscribers/nobody/pause", headers=AUTH), 404, "not_found")

    fake_dns.update({"intranet.example.org": ["192.168.7.7"], "hooks.example.org": ["93.184.216.34"]})
    for url in ("http://127.0.0.1:9000/hook", "http://intranet.example.org/hook", "http://[::ffff:169.254.169.254]/",
                "http://0x7f.1/hook"):
        assert_error(client.post("/subscribers", json={"id": "h", "webhook": {"url": url}}, headers=AUTH),
                     400, "unsafe_target")
    spec = {"id": "desk", "webhook": {"url": "https://hooks.example.org/hook"}, "regions": ["枣庄市"]}
    r = client.post("/subscribers", json=spec, headers=AUTH)
    assert r.status_code == 201 and r.json()["source"] == "cli"
    assert_error(client.post("/subscribers", json=spec, headers=AUTH), 409, "conflict")
    assert_error(client.post("/subscribers", json={"id": "x", "email": "nope"}, headers=AUTH), 422, "invalid_request")
    assert_error(client.post("/subscribers", json={"id": "x", "pager": "1"}, headers=AUTH), 422, "invalid_request")
    assert [s["id"] for s in client.get("/subscribers", headers=AUTH).json()] == ["desk", "from-config"]


# --- settings and the command ----------------------------------------------------------------------------------


def test_tokens_from_the_file_and_the_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text(f"api: {{tokens: [{TOKEN}], port: 9090}}\n", encoding="utf-8")
    s = load_settings(cfg, tmp_path, env={"GOVWATCH_API_TOKEN": "another-token-0123456789"})
    assert s.api.tokens == (TOKEN, "another-token-0123456789") and s.api.port == 9090 and s.api.host == "127.0.0.1"
    assert s.allow_private_targets is False
    from govwatch.errors import ConfigError

    with pytest.raises(ConfigError, match="at least 16"):
        load_settings(cfg, tmp_path, env={"GOVWATCH_API_TOKEN": "short"})
    cfg.write_text("allow_private_targets: 'maybe'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="allow_private_targets"):
        load_settings(cfg, tmp_path, env={})


def run_cli(tmp_path: Path, config: str, *args: str) -> tuple[int, str]:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text(config, encoding="utf-8")
    env = {"GOVWATCH_CONFIG": str(cfg), "GOVWATCH_DATA_DIR": str(tmp_path / "data"), "GOVWATCH_API_TOKEN": ""}
    result = CliRunner().invoke(cli, ["api", *args], env=env)
    return result.exit_code, result.output


def test_api_command_refuses_to_serve_without_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: served.append(dict(kw, app=app)))
    code, out = run_cli(tmp_path, "sites: []\n")
    assert code != 0 and "no API token configured" in out
    code, out = run_cli(tmp_path, "sites: []\n", "--no-auth", "--host", "0.0.0.0")
    assert code != 0 and "only on 127.0.0.1" in out
    code, out = run_cli(tmp_path, CONFIG, "--no-auth")
    assert code != 0 and "tokens are configured" in out
    assert served == []
    code, out = run_cli(tmp_path, "sites: []\n", "--no-auth", "--port", "8123")
    assert code == 0, out
    [run] = served
    assert (run["host"], run["port"]) == ("127.0.0.1", 8123)
    assert TestClient(run["app"]).get("/sites").status_code == 200  # no token needed: loopback only


def test_govwatch_api_serves_over_http(tmp_path: Path, redis_url: str) -> None:
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, GOVWATCH_REDIS_URL=redis_url, GOVWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    cmd = [sys.executable, "-m", "govwatch", "--config", str(cfg), "--data-dir", str(tmp_path / "data"), "api",
           "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"{base}/health", timeout=2).json()["status"] == "ok"
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "govwatch api did not start"
                time.sleep(0.2)
        assert httpx.get(f"{base}/sites", timeout=5).status_code == 401
        assert [s["id"] for s in httpx.get(f"{base}/sites", headers=AUTH, timeout=5).json()] == ["zz", "lan"]
    finally:
        proc.terminate()
        proc.wait(15)


def test_subscriber_secrets_are_not_shown(client: TestClient, fake_dns: dict[str, list[str]]) -> None:
    fake_dns["hooks.example.org"] = ["93.184.216.34"]
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    spec = {"id": "signed", "webhook": {"url": "https://hooks.example.org/hook", "secret": secret},
            "chat": ["dingtalk://SECsignsecret@bottoken123456"]}
    assert secret not in client.post("/subscribers", json=spec, headers=AUTH).text
    listed = client.get("/subscribers", headers=AUTH).text
    assert secret not in listed and "bottoken123456" not in listed and "signsecret" not in listed
    signed = next(s for s in client.get("/subscribers", headers=AUTH).json() if s["id"] == "signed")
    assert signed["webhook"]["secret"].endswith("LaSw") and signed["chat"] == ["dingtalk://…"]
