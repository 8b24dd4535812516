"""The rate-limiting ASGI middleware: classify the route, name the caller (IP, and customer when
a valid customer token is sent), take from both buckets, or answer 429 with Retry-After."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence

from fastapi import FastAPI
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from central.api.auth import identify
from central.api.errors import error_response
from central.bootstrap import Central
from central.errors import Unauthorized
from central.gateway.policy import Caller, Limits, Network, RouteClass, classify, parse_limits, parse_networks
from central.gateway.store import BucketStore, MemoryStore


class RateLimit:
    def __init__(self, app: ASGIApp, central: Central, limits: Limits, store: BucketStore,
                 trusted: Sequence[Network]) -> None:
        self.app, self.central, self.limits, self.store, self.trusted = app, central, limits, store, trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = classify(scope.get("method", ""), scope.get("path", "")) if scope["type"] == "http" else None
        ip = (scope.get("client") or ("unknown", 0))[0]
        if route is None or not self.limits.enabled or self._trusted(ip):
            await self.app(scope, receive, send)
            return
        callers = [(Caller.ip, ip)]
        if (customer := self._customer(scope)) is not None:
            callers.append((Caller.customer, customer))
        keys = [f"{route}:{who}:{name}" for who, name in callers]
        wait = await self.store.take(keys, [self.limits.budget(route, who) for who, _ in callers])
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        await self._refuse(route, callers, wait)(scope, receive, send)

    def _trusted(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in net for net in self.trusted)

    def _customer(self, scope: Scope) -> str | None:
        scheme, token = get_authorization_scheme_param(Headers(scope=scope).get("authorization"))
        if not token or scheme.lower() != "bearer":
            return None
        try:
            who = identify(self.central, token)
        except Unauthorized:
            return None  # counted by IP only; the route itself answers 401 if it needs a token
        return who.customer_id

    def _refuse(self, route: RouteClass, callers: list[tuple[Caller, str]], wait: float) -> ASGIApp:
        seconds = max(1, math.ceil(wait))
        budgets = {who.value: f"{b.rate:g}/s, bursts of {b.burst}"
                   for who, _ in callers if (b := self.limits.budget(route, who))}
        response = error_response(429, "rate_limited",
                                  f"too many {route} requests; retry in {seconds} s",
                                  {"route_class": route.value, "retry_after_s": seconds, "budgets": budgets})
        response.headers["Retry-After"] = str(seconds)
        return response


def install(app: FastAPI, central: Central) -> None:
    """Put the gateway in front of `app`, with buckets in Redis if settings name one."""
    settings = central.settings
    if settings.redis_url:
        from central.gateway.redis_store import RedisStore

        store: BucketStore = RedisStore(settings.redis_url, settings.redis_prefix)
    else:
        store = MemoryStore()
    app.add_middleware(RateLimit, central=central, limits=parse_limits(settings.rate_limits), store=store,
                       trusted=parse_networks(settings.rate_trusted))
