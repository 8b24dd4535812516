"""Read-only questions from terminals, answered on their own aiosqlite connection (WAL readers
never wait for the writer)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from edge.domain.model import Location
from edge.domain.putaway import BinLoad, suggest_putaway
from edge.errors import NotFound

LOC_COLS = "code, zone, type, x, y, capacity"


class Queries:
    def __init__(self, path: Path | str):
        self.path = path
        self.db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        self.db = await aiosqlite.connect(str(self.path))
        await self.db.execute("PRAGMA busy_timeout=10000")
        await self.db.execute("PRAGMA query_only=ON")

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()

    async def _one(self, sql: str, *args):
        async with self.db.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, *args):
        async with self.db.execute(sql, args) as cur:
            return await cur.fetchall()

    async def location(self, code: str) -> Location | None:
        row = await self._one(f"SELECT {LOC_COLS} FROM locations WHERE code = ? AND retired_at IS NULL", code)
        return Location(*row) if row else None

    async def sku_of(self, code: str) -> str | None:
        row = await self._one(
            "SELECT sku FROM skus WHERE sku = ? UNION ALL SELECT sku FROM barcodes WHERE code = ? LIMIT 1",
            code, code,
        )
        return row[0] if row else None

    async def answered(self, key: str) -> bool:
        """Has the ledger already answered a command with this idempotency key?"""
        return await self._one("SELECT 1 FROM idempotency WHERE key = ?", key) is not None

    async def classify(self, code: str) -> dict:
        """What did the picker just scan? A location, a tote or an item."""
        loc = await self.location(code)
        if loc is not None:
            return {"kind": "tote" if loc.type == "tote" else "location", "code": code, "type": loc.type}
        sku = await self.sku_of(code)
        if sku is not None:
            (tracked,) = await self._one("SELECT lot_tracked FROM skus WHERE sku = ?", sku)
            return {"kind": "item", "code": code, "sku": sku, "lot_tracked": bool(tracked)}
        raise NotFound(f"{code!r} is not a location, tote or product of this warehouse")

    async def stock(self, location: str | None, item: str | None) -> list[dict]:
        sku = await self.sku_of(item) if item else None
        if item and sku is None:
            raise NotFound(f"item {item!r} is not in the catalog")
        rows = await self._all(
            "SELECT sku, location, lot, on_hand, allocated FROM balances WHERE on_hand > 0 "
            "AND (? IS NULL OR location = ?) AND (? IS NULL OR sku = ?) ORDER BY location LIMIT 200",
            location, location, sku, sku,
        )
        return [dict(zip(("sku", "location", "lot", "on_hand", "allocated"), r, strict=True)) for r in rows]

    async def open_exceptions(self) -> list[dict]:
        """Open exception tasks, oldest first, for a supervisor to work through."""
        cols = ("task_id", "location", "tote", "reason", "opened_at")
        rows = await self._all(
            "SELECT id, location, tote, reason, created_at FROM tasks "
            "WHERE kind = 'exception' AND state = 'open' ORDER BY id LIMIT 200",
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    async def suggest_putaway(self, item: str, qty: int, from_location: str) -> dict:
        sku = await self.sku_of(item)
        if sku is None:
            raise NotFound(f"item {item!r} is not in the catalog")
        origin = await self.location(from_location)
        if origin is None:
            raise NotFound(f"location {from_location!r} does not exist")
        rows = await self._all(
            f"SELECT {LOC_COLS}, COALESCE(SUM(b.on_hand), 0), MAX(b.sku = ?) FROM locations l "
            "LEFT JOIN balances b ON b.location = l.code WHERE l.type IN ('reserve', 'pick_face') "
            "AND l.retired_at IS NULL "
            "GROUP BY l.code", sku,
        )
        bins = [BinLoad(Location(*r[:6]), r[6], bool(r[7])) for r in rows]
        best = suggest_putaway(qty, origin, bins)
        if best is None:
            raise NotFound(f"no bin has room for {qty} units of {sku}: ask your supervisor")
        return {"sku": sku, "to_location": best.code, "zone": best.zone}
