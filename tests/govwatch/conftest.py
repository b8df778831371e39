"""Fixtures for govwatch tests: ``fake_dns`` answers getaddrinfo for chosen names, offline."""

from __future__ import annotations

import socket
from typing import Any

import pytest


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names put in the returned dict resolve to their addresses; ``[]`` fails to resolve; others resolve as usual.

    Example: ``fake_dns["intranet.example.org"] = ["10.0.0.5"]``
    """
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in answers:
            return real(host, port, *args, **kwargs)  # Redis, PostgreSQL, loopback servers
        if not answers[name]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
             (ip, port or 0, 0, 0) if ":" in ip else (ip, port or 0))
            for ip in answers[name]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers
