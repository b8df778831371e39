"""Errors raised by the application layer.

* GovwatchError
  + ConfigError        govwatch.yaml or an environment variable is invalid
  + UnknownSite        a site id that is not configured
  + RedisUnavailable   the configured (or embedded) Redis cannot be reached or started
  + AlreadyRunning     another ``govwatch run`` uses the same data directory
"""

from __future__ import annotations


class GovwatchError(Exception):
    pass


class ConfigError(GovwatchError):
    pass


class UnknownSite(GovwatchError):
    def __init__(self, site_id: str) -> None:
        super().__init__(f"no site with id {site_id!r} in the configuration")
        self.site_id = site_id


class RedisUnavailable(GovwatchError):
    pass


class AlreadyRunning(GovwatchError):
    pass
