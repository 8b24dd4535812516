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

    def rewave(self) -> list[str]:
        """Shipments still to be picked that wait in a planned wave of another route than the one they
        are on now (or of none) leave it, so the next wave planning puts them in their van's wave; a
        planned wave left empty goes. Released waves are being picked and stay as they are."""
        moved = [sid for (sid,) in self._run(
            "DELETE FROM wave_shipments WHERE shipment_id IN (SELECT ws.shipment_id FROM wave_shipments ws "
            "JOIN waves w ON w.id = ws.wave_id JOIN shipments s ON s.id = ws.shipment_id "
            "LEFT JOIN route_shipments rs ON rs.shipment_id = ws.shipment_id "
            "WHERE w.state = 'planned' AND s.status = 'allocated' AND w.route_id IS NOT rs.route_id) "
            "RETURNING shipment_id")]
        if moved:
            self._run("DELETE FROM waves WHERE state = 'planned' "
                      "AND NOT EXISTS (SELECT 1 FROM wave_shipments ws WHERE ws.wave_id = waves.id)")
        return sorted(moved)
