"""Which routes are limited under which budget, and the budgets themselves. Pure.

Budgets come from a spec such as "search.ip=20/60,checkout.customer=1/5": per route class
(search, checkout, login) and per caller kind (ip, customer), a rate per second and a burst.
Classes and kinds left out keep their defaults; "off" turns limiting off.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum

from central.errors import ConfigError
from central.gateway.buckets import Budget


class RouteClass(StrEnum):
    search = "search"
    checkout = "checkout"
    login = "login"


class Caller(StrEnum):
    ip = "ip"
    customer = "customer"


DEFAULTS: dict[tuple[RouteClass, Caller], Budget] = {
    (RouteClass.search, Caller.ip): Budget(20, 60),
    (RouteClass.search, Caller.customer): Budget(10, 30),
    (RouteClass.checkout, Caller.ip): Budget(5, 20),
    (RouteClass.checkout, Caller.customer): Budget(1, 5),
    (RouteClass.login, Caller.ip): Budget(1, 10),
    (RouteClass.login, Caller.customer): Budget(1, 10),
}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_ITEM = re.compile(r"^(search|checkout|login)\.(ip|customer)=([0-9]+(?:\.[0-9]+)?)/([0-9]+)$")


@dataclass(frozen=True)
class Limits:
    budgets: dict[tuple[RouteClass, Caller], Budget]
    enabled: bool = True

    def budget(self, route: RouteClass, caller: Caller) -> Budget:
        return self.budgets[(route, caller)]


def parse_limits(spec: str) -> Limits:
    spec = spec.strip()
    if spec == "off":
        return Limits(dict(DEFAULTS), enabled=False)
    budgets = dict(DEFAULTS)
    for item in filter(None, (part.strip() for part in spec.split(","))):
        m = _ITEM.match(item)
        if m is None:
            raise ConfigError(f"rate limit {item!r}: expected CLASS.WHO=RATE/BURST with CLASS search, checkout "
                              "or login and WHO ip or customer, e.g. search.ip=20/60 (20 a second, bursts of 60)")
        try:
            budget = Budget(float(m.group(3)), int(m.group(4)))
        except ValueError as exc:
            raise ConfigError(f"rate limit {item!r}: {exc}") from exc
        budgets[(RouteClass(m.group(1)), Caller(m.group(2)))] = budget
    return Limits(budgets)


def classify(method: str, path: str) -> RouteClass | None:
    """The budget a request spends from, or None for routes the gateway leaves alone (admin,
    sync and the acquirer's callbacks are authenticated machine traffic with their own rules)."""
    if path.startswith("/catalog/"):
        return RouteClass.search
    if method == "POST" and (path == "/orders" or (path.startswith("/orders/") and path.endswith("/cancel"))):
        return RouteClass.checkout
    if path.startswith("/sandbox/3ds/") or (method == "POST" and path.startswith("/admin/customers/")):
        return RouteClass.login
    return None


def parse_networks(spec: str) -> list[Network]:
    """"127.0.0.0/8,::1" -> networks; a bad entry is a ConfigError naming it."""
    networks = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(f"trusted network {item!r} is not an IP address or network: {exc}") from exc
    return networks
