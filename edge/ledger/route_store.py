"""SQL of central's delivery routes on the floor (feed entry `delivery_route`), on the unit of
work's connection (in its transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from edge.ledger.uow import UnitOfWork


@dataclass
class RouteStore:
    uow: UnitOfWork

    def _run(self, sql: str, *args) -> list[tuple]:
        return self.uow.conn.cursor().execute(sql, args).fetchall()

    def version(self, route_id: str) -> int | None:
        rows = self._run("SELECT version FROM delivery_routes WHERE id = ?", route_id)
        return rows[0][0] if rows else None

    def withdraw(self, route_ids: list[str], below: int) -> list[str]:
        """Drop these routes (stops and shipments too) if older than version `below`; the dropped ones."""
        gone = [rid for rid in route_ids if (v := self.version(rid)) is not None and v < below]
        for rid in gone:
            self._run("DELETE FROM route_shipments WHERE route_id = ?", rid)
            self._run("DELETE FROM route_stops WHERE route_id = ?", rid)
            self._run("DELETE FROM delivery_routes WHERE id = ?", rid)
        return gone

    def save(self, route_id: str, version: int, service_date: str, departs_at: str, vehicle_id: str,
             feed_seq: int) -> None:
        self._run("DELETE FROM route_stops WHERE route_id = ?", route_id)
        self._run("INSERT INTO delivery_routes(id, version, service_date, departs_at, vehicle_id, feed_seq, "
                  "received_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, "
                  "service_date = excluded.service_date, departs_at = excluded.departs_at, "
                  "vehicle_id = excluded.vehicle_id, feed_seq = excluded.feed_seq, received_at = excluded.received_at",
                  route_id, version, service_date, departs_at, vehicle_id, feed_seq, self.uow.now)

    def add_stop(self, route_id: str, stop: int, pickup_point: str, shipment_ids: list[str], version: int) -> int:
        """The stop, and its shipments moved onto it unless a newer plan put them elsewhere; how many moved."""
        self._run("INSERT INTO route_stops(route_id, stop, pickup_point) VALUES (?,?,?)", route_id, stop, pickup_point)
        moved = 0
        for sid in shipment_ids:
            moved += len(self._run(
                "INSERT INTO route_shipments(shipment_id, route_id, stop, version) VALUES (?,?,?,?) "
                "ON CONFLICT(shipment_id) DO UPDATE SET route_id = excluded.route_id, stop = excluded.stop, "
                "version = excluded.version WHERE excluded.version >= route_shipments.version RETURNING 1",
                sid, route_id, stop, version))
        return moved

    def drop_left_off(self, route_id: str, kept: list[str]) -> None:
        """Shipments an earlier version of the route carried and this one does not."""
        marks = ",".join("?" * len(kept))
        self._run(f"DELETE FROM route_shipments WHERE route_id = ? AND shipment_id NOT IN ({marks})",
                  route_id, *kept)
