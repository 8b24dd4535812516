"""The floor map drawn as characters: scaling, roads, node letters, vehicle glyphs, the side list."""

from __future__ import annotations

import pytest

from terminal_ui.fleetmap import (
    GLYPHS,
    Frame,
    RoadMap,
    answer_text,
    draw,
    glyph,
    state_class,
    summary,
    vehicle_rows,
)

# a square floor 10 m x 10 m: a ring of lanes, a charger in one corner, a diagonal shortcut
ANSWER = {"map_id": "m", "nodes": [
    {"id": "a", "x": 0, "y": 0, "kind": "lane", "location": None},
    {"id": "b", "x": 10, "y": 0, "kind": "lane", "location": None},
    {"id": "c", "x": 10, "y": 10, "kind": "charger", "location": None},
    {"id": "d", "x": 0, "y": 10, "kind": "station", "location": "PACK-01"},
], "edges": [{"from": "a", "to": "b", "two_way": True}, {"from": "b", "to": "c", "two_way": False},
             {"from": "c", "to": "d", "two_way": True}, {"from": "d", "to": "a", "two_way": True},
             {"from": "a", "to": "c", "two_way": False}, {"from": "a", "to": "ghost", "two_way": True}]}
ROAD = RoadMap.from_answer(ANSWER)


def vehicle(state="IDLE", x=5.0, y=0.0, **more) -> dict:
    return {"vehicle": "SkladSim/agv-001", "state": state, "battery": 81.6, "node": "a", "x": x, "y": y, "task": None,
            "charging": False, "fault": None, "driving": False, "waiting_on": None, "load": None,
            "loaded": False} | more


def test_roads_naming_unknown_nodes_are_left_out() -> None:
    assert len(ROAD.roads) == 5 and ("a", "ghost") not in ROAD.roads


@pytest.mark.parametrize(("x", "y", "cell"), [(0, 0, (0, 4)), (10, 10, (10, 0)), (5, 5, (5, 2)),
                                              (-3, 40, (0, 0)), (99, -1, (10, 4))])
def test_metres_stretch_over_the_grid_with_y_up_and_points_off_the_map_held_at_its_edge(x, y, cell) -> None:
    assert Frame.fit(ROAD, 11, 5).cell(x, y) == cell


def test_a_map_of_one_point_or_no_nodes_still_draws() -> None:
    assert draw(RoadMap({"a": (3.0, 3.0, "lane")}, ()), [], 4, 2).rows == ["    ", "    "]
    assert draw(RoadMap({}, ()), [vehicle()], 3, 1).rows == ["○  "]
    assert draw(ROAD, [], 0, 0).rows == ["S"]  # a zero-sized widget gets one cell, never a crash


def test_lanes_are_box_lines_joined_at_corners_and_special_nodes_are_letters() -> None:
    rows = draw(ROAD, [], 11, 5).rows
    assert rows == ["S─────────C",
                    "│      ·· │",
                    "│   ···   │",
                    "│ ··      │",
                    "└─────────┘"]


def test_a_vehicle_is_placed_where_it_is_with_its_state_glyph_and_marked() -> None:
    drawing = draw(ROAD, [vehicle("BUSY", 5.0, 0.0, driving=True), vehicle("PAUSED", 0.0, 5.0)], 11, 5)
    assert drawing.rows[4] == "└────▷────┘" and drawing.rows[2][0] == "□"
    marks = {(m.col, m.row): m for m in drawing.marks}
    assert marks[(5, 4)].kind == "driving" and marks[(5, 4)].vehicle == 0
    assert marks[(0, 2)].kind == "paused" and marks[(0, 2)].vehicle == 1
    assert marks[(10, 0)].kind == "charger" and marks[(10, 0)].vehicle is None


def test_a_vehicle_that_never_said_where_it_is_is_listed_but_not_drawn() -> None:
    for unplaced in (vehicle(x=None), vehicle("OFFLINE", node=None, x=0.0, y=0.0)):
        assert not [m for m in draw(ROAD, [unplaced], 11, 5).marks if m.vehicle is not None]
    assert vehicle_rows([vehicle(x=None)])[0][0] == "○ agv-001"


@pytest.mark.parametrize(("v", "expected"), [
    (vehicle("OFFLINE", fault="x"), "offline"),
    (vehicle("FAULT", fault="stalled"), "error"),
    (vehicle("PAUSED"), "paused"),
    (vehicle("CHARGING", charging=True), "charging"),
    (vehicle("TO_CHARGER", charging=True), "charging"),
    (vehicle("IDLE"), "idle"),
    (vehicle("BUSY", driving=True), "driving"),
    (vehicle("BUSY", driving=True, waiting_on="SkladSim/agv-002"), "waiting"),
    (vehicle("BUSY", driving=False), "waiting"),
    (vehicle("PARKING", driving=True), "driving"),
])
def test_every_state_has_its_glyph_class(v, expected) -> None:
    assert state_class(v) == expected


def test_a_loaded_vehicle_gets_the_filled_glyph() -> None:
    assert glyph(vehicle("BUSY", driving=True, loaded=True)) == GLYPHS["driving"][1] == "▶"
    assert glyph(vehicle("BUSY", driving=True, load="T1")) == GLYPHS["driving"][0] == "▷"
    assert len({g for pair in GLYPHS.values() for g in pair}) == 13  # offline has no load to show


def test_side_list_rows() -> None:
    rows = vehicle_rows([vehicle("BUSY", driving=True, task=7, load="T00009", loaded=True, battery=45.4),
                         vehicle("IDLE", vehicle="SkladSim/agv-002")])
    assert rows == [("▶ agv-001", "BUSY", "45%", "T00009 ✓", "7"), ("○ agv-002", "IDLE", "82%", "-", "-")]


def test_summary_and_answers_in_words() -> None:
    answer = {"summary": {"vehicles": 3, "states": {"IDLE": 2, "BUSY": 1}, "paused": True, "open_tasks": 4}}
    assert summary(answer) == "FLEET PAUSED · open transports 4 · 3 vehicles: busy 1 idle 2"
    assert summary({}) == "open transports 0 · 0 vehicles: none"
    assert answer_text("fleet_pause", None, {"paused": 3}) == "Paused: startPause sent to 3 vehicles"
    assert answer_text("fleet_resume", None, {"resumed": 2}) == "Resumed: stopPause sent to 2 vehicles"
    assert answer_text("fleet_charge", "V/1", {"vehicle": "V/1", "charger": "CH-1"}) == "V/1 is going to charger CH-1"
    assert answer_text("fleet_cancel", "V/1", {"cancelling": "V/1"}) == "Cancelling V/1's order (cancelOrder sent)"
