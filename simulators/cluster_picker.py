"""A scripted cluster picker: takes a batch of small shipments onto a cart of totes through the
real terminal API, walks the path once over all their lines asking which tote each item goes to,
then packs and ships every tote. Its first pick goes into a wrong tote on purpose, to show the
refusal a picker reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.pickers import FloorStats
from terminal_ui.client import TerminalClient, TerminalError


@dataclass
class ClusterPicker:
    endpoint: str
    badge: str
    stats: FloorStats
    station: str = "PACK-01"
    dock: str = "DOCK-01"
    report: dict = field(default_factory=dict)

    async def run(self, totes: list[str]) -> dict:
        client = await TerminalClient(self.endpoint).connect()
        try:
            await client.login(self.badge)
            batch = await client.call("start_batch", {"mode": "cluster", "totes": totes})
            self.report.update(batch_id=batch["batch_id"], shipments=len(batch["totes"]), bins=set(), units=0)
            task = batch["task"]
            # After the batch's last pick, next_task would hand out a single order: stop at "done".
            while await self._pick(client, batch["batch_id"], task, batch["totes"]) != "done":
                task = (await client.call("next_task"))["task"]
            for shipment, tote in batch["totes"].items():
                await client.call("pack", {"tote": tote, "shipment_id": shipment, "station": self.station})
                await client.call("ship", {"shipment_id": shipment, "dock": self.dock})
                self.stats.packed += 1
                self.stats.shipped += 1
        finally:
            await client.close()
        self.report["bins"] = len(self.report["bins"])
        return self.report

    async def _pick(self, client: TerminalClient, batch_id: int, task: dict, totes: dict[str, str]) -> str:
        await client.call("scan", {"code": task["location"]})
        where = await client.call("batch_item", {"batch_id": batch_id, "item": task["sku"]})
        tote = next(g["tote"] for g in where["goes_to"] if g["task_id"] == task["id"])
        need = task["qty"] - task["done_qty"]
        args = {"task_id": task["id"], "location": task["location"], "item": task["sku"], "qty": need}
        wrong = next((t for t in totes.values() if t != tote), None)
        if "wrong_tote" not in self.report and wrong:
            try:
                await client.call("batch_pick", {**args, "tote": wrong})
            except TerminalError as exc:
                self.report["wrong_tote"] = exc.message
        done = await client.call("batch_pick", {**args, "tote": tote})
        self.stats.picks += 1
        self.stats.units += need
        self.report["units"] += need
        self.report["bins"].add(task["location"])
        return done["batch_state"]
