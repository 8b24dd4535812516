"""A per-process cache of the network (warehouses and pickup points) used by routing.

Both change rarely and are read by every checkout. Entries live `ttl` seconds; a pickup point
not in the cache forces a reload, and catalog handlers in this process invalidate it at once.
Other worker processes see a change within `ttl`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.db.engine import Database
from central.db.tables import pickup_points, warehouses
from central.domain.routing import Depot, Point

DEFAULT_TTL_S = 5.0


@dataclass(frozen=True)
class Network:
    depots: list[Depot]
    names: dict[str, str]  # warehouse_id -> name
    pickup_points: dict[str, Point]


class NetworkCache:
    def __init__(self, ttl: float = DEFAULT_TTL_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._monotonic = ttl, monotonic
        self._lock = threading.Lock()
        self._loaded_at = float("-inf")
        self._network: Network | None = None

    def get(self, db: Database, pickup_point_id: str) -> Network:
        """The network, fresh enough and (if it exists at all) knowing this pickup point."""
        with self._lock:
            net = self._network
            stale = self._monotonic() - self._loaded_at > self._ttl
            if net is None or stale or pickup_point_id not in net.pickup_points:
                with db.read() as conn:
                    net = self._network = _load(conn)
                self._loaded_at = self._monotonic()
            return net

    def invalidate(self) -> None:
        with self._lock:
            self._network = None


def _load(conn: Connection) -> Network:
    rows = conn.execute(sa.select(warehouses.c.warehouse_id, warehouses.c.name,
                                  warehouses.c.lat, warehouses.c.lon)).all()
    points = conn.execute(sa.select(pickup_points.c.pickup_point_id, pickup_points.c.lat,
                                    pickup_points.c.lon)).all()
    return Network(depots=[Depot(w, Point(lat, lon)) for w, _, lat, lon in rows],
                   names={w: name for w, name, _, _ in rows},
                   pickup_points={p: Point(lat, lon) for p, lat, lon in points})
