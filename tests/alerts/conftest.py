from __future__ import annotations

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
