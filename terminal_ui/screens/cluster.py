"""Cluster picking: scan the cart's empty totes, F2 takes a batch of small orders (one tote each),
then one walk along the path over all their lines; each unit goes into its order's tote."""

from __future__ import annotations

from terminal_ui.cluster import Cart, ClusterFlow
from terminal_ui.picking import Action, Send
from terminal_ui.scanning import Entry
from terminal_ui.screens.pick import PickScreen


class ClusterScreen(PickScreen):
    TITLE = "CLUSTER"
    HINTS = "F2 start/short  Esc back  F4 sound"

    def __init__(self):
        super().__init__()
        self.cart = Cart([])
        self.batch: dict | None = None

    def on_mount(self) -> None:
        self.query_one("#top").title = self.TITLE
        self.render_task()
        # Back on this screen with a batch still open (the handheld was off, or Esc): carry on with it.
        self.app.send("batch", {}, self._resume, lambda exc: None)

    def _resume(self, view: dict) -> None:
        if view["state"] == "picking" and view["mode"] == "cluster":
            self._started({"batch_id": view["batch_id"],
                           "totes": {line["shipment_id"]: line["tote"] for line in view["lines"]}})

    def prompt(self) -> str:
        if self.batch is None:
            return f"Scan the cart's empty totes ({len(self.cart.totes)}), F2 to start"
        return super().prompt()

    def fetch_next(self) -> None:
        if self.batch is not None:  # after the batch, next_task would hand out a single order
            super().fetch_next()

    def _got_view(self, view: dict, step: str | None = None) -> None:
        self.flow = ClusterFlow(view)
        if step:
            self.flow.step = step
        self.render_task()

    def on_entry(self, entry: Entry) -> None:
        if self.batch is not None:
            super().on_entry(entry)
        elif refusal := self.cart.add(entry.text):
            self.app.refuse(refusal.message)
        else:
            self.good(f"Tote {entry.text} on the cart")

    def on_command(self, key: str) -> None:
        if self.batch is None and key == "f2":
            self._start()
        elif self.batch is None and key in ("escape", "f1"):
            self.app.pop_screen()
        else:
            super().on_command(key)

    def _start(self) -> None:
        if not self.cart.totes:
            self.app.refuse("Scan at least one empty tote onto the cart first.")
            return
        self.app.send("start_batch", {"mode": "cluster", "totes": self.cart.totes}, self._started)

    def _started(self, result: dict) -> None:
        self.batch = result
        self.note = f"Batch {result['batch_id']}: {len(result['totes'])} orders"
        self.fetch_next()

    def act(self, action: Action) -> None:
        if isinstance(action, Send) and action.op == "batch_pick":
            self.app.send(action.op, action.args, self._batch_confirmed, self._refused)
        elif isinstance(action, Send):
            self.app.send(action.op, action.args, self._batch_shorted, self._refused)
        else:
            super().act(action)

    def _batch_confirmed(self, result: dict) -> None:
        if result["batch_state"] == "done":
            self._finished(f"Picked {self.flow.count}")
        else:
            self._confirmed(result)

    def _batch_shorted(self, result: dict) -> None:
        if result["batch_state"] == "done":
            self._finished(f"Short {result['missing']} recorded")
        else:
            self._shorted(result)

    def _finished(self, note: str) -> None:
        totes = " ".join(self.batch["totes"].values())
        self.route = f"Batch {self.batch['batch_id']} done: totes {totes} → packing"
        self.batch, self.flow, self.cart = None, None, Cart([])
        self.note = note
        self.render_task()
