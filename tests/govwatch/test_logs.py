from __future__ import annotations

import json
import logging

import pytest

from govwatch.errors import ConfigError
from govwatch.logs import JsonFormatter
from govwatch.settings import load_settings


def test_json_lines_carry_site_and_url() -> None:
    record = logging.LogRecord("workers.crawl", logging.WARNING, __file__, 1, "site %s: list page %s failed",
                               ("zz", "http://a/"), None)
    record.site, record.url = "zz", "http://a/"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "workers.crawl"
    assert line["message"] == "site zz: list page http://a/ failed"
    assert (line["site"], line["url"]) == ("zz", "http://a/")
    assert "delivery" not in line


def test_log_format_setting(tmp_path) -> None:  # noqa: ANN001
    cfg = tmp_path / "govwatch.yaml"
    cfg.write_text("log_format: text\n", encoding="utf-8")
    assert load_settings(cfg, tmp_path, env={}).log_format == "text"
    assert load_settings(cfg, tmp_path, env={"GOVWATCH_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(ConfigError, match="log_format"):
        load_settings(cfg, tmp_path, env={"GOVWATCH_LOG_FORMAT": "xml"})
