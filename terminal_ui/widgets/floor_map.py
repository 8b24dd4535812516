"""The supervisor console's fleet tab: the live floor map, the vehicle list beside it, and the
fleet operations (P pause all, R resume all, C cancel the selected vehicle's order, H send it to a
charger), each answered on screen in the node's words.

The panel follows the node itself: it asks `fleet_map` once and `fleet` twice a second, on the
session the console logged in with, and repaints only what changed, so the map never flickers.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from terminal_ui.client import TerminalClient, TerminalError
from terminal_ui.fleetmap import LEGEND, RoadMap, answer_text, draw, summary, vehicle_rows
from terminal_ui.widgets.table import LiveTable

# what the node's fleet publishes on PUB (edge.fleet: FleetNote kinds, and task changes)
FLEET_EVENTS = frozenset({"TransportTaskChanged"} | {f"Fleet{kind}" for kind in (
    "Paused", "Resumed", "VehicleConnection", "VehicleFault", "VehicleNoFactsheet", "VehicleConflict", "VehicleLost",
    "OrderProblem", "DeadlockBroken")})
NO_FLEET = "No robot fleet is configured on this node."
STYLES = {"driving": "bold green", "waiting": "bold yellow", "idle": "bold cyan", "charging": "bold blue",
          "paused": "bold magenta", "error": "bold white on red", "offline": "bold red",
          "charger": "blue", "parking": "bright_black", "station": "bold", "dock": "bold", "drop": "bright_black"}
OPS = {"fleet_pause": "pause every vehicle", "fleet_resume": "resume every vehicle",
       "fleet_cancel": "cancel the order of", "fleet_charge": "send to a charger"}


class FloorMap(Widget):
    DEFAULT_CSS = "FloorMap { width: 1fr; height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.road: RoadMap | None = None
        self.vehicles: list[dict] = []
        self.selected: int | None = None

    def show(self, road: RoadMap, vehicles: list[dict], selected: int | None) -> None:
        if (road, vehicles, selected) != (self.road, self.vehicles, self.selected):
            self.road, self.vehicles, self.selected = road, vehicles, selected
            self.refresh()

    def render(self) -> Text:
        if self.road is None:
            return Text("waiting for the road map…", style="dim")
        drawing = draw(self.road, self.vehicles, self.size.width, self.size.height)
        lines = [Text(row, style="bright_black") for row in drawing.rows]
        for m in drawing.marks:
            style = STYLES.get(m.kind, "")
            if m.vehicle is not None and m.vehicle == self.selected:
                style += " reverse"
            lines[m.row].stylize(style, m.col, m.col + 1)
        return Text("\n").join(lines)


class FleetPanel(Vertical, can_focus=True):
    DEFAULT_CSS = """
    FleetPanel #fleet-summary, FleetPanel #fleet-note { height: 1; }
    FleetPanel #fleet-note.-error { background: $error; color: white; }
    FleetPanel #fleet-legend { height: auto; color: $text-muted; }
    FleetPanel #fleet-vehicles { width: 42; height: 1fr; }
    FleetPanel.-absent #fleet-body, FleetPanel.-absent #fleet-legend { display: none; }
    """
    BINDINGS = [Binding("p", "operate('fleet_pause')", "pause all"),
                Binding("r", "operate('fleet_resume')", "resume all"),
                Binding("c", "operate('fleet_cancel')", "cancel order"),
                Binding("h", "operate('fleet_charge')", "to charger")]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.road: RoadMap | None = None
        self.vehicles: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="fleet-summary")
        with Horizontal(id="fleet-body"):
            yield FloorMap(id="floor-map")
            yield LiveTable("vehicle", "state", "bat", "load", "task", id="fleet-vehicles")
        yield Static(f"{LEGEND}\nP pause all  R resume all  C cancel order  H to charger  ↑↓ choose",
                     id="fleet-legend")
        yield Static("", id="fleet-note")

    def focus_list(self) -> None:
        """The keys go to the vehicle list; with no fleet shown, to the panel, so P still gets the
        node's answer rather than nothing."""
        (self if self.has_class("-absent") else self.query_one("#fleet-vehicles", LiveTable)).focus()

    @property
    def selected(self) -> str | None:
        index = self.query_one("#fleet-vehicles", LiveTable).cursor_row
        return self.vehicles[index]["vehicle"] if 0 <= index < len(self.vehicles) else None

    def note(self, text: str, error: bool = False) -> None:
        note = self.query_one("#fleet-note", Static)
        note.set_class(error, "-error")
        note.update(text)

    def show(self, answer: dict) -> None:
        self.vehicles = sorted(answer.get("vehicles", []), key=lambda v: str(v.get("vehicle")))
        table = self.query_one("#fleet-vehicles", LiveTable)
        table.show(vehicle_rows(self.vehicles))
        self.query_one("#fleet-summary", Static).update(summary(answer))
        if self.road is not None:
            self.query_one(FloorMap).show(self.road, self.vehicles, table.cursor_row if self.vehicles else None)

    def absent(self, why: str) -> None:
        if self.query_one("#fleet-vehicles", LiveTable).has_focus:
            self.focus()
        self.add_class("-absent")
        self.query_one("#fleet-summary", Static).update(why)

    def on_data_table_row_highlighted(self) -> None:
        if self.road is not None:
            self.query_one(FloorMap).show(self.road, self.vehicles,
                                          self.query_one("#fleet-vehicles", LiveTable).cursor_row)

    async def follow(self, client: TerminalClient, every: float = 0.5) -> None:
        """Poll the fleet for as long as the console runs; the console owns the login and the link."""
        while True:
            wait = every
            if client.session is not None:
                try:
                    await self._fetch(client)
                except TimeoutError:
                    pass  # the console's top line shows the node not answering
                except (KeyError, TypeError, ValueError) as exc:
                    self.note(f"The node's fleet answer was not understood ({exc!r}); still trying", error=True)
                except TerminalError as exc:
                    if exc.code == "conflict" or (exc.code != "unauthenticated" and self.road is None):
                        self.absent(NO_FLEET if exc.code == "conflict" else f"No fleet map: {exc.message}")
                        wait = 10.0  # a node restarted with a fleet is picked up later
            await asyncio.sleep(wait)

    async def _fetch(self, client: TerminalClient) -> None:
        if self.road is None:
            self.road = RoadMap.from_answer(await client.call("fleet_map"))
            self.remove_class("-absent")
        self.show(await client.call("fleet"))

    def action_operate(self, op: str) -> None:
        vehicle = self.selected if op in ("fleet_cancel", "fleet_charge") else None
        if op in ("fleet_cancel", "fleet_charge") and vehicle is None:
            self.note("Choose a vehicle with ↑↓ first", error=True)
            return
        self.note(f"Asking the node to {OPS[op]}{' ' + vehicle if vehicle else ''}…")
        self.run_worker(self._operate(op, vehicle), group="fleet-op")

    async def _operate(self, op: str, vehicle: str | None) -> None:
        try:
            result = await self.app.client.call(op, {"vehicle": vehicle} if vehicle else None)
            self.note(answer_text(op, vehicle, result))
        except TerminalError as exc:
            self.note(f"Refused: {exc.message}", error=True)
        except TimeoutError:
            self.note("The node did not answer: try again when the link is back", error=True)
