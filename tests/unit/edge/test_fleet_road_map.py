"""The road graph as the `fleet_map` terminal op gives it to the supervisor's floor map."""

from __future__ import annotations

from edge.config import load_config
from edge.fleet.service import FleetService
from simulators.agv.cli import SAMPLE


def test_every_road_once_with_its_directions_and_every_node_with_its_place() -> None:
    cfg = load_config(SAMPLE).fleet
    road = FleetService(cfg).road_map()
    graph = cfg.graph
    assert road["map_id"] == cfg.map_id
    assert {n["id"]: (n["x"], n["y"], n["kind"]) for n in road["nodes"]} == {
        n.id: (n.x, n.y, n.kind) for n in graph.nodes.values()}
    pairs = [frozenset((r["from"], r["to"])) for r in road["edges"]]
    assert len(pairs) == len(set(pairs)) == len({frozenset(e) for e in graph.edges})
    for r in road["edges"]:
        assert (r["from"], r["to"]) in graph.edges
        assert r["two_way"] == ((r["to"], r["from"]) in graph.edges)
    assert any(r["two_way"] for r in road["edges"]) and not all(r["two_way"] for r in road["edges"])
