"""What the device flows read from the ledger, on their own aiosqlite connection (WAL readers
never wait for the writer, and a slow scale never holds up a terminal's query)."""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.batches import CubbyNeed, Gone
from edge.hardware.chutes import ToteRoute
from edge.hardware.weighing import ToteLine
from edge.ledger.batch_store import CUBBY_NEEDS, GONE, gone_of
from edge.terminal.queries import Queries


@dataclass(frozen=True)
class LabelFacts:
    """What a shipment's label shows and where it prints, as the ledger has it."""

    shipment_id: str
    order_id: str
    status: str
    pickup_point: str | None
    station: str | None  # the pack station it was packed at
    route: str | None = None  # the delivery route central put it on, and its stop there
    stop: int | None = None
    vehicle: str | None = None  # the route's van


class DeviceQueries(Queries):
    async def tote_route(self, tote: str) -> ToteRoute:
        row = await self._one(
            "SELECT t.shipment_id, s.status, s.pickup_point FROM totes t "
            "LEFT JOIN shipments s ON s.id = t.shipment_id WHERE t.code = ?", tote)
        return ToteRoute(False) if row is None else ToteRoute(True, *row)

    async def tote_lines(self, tote: str) -> list[ToteLine]:
        rows = await self._all(
            "SELECT b.sku, SUM(b.on_hand), k.unit_weight_g FROM balances b JOIN skus k ON k.sku = b.sku "
            "WHERE b.location = ? AND b.on_hand > 0 GROUP BY b.sku ORDER BY b.sku", tote)
        return [ToteLine(*row) for row in rows]

    async def still_needed(self, shipment_id: str, sku: str) -> int:
        """Units of `sku` the shipment still has to get (ordered, not short, not packed)."""
        row = await self._one(
            "SELECT qty - short - packed FROM shipment_lines WHERE shipment_id = ? AND sku = ?",
            shipment_id, sku)
        return max(0, row[0]) if row else 0

    async def cubby_needs(self, batch_id: int, tote: str, sku: str) -> list[CubbyNeed]:
        """Per cubby of a put-wall batch: units of `sku` its shipment has in the tote and has not got."""
        return [CubbyNeed(*row) for row in await self._all(CUBBY_NEEDS, sku, tote, sku, batch_id)]

    async def gone(self, batch_id: int, tote: str) -> Gone:
        """What shipments of the batch cancelled since it was picked left behind (cubbies, SKUs)."""
        return gone_of(await self._all(GONE, tote, batch_id))

    async def label_facts(self, shipment_or_sscc: str) -> LabelFacts | None:
        row = await self._one(
            "SELECT s.id, s.order_id, s.status, s.pickup_point, s.packed_at, rs.route_id, rs.stop, r.vehicle_id "
            "FROM shipments s LEFT JOIN route_shipments rs ON rs.shipment_id = s.id "
            "LEFT JOIN delivery_routes r ON r.id = rs.route_id "
            "WHERE s.id = ? OR s.id = (SELECT shipment_id FROM shipment_labels WHERE sscc = ?)",
            shipment_or_sscc, shipment_or_sscc)
        return None if row is None else LabelFacts(*row)

    async def unlabelled(self, stations: list[str]) -> list[str]:
        """Packed shipments of these stations whose label never went out: the node stopped between
        the pack and the print (no label yet, or an SSCC assigned and no print recorded)."""
        marks = ",".join("?" * len(stations))
        rows = await self._all(
            f"SELECT s.id FROM shipments s LEFT JOIN shipment_labels l ON l.shipment_id = s.id "
            f"WHERE s.status = 'packed' AND s.packed_at IN ({marks}) AND (l.sscc IS NULL OR l.state = 'assigned') "
            "ORDER BY s.updated_at", *stations)
        return [row[0] for row in rows]

    async def label_of_task(self, task_id: int) -> tuple[str, str] | None:
        """(shipment, label state) of the label an exception task keeps, if it keeps one."""
        return await self._one("SELECT shipment_id, state FROM shipment_labels WHERE exception_task = ?", task_id)
