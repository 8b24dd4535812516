"""Central's settings, read from the environment (the CLI fills the environment from flags,
so every uvicorn worker process sees the same values)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from central.db.engine import DEFAULT_URL
from central.errors import ConfigError

ENV_PREFIX = "SKLAD_CENTRAL_"
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"  # the command's and every server worker's


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_URL
    admin_token: str = ""
    secret: str = ""  # signs customer tokens
    acquirer_secret: str = ""  # shared with the acquirer, signs its callbacks
    public_url: str = "http://127.0.0.1:8000"
    hold_minutes: float = 15.0
    # An intent the acquirer made this long ago that no committed payment uses is voided by the
    # sweeper: far longer than any checkout takes from its intent to its commit.
    intent_grace_minutes: float = 10.0
    currency: str = "RUB"
    sweep_seconds: float = 30.0
    pool_size: int = 10
    metrics_token: str = ""  # a token that may read /metrics and nothing else (the admin token may too)
    customer_token_days: float = 30.0  # how long a customer token is accepted after it is issued
    # Gateway rate limits (central/gateway): buckets in Redis when a URL is set, else per process.
    redis_url: str = ""
    redis_prefix: str = "sklad:ratelimit:"
    rate_limits: str = ""  # e.g. "search.ip=20/60,checkout.customer=1/5", or "off"; unset: defaults
    rate_trusted: str = "127.0.0.0/8,::1"  # not limited: local tools; a proxy in front sends X-Forwarded-For

    def check(self) -> Settings:
        for name in ("admin_token", "secret", "acquirer_secret"):
            if len(getattr(self, name)) < 16:
                raise ConfigError(
                    f"{ENV_PREFIX}{name.upper()} must be set to at least 16 characters"
                )
        if self.metrics_token and len(self.metrics_token) < 16:
            raise ConfigError(f"{ENV_PREFIX}METRICS_TOKEN must be at least 16 characters when set")
        if not 0 < self.customer_token_days <= 366:
            raise ConfigError(f"customer token days must be in (0, 366], got {self.customer_token_days}")
        from central.gateway.policy import parse_limits, parse_networks

        parse_limits(self.rate_limits), parse_networks(self.rate_trusted)
        if not 0 < self.hold_minutes <= 24 * 60:
            raise ConfigError(f"hold minutes must be in (0, 1440], got {self.hold_minutes}")
        if not 0 < self.intent_grace_minutes <= 24 * 60:
            raise ConfigError(f"{ENV_PREFIX}INTENT_GRACE_MINUTES must be in (0, 1440], got {self.intent_grace_minutes}")
        return self

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for name, field in cls.__dataclass_fields__.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is not None:
                values[name] = _convert(name, raw, field.type)
        return cls(**values).check()  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        return {ENV_PREFIX + name.upper(): str(getattr(self, name))
                for name in self.__dataclass_fields__}


def _convert(name: str, raw: str, kind: object) -> object:
    converters = {"float": float, "int": int}
    convert = converters.get(str(kind), str)
    try:
        return convert(raw)
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind}") from exc
