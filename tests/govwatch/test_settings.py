from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.errors import ConfigError, UnknownSite
from govwatch.settings import load_settings, parse_interval

EXAMPLE = """
sites:
  - id: zaozhuang-sfj
    name: 枣庄市司法局
    region: 枣庄市
    list_urls: ["http://sfj.zaozhuang.gov.cn/col/col1001/index.html"]
    interval: 10m
  - id: minimal
    region: 黄石市
    list_urls: http://sfj.huangshi.gov.cn/xwdt/index.html
subscribers:
  - id: analyst
    email: analyst@example.org
    regions: [枣庄市]
  - id: ops-hook
    webhook: {url: "https://example.org/hook", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
smtp: {host: mail.example.org, port: 587, sender: govwatch@example.org, security: starttls}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "govwatch.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("raw,seconds", [("90s", 90), ("10m", 600), ("1h", 3600), (45, 45), ("2.5m", 150)])
def test_parse_interval(raw: object, seconds: float) -> None:
    assert parse_interval(raw) == seconds


@pytest.mark.parametrize("raw", ["ten minutes", "0s", "-5m", "5 weeks"])
def test_parse_interval_rejects(raw: str) -> None:
    with pytest.raises(ConfigError):
        parse_interval(raw)


def test_example_config(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, EXAMPLE), tmp_path / "data", env={})
    assert [x.id for x in s.sites] == ["zaozhuang-sfj", "minimal"]
    assert s.sites[0].interval == 600 and s.sites[1].interval == 600  # default 10 minutes
    assert s.sites[1].list_urls == ("http://sfj.huangshi.gov.cn/xwdt/index.html",)
    assert s.subscribers[0].regions == ("枣庄市",)
    assert s.subscribers[1].webhook and s.subscribers[1].webhook.secret.startswith("whsec_")
    assert s.smtp.port == 587 and s.smtp.security == "starttls"
    assert s.redis_url is None
    assert s.database_url == f"sqlite:///{(tmp_path / 'data').resolve() / 'govwatch.sqlite3'}"
    with pytest.raises(UnknownSite):
        s.site("nope")


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "GOVWATCH_REDIS_URL": "redis://r:6379/0",
        "GOVWATCH_DATABASE_URL": "postgresql://u@db/test",
        "GOVWATCH_DATA_DIR": str(tmp_path / "elsewhere"),
        "GOVWATCH_CONFIG": str(write(tmp_path, EXAMPLE)),
    }
    s = load_settings(env=env)
    assert s.redis_url == "redis://r:6379/0"
    assert s.database_url == "postgresql+psycopg://u@db/test"
    assert s.data_dir == (tmp_path / "elsewhere").resolve()
    assert len(s.sites) == 2


@pytest.mark.parametrize(
    "text,message",
    [
        ("sites:\n  - {id: a, list_urls: [http://x/]}\n", "region"),
        ("sites:\n  - {id: a, region: 枣庄市}\n", "list_urls"),
        ("sites:\n  - {id: a, region: r, list_urls: [ftp://x/]}\n", "not http"),
        (
            "sites:\n  - {id: a, region: r, list_urls: [http://x/]}\n  - {id: a, region: r, list_urls: [http://y/]}\n",
            "duplicate",
        ),
        ("subscribers:\n  - {id: s}\n", "email address, a webhook or a chat URL"),
    ("subscribers:\n  - {id: s, email: a@b.org, events: [release.nwe]}\n", "unknown event type"),
    ("subscribers:\n  - {id: s, email: a@b.org, digest: '8 am'}\n", "not a time like 08:00"),
    ("subscribers:\n  - {id: s, email: a@b.org, thresholds: [{indicator: 出庭应诉率}]}\n", "below and/or above"),
    ("subscribers:\n  - {id: s, webhook: {url: 'http://h/', secret: 'whsec_%%%'}}\n", "not base64"),
    ("subscribers:\n  - {id: s, email: a@b.org}\n  - {id: s, email: c@b.org}\n", "duplicate id"),
    ("delivery: {max_attempts: 0}\n", "max_attempts"),
        ("smtp: {security: tls13}\n", "security"),
        ("sites: [\n", "not valid YAML"),
    ],
)
def test_bad_config_has_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), tmp_path, env={})


def test_missing_explicit_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", tmp_path, env={})
