from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alerts.records import Alert
from govwatch.loopback import SMTPCatcher, WebhookReceiver

MakeAlert = Callable[..., Alert]


@pytest.fixture
def make_alert() -> MakeAlert:
    """A ``release.new`` alert with Chinese text; keyword arguments override fields."""

    def make(**overrides: Any) -> Alert:
        title = overrides.pop("title", "关于印发《2024年政府工作报告重点任务分工》的通知")
        url = overrides.pop("url", "https://www.beijing.gov.cn/zhengce/zfwj/202403/t20240301_1.html")
        data = {
            "article": {
                "url": url,
                "title": title,
                "published": "2024-03-01",
                "source": "北京市人民政府办公厅",
                "region": "北京",
                "site_id": "beijing",
            },
            "metrics": [
                {
                    "indicator": "地区生产总值",
                    "value": 5.0,
                    "unit": "%",
                    "approx": True,
                    "kind": "growth",
                    "period": "2024年",
                    "text": "地区生产总值增长5%左右",
                }
            ],
            "initiatives": [{"name": "优化营商环境", "kind": "reform", "text": "持续优化营商环境"}],
        }
        fields: dict[str, Any] = {
            "id": "alr_01HQ3K5Z8X",
            "type": "release.new",
            "timestamp": int(time.time()),
            "region": "北京",
            "title": title,
            "url": url,
            "data": data,
        }
        fields.update(overrides)
        return Alert(**fields)

    return make


@pytest.fixture
def smtp() -> Iterator[SMTPCatcher]:
    with SMTPCatcher() as catcher:
        yield catcher


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


# --- one alert per event type (枣庄市, 出庭应诉率) ------------------------------------------------

ARTICLE = {
    "url": "https://www.zaozhuang.gov.cn/zwgk/fzzf/202203/t20220301_1.html",
    "title": "枣庄市2021年法治政府建设情况报告",
    "published": "2022-03-01",
    "source": "枣庄市司法局",
    "region": "枣庄市",
    "site_id": "zaozhuang",
}
RATE_2021 = {
    "indicator": "出庭应诉率",
    "value": 100.0,
    "unit": "%",
    "approx": False,
    "kind": "rate",
    "period": "2021年",
    "text": "行政机关负责人出庭应诉率达到100%",
}
RATE_OLD = {**RATE_2021, "value": 97.0, "text": "行政机关负责人出庭应诉率为97%"}
CASES = {
    **RATE_2021,
    "indicator": "行政复议案件",
    "value": 1234.0,
    "unit": "件",
    "approx": True,
    "kind": "count",
    "text": "全年办理行政复议案件约1234件",
}
PLAN = {"name": "法治政府建设实施方案", "kind": "plan", "text": "印发《法治政府建设实施方案(2021-2025年)》"}
TRAINING = {"name": "领导干部学法", "kind": "training", "text": "组织领导干部集中学法4次"}

EVENT_DATA: dict[str, dict[str, Any]] = {
    "release.new": {
        "article": ARTICLE,
        "metrics": [{**RATE_2021, "previous": {"value": 97.0, "unit": "%", "period": "2020年"}}, CASES],
        "initiatives": [PLAN],
    },
    "release.updated": {
        "article": ARTICLE,
        "changes": {
            "metrics_added": [CASES],
            "metrics_removed": [{**CASES, "indicator": "行政诉讼案件", "value": 56.0}],
            "metrics_changed": [{"indicator": "出庭应诉率", "from": RATE_OLD, "to": RATE_2021}],
            "initiatives_added": [PLAN],
            "initiatives_removed": [TRAINING],
        },
    },
    "metric.new": {"article": ARTICLE, "metric": CASES},
    "metric.changed": {
        "article": ARTICLE,
        "metric": RATE_2021,
        "previous": {
            "value": 97.0,
            "unit": "%",
            "period": "2021年",
            "article_url": "https://www.zaozhuang.gov.cn/zwgk/fzzf/202112/t20211201_9.html",
            "published": "2021-12-01",
        },
    },
    "initiative.new": {"article": ARTICLE, "initiative": PLAN},
    "test": {"message": "这是一条测试消息，收到即表示配置正确。"},
}
"""``data`` for every event type but ``digest`` (which gathers these: see :func:`digest_data`)."""


def digest_data(types: list[str] | None = None) -> dict[str, Any]:
    """A digest of one event per type (all but ``test``), or of the given types in order."""
    chosen = types or [t for t in EVENT_DATA if t != "test"]
    events = [
        {
            "id": f"evt_{n}",
            "type": t,
            "region": "枣庄市",
            "created_at": "2026-11-21T09:30:00+08:00",
            "data": EVENT_DATA[t],
        }
        for n, t in enumerate(chosen, 1)
    ]
    return {"since": "2026-11-21T08:00:00+08:00", "until": "2026-11-22T08:00:00+08:00", "events": events}


@pytest.fixture
def event_alert() -> Callable[..., Alert]:
    """``event_alert("metric.changed")``: an alert of that type; keyword arguments override fields."""

    def make(type: str, **overrides: Any) -> Alert:
        data = copy.deepcopy(digest_data() if type == "digest" else EVENT_DATA[type])
        regional = type not in ("digest", "test")
        fields: dict[str, Any] = {
            "id": f"alr_{type.replace('.', '_')}",
            "type": type,
            "timestamp": 1_795_000_000,
            "region": "枣庄市" if regional else None,
            "title": ARTICLE["title"] if regional else {"digest": "5 updates since 2026-11-21 08:00"}.get(type, "测试"),
            "url": ARTICLE["url"] if regional else "",
            "data": data,
        }
        return Alert(**{**fields, **overrides})

    return make
