"""Scripted pickers: handheld users driven through the real terminal API.

Each picker logs in with a badge, asks for the next task, scans bin, item and tote, confirms (now
and then finds a bin short), and when its shipment is picked, packs it and ships it.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from terminal_ui.client import TerminalClient, TerminalError


@dataclass
class FloorStats:
    picks: int = 0
    units: int = 0
    shorts: int = 0
    packed: int = 0
    shipped: int = 0
    refusals: Counter = field(default_factory=Counter)


@dataclass
class ScriptedPicker:
    endpoint: str
    badge: str
    stats: FloorStats
    totes: asyncio.Queue            # empty totes on the rack; packing empties a tote again
    station: str = "PACK-01"
    dock: str = "DOCK-01"
    short_rate: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    async def run(self, stop_when_idle: bool = True) -> None:
        client = await TerminalClient(self.endpoint).connect()
        try:
            await client.login(self.badge)
            task = None
            while True:
                task = task or (await client.call("next_task"))["task"]
                if task is None:
                    if stop_when_idle:
                        return
                    await asyncio.sleep(0.5)
                    continue
                try:
                    task = await self._work_shipment(client, task)
                except TerminalError:
                    return  # a refused pick stays with this picker: a supervisor sorts it out
        finally:
            await client.close()

    async def _work_shipment(self, client: TerminalClient, task: dict) -> dict | None:
        """Pick, pack and ship one shipment; returns the task next_task handed out after its last pick
        (already this picker's: nobody else would take it)."""
        shipment = task["shipment_id"]
        tote = await self.totes.get()
        while task is not None and task["shipment_id"] == shipment:
            await self._pick(client, task, tote)
            task = (await client.call("next_task"))["task"]
        try:
            await client.call("pack", {"tote": tote, "shipment_id": shipment, "station": self.station})
            self.stats.packed += 1
            await client.call("ship", {"shipment_id": shipment, "dock": self.dock})
            self.stats.shipped += 1
        except TerminalError as exc:  # e.g. every unit was short: nothing to pack; tote goes to a supervisor
            self.stats.refusals[exc.code] += 1
            return task
        self.totes.put_nowait(tote)
        return task

    async def _pick(self, client: TerminalClient, task: dict, tote: str) -> None:
        await client.call("scan", {"code": task["location"]})
        await client.call("scan", {"code": task["sku"]})
        need = task["qty"] - task["done_qty"]
        try:
            if self.rng.random() < self.short_rate and need > 1:
                found = self.rng.randrange(0, need)
                await client.call("short_pick", {"task_id": task["id"], "location": task["location"],
                                                 "found_qty": found, "tote": tote})
                self.stats.shorts += 1
                self.stats.units += found
            else:
                await client.call("confirm_pick", {"task_id": task["id"], "location": task["location"],
                                                   "item": task["sku"], "tote": tote, "qty": need})
                self.stats.units += need
            self.stats.picks += 1
        except TerminalError as exc:
            self.stats.refusals[exc.code] += 1
            raise
