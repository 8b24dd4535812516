"""The road graph from the warehouse file: blocks expand, mistakes name their key, paths are the
fastest, the sample warehouse's network is complete."""

from __future__ import annotations

import pytest

from edge.config import load_config
from edge.errors import ConfigError
from edge.fleet.config import parse_fleet
from simulators.agv.cli import SAMPLE

PLACES = {"PACK-01": (0.0, 5.0), "A-01-01": (2.0, 1.0)}


def fleet(**tables) -> dict:
    base = {"vehicles": [{"manufacturer": "acme", "serial": "v{n}", "count": 2}],
            "lanes": [{"prefix": "L", "from": [0, 0], "to": [4, 0], "count": 5, "two_way": True}],
            "nodes": [{"id": "P1", "x": 0.0, "y": 5.0, "kind": "station", "location": "PACK-01"}],
            "edges": [{"from": "L01", "to": "P1"}]}
    return {"fleet": base | tables}


def parse(doc: dict):
    return parse_fleet(doc, "w.toml", PLACES)


def test_a_lane_expands_and_vehicle_patterns_count() -> None:
    cfg = parse(fleet())
    assert sorted(cfg.graph.nodes) == ["L01", "L02", "L03", "L04", "L05", "P1"]
    assert [v.serial for v in cfg.vehicles] == ["v1", "v2"]
    assert cfg.graph.path("L05", "P1") == ["L05", "L04", "L03", "L02", "L01", "P1"]
    assert cfg.graph.node_for_location("PACK-01").id == "P1"
    assert cfg.broker is None and cfg.embedded_port == 0
    assert [loc.code for loc in cfg.robot_locations("Z")] == ["ROBOT-v1", "ROBOT-v2"]


def test_no_fleet_table_means_no_fleet() -> None:
    assert parse({}) is None


@pytest.mark.parametrize("change, key, words", [
    ({"edges": [{"from": "L01", "to": "NOPE"}]}, "fleet.edges[0].to", "declared fleet node"),
    ({"nodes": [{"id": "P1", "x": 0, "y": 5, "location": "GHOST-9"}]}, "fleet.nodes[0].location",
     "location declared"),
    ({"nodes": [{"id": "P1", "x": 0, "y": 5, "kind": "helipad"}]}, "fleet.nodes[0].kind", "one of"),
    ({"edges": []}, "fleet.edges", "connected road graph"),
    ({"edges": [{"from": "L01", "to": "P1", "two_way": False}]}, "fleet.edges", "cannot get back"),
    ({"vehicles": [{"manufacturer": "a", "serial": "same", "count": 3}]}, "fleet.vehicles[0].serial", "{n}"),
    ({"lanes": [{"prefix": "L", "from": [0], "to": [4, 0], "count": 5}]}, "fleet.lanes[0].from", "[x, y]"),
    ({"broker": "http://x"}, "fleet.broker", "mqtt://"),
])
def test_mistakes_name_the_key(change: dict, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(fleet(**change))
    assert caught.value.key == key and words in str(caught.value)


def test_one_way_lane_and_grid_directions() -> None:
    doc = fleet(lanes=[{"prefix": "L", "from": [0, 0], "to": [4, 0], "count": 5, "reverse": True}],
                grids=[{"prefix": "G", "x0": 10, "y0": 0, "cols": 2, "rows": 2, "one_way": True}],
                edges=[{"from": "L01", "to": "P1"}, {"from": "L01", "to": "G01-01", "two_way": False},
                       {"from": "G02-01", "to": "L05", "two_way": False}])
    graph = parse(doc).graph
    assert ("L05", "L04") in graph.edges and ("L04", "L05") not in graph.edges
    grid = {(a, b) for a, b in graph.edges if a.startswith("G") and b.startswith("G")}
    assert grid == {("G01-01", "G02-01"), ("G02-01", "G02-02"), ("G02-02", "G01-02"), ("G01-02", "G01-01")}


def test_broker_url_with_credentials_and_tls() -> None:
    cfg = parse(fleet(broker="mqtts://user:s%40cret@mq.example:8883", tls={"ca_file": "/etc/ca.pem"}))
    b = cfg.broker
    assert (b.host, b.port, b.tls, b.username, b.password, b.ca_file) == (
        "mq.example", 8883, True, "user", "s@cret", "/etc/ca.pem")


def test_sample_warehouse_network() -> None:
    cfg = load_config(SAMPLE)
    graph = cfg.fleet.graph
    assert len(graph.of_kind("charger")) >= 3 and len(graph.of_kind("parking")) >= 300
    for code in ("PACK-01", "PACK-02", "PACK-03", "DOCK-01", "DOCK-02", "RCV-01", "STG-01"):
        assert graph.node_for_location(code) is not None, code
    assert graph.unreachable_from("PK1") == set()
    pairs = {frozenset(e) for e in graph.edges}
    two_way = [p for p in pairs if len(p) == 2 and tuple(p)[::-1] in graph.edges and tuple(p) in graph.edges]
    # roads are one way; only spurs (one node that leads nowhere else) are driven both ways
    assert all(any(len(graph.out[n]) == 1 for n in p) for p in two_way)
    robots = [loc for loc in cfg.locations if loc.type == "robot"]
    assert len(robots) == len(cfg.fleet.vehicles) == 6


def test_fastest_path_prefers_speed_and_avoids_blocked_nodes() -> None:
    doc = fleet(nodes=[{"id": "P1", "x": 0.0, "y": 5.0, "kind": "station", "location": "PACK-01"},
                       {"id": "X", "x": 2.0, "y": 3.0}],
                edges=[{"from": "L01", "to": "P1"}, {"from": "L05", "to": "X", "max_speed": 3.0},
                       {"from": "X", "to": "P1", "max_speed": 3.0}])
    graph = parse(doc).graph
    assert graph.path("L05", "P1") == ["L05", "X", "P1"]
    assert graph.path("L05", "P1", blocked={"X"}.__contains__)[1] == "L04"
    assert graph.path("L05", "P1", blocked={"X", "L04"}.__contains__) is None
    times = graph.times_to("P1")
    assert times["L05"] == pytest.approx(graph.travel_seconds(["L05", "X", "P1"]))
