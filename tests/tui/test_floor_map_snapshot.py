"""An SVG snapshot of the fleet tab at 80x24: the sample warehouse's road graph (as the node's
`fleet_map` gives it) with one vehicle in each state, so every glyph and colour is pinned.
Vehicles on a live node move, so this one is fed fixed answers; `test_floor_map` drives the live one.
Update after a deliberate change with `pytest tests/tui/test_floor_map_snapshot.py --snapshot-update`."""

from __future__ import annotations

from textual.app import App, ComposeResult

from edge.config import load_config
from edge.fleet.service import FleetService
from simulators.agv.cli import SAMPLE
from terminal_ui.fleetmap import RoadMap
from terminal_ui.widgets.floor_map import FleetPanel

ROAD = FleetService(load_config(SAMPLE).fleet).road_map()
AT = {n["id"]: (n["x"], n["y"]) for n in ROAD["nodes"]}


def vehicle(n: int, state: str, node: str, **more) -> dict:
    x, y = AT[node]
    return {"vehicle": f"SkladSim/agv-{n:03d}", "state": state, "battery": 90.0 - 9 * n, "node": node, "x": x,
            "y": y, "task": None, "charging": False, "fault": None, "driving": False, "waiting_on": None,
            "load": None, "loaded": False} | more


FLEET = {"summary": {"vehicles": 7, "states": {"BUSY": 2, "IDLE": 1, "CHARGING": 1, "PAUSED": 1, "FAULT": 1,
                                               "OFFLINE": 1}, "paused": False, "open_tasks": 3},
         "vehicles": [vehicle(1, "BUSY", "L1-07", driving=True, task=4, load="T00009", loaded=True),
                      vehicle(2, "BUSY", "S-13", task=5, load="T00012", waiting_on="SkladSim/agv-001"),
                      vehicle(3, "IDLE", "N-10"),
                      vehicle(4, "CHARGING", "CH2", charging=True),
                      vehicle(5, "PAUSED", "L4-19"),
                      vehicle(6, "FAULT", "L6-07", fault="stalled on L6-07>L6-08", task=6, load="P-77", loaded=True),
                      vehicle(7, "OFFLINE", "B1-07")]}


class FleetTab(App):
    def compose(self) -> ComposeResult:
        yield FleetPanel()

    def on_mount(self) -> None:
        panel = self.query_one(FleetPanel)
        panel.road = RoadMap.from_answer(ROAD)
        panel.show(FLEET)
        panel.focus_list()
        panel.note("Paused: startPause sent to 6 vehicles")


def test_fleet_tab_80x24(snap_compare) -> None:
    async def choose_second(pilot) -> None:
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(FleetTab(), terminal_size=(80, 24), run_before=choose_second)
