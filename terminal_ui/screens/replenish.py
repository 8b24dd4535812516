"""Replenishment on the handheld: the next task comes by itself (urgent first); scan the reserve
bin, the item and the pick face, key the quantity moved. Returns: take a parcel in at the desk."""

from __future__ import annotations

from terminal_ui.flows import FlowSpec, is_item
from terminal_ui.forms import Step
from terminal_ui.screens.form import FormScreen

IDLE_POLL_S = 2.0

REPLENISH = FlowSpec(
    "REPLENISH",
    (Step("bin", "Scan reserve bin {from_location}"),
     Step("item", "Scan the item {sku}", lookup=lambda v: ("scan", {"code": v["item"]}), accept=is_item),
     Step("face", "Scan pick face {to_location}"),
     Step("count", "Key qty moved ({left} left), Enter", number=True)),
    "replenish_confirm", (("task_id", "task_id"), ("from_location", "bin"), ("item", "sku"), ("to_location", "face"),
                          ("qty", "count")),
    "Moved {count} x {sku} to {face}",
    info=("{from_location} → {to_location}", "{sku} x {left} ({trigger})"),
)

RETURN_RECEIVE = FlowSpec(
    "RETURNS IN",
    (Step("return", "Scan the return label"), Step("desk", "Scan the returns desk")),
    "return_receive", (("return_id", "return"), ("location", "desk")),
    "Return {return_id}: {units} units in at {location}",
    keep=("desk",),
)


class ReplenishScreen(FormScreen):
    """A FormScreen whose values start with the task the node hands out."""

    def __init__(self):
        super().__init__(REPLENISH)

    def on_mount(self) -> None:
        super().on_mount()
        self.fetch_next()

    def prompt(self) -> str:
        return super().prompt() if "task_id" in self.form.values else "No replenishment waiting"

    def fetch_next(self) -> None:
        if self.is_attached and self.app.screen is self and not self.app.busy:
            self.app.send("replenish_next", {}, self._got_task)
        elif self.is_attached:
            self.set_timer(IDLE_POLL_S, self.fetch_next)

    def _got_task(self, result: dict) -> None:
        task = result["task"]
        self.form.restart()
        if task is None:
            self.set_timer(IDLE_POLL_S, self.fetch_next)
        else:
            self.form.values.update(task_id=task["id"], from_location=task["from_location"], sku=task["sku"],
                                    to_location=task["to_location"], left=task["qty"] - task["done_qty"],
                                    trigger=task["trigger"])
        self.show_info()
        self.show_prompt()

    def on_entry(self, entry) -> None:
        if "task_id" not in self.form.values:
            self.app.refuse("No replenishment to do yet: wait for the next task")
            return
        super().on_entry(entry)

    def _done(self, result: dict) -> None:
        super()._done(result)
        self.fetch_next()
