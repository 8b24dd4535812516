"""The `[fleet]` table of the warehouse file: broker, vehicles, thresholds and the road graph.

The graph is declared with single `[[fleet.nodes]]` and `[[fleet.edges]]`, and with blocks that
expand like `[[racks]]` do: `[[fleet.lanes]]` (a straight row of nodes, one-way or both) and
`[[fleet.grids]]` (rows x columns joined to their neighbours both ways, e.g. a parking area).
Every error names the key.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from devices.robots.mqtt import BrokerConfig
from edge.config import _Reader
from edge.domain.model import Location
from edge.errors import ConfigError
from edge.fleet.graph import NODE_KINDS, RoadGraph, RoadNode
from edge.fleet.tasks import robot_location


@dataclass(frozen=True)
class VehicleDecl:
    manufacturer: str
    serial: str
    load_types: tuple[str, ...]


@dataclass(frozen=True)
class FleetConfig:
    graph: RoadGraph = field(compare=False)
    vehicles: tuple[VehicleDecl, ...]
    interface: str = "sklad"
    map_id: str = "floor"
    broker: BrokerConfig | None = None  # None: the node runs the embedded broker
    embedded_port: int = 0  # 0: a free port, chosen when the node starts
    charge_below: float = 25.0
    charged_above: float = 90.0
    lookahead: int = 3
    resend_after: float = 1.0
    max_sends: int = 3
    offline_grace_s: float = 10.0
    pick_seconds: float = 4.0
    places: dict[str, tuple[float, float]] = field(default_factory=dict, compare=False)  # location -> (x, y)

    def robot_locations(self, zone: str) -> list[Location]:
        return [Location(robot_location(v.serial), zone, "robot", 0.0, 0.0, 0) for v in self.vehicles]


def parse_fleet(doc: dict[str, Any], source: str, locations: dict[str, tuple[float, float]]) -> FleetConfig | None:
    """`locations` maps each location code of the file to its (x, y); None when there is no [fleet]."""
    if "fleet" not in doc:
        return None
    r = _Reader(source, doc).sub("fleet")
    graph = _graph(r, locations)
    return FleetConfig(
        graph=graph, vehicles=tuple(_vehicles(r)), interface=r.text("interface", "sklad"),
        map_id=r.text("map_id", "floor"), broker=_broker(r),
        embedded_port=r.integer("embedded_port", 0, minimum=0),
        charge_below=float(r.number("charge_below", 25.0, minimum=0.0)),
        charged_above=float(r.number("charged_above", 90.0, minimum=1.0)),
        lookahead=r.integer("lookahead", 3, minimum=1), resend_after=float(r.number("resend_after", 1.0, minimum=0.05)),
        max_sends=r.integer("max_sends", 3, minimum=1),
        offline_grace_s=float(r.number("offline_grace_s", 10.0, minimum=0.0)),
        pick_seconds=float(r.number("pick_seconds", 4.0, minimum=0.0)), places=dict(locations),
    )


def _broker(r: _Reader) -> BrokerConfig | None:
    url = r.text("broker", None)
    if url is None:
        return None
    tls = r.sub("tls")
    try:
        return BrokerConfig.from_url(url, username=r.text("username", None), password=r.text("password", None),
                                     ca_file=tls.text("ca_file", None), cert_file=tls.text("cert_file", None),
                                     key_file=tls.text("key_file", None))
    except Exception as exc:
        raise r._err("broker", "mqtt://host:port or mqtts://host:port", url) from exc


def _vehicles(r: _Reader) -> list[VehicleDecl]:
    out: list[VehicleDecl] = []
    for v in r.tables("vehicles"):
        serial, count = v.text("serial"), v.integer("count", 1, minimum=1)
        if count > 1 and "{n" not in serial:
            raise v._err("serial", 'a pattern with {n} (e.g. "agv-{n:03d}") when count > 1', serial)
        for n in range(1, count + 1):
            out.append(VehicleDecl(v.text("manufacturer"), serial.format(n=n),
                                   v.texts("load_types", "load types", ["tote"])))
    return out


def _graph(r: _Reader, locations: dict[str, tuple[float, float]]) -> RoadGraph:
    graph = RoadGraph()
    for n in r.tables("nodes"):
        _add_node(graph, n, RoadNode(n.text("id"), float(n.number("x")), float(n.number("y")),
                                     n.text("kind", "lane"), n.text("location", None)), locations)
    for lane in r.tables("lanes"):
        _lane(graph, lane)
    for grid in r.tables("grids"):
        _grid(graph, grid)
    for e in r.tables("edges"):
        start, end = e.text("from"), e.text("to")
        for key, node in (("from", start), ("to", end)):
            if node not in graph.nodes:
                raise e._err(key, "the id of a declared fleet node", node)
        speed = float(e.number("max_speed", 1.5, minimum=0.05))
        graph.add_edge(start, end, speed)
        if e.get("two_way", bool, "true or false", True):
            graph.add_edge(end, start, speed)
    _check_connected(r, graph)
    return graph


def _add_node(graph: RoadGraph, r: _Reader, node: RoadNode, locations: dict[str, tuple[float, float]]) -> None:
    if node.id in graph.nodes:
        raise r._err("id", f"a node id not used before ({node.id!r} repeats)", node.id)
    if node.kind not in NODE_KINDS:
        raise r._err("kind", f"one of {sorted(NODE_KINDS)}", node.kind)
    if node.location is not None and node.location not in locations:
        raise r._err("location", "the code of a location declared in this file", node.location)
    graph.add_node(node)


def _lane(graph: RoadGraph, r: _Reader) -> None:
    prefix, count = r.text("prefix"), r.integer("count", minimum=2)
    (x0, y0), (x1, y1) = _point(r, "from"), _point(r, "to")
    speed = float(r.number("max_speed", 1.5, minimum=0.05))
    ids = [f"{prefix}{i:02d}" for i in range(1, count + 1)]
    for i, node_id in enumerate(ids):
        t = i / (count - 1)
        _add_node(graph, r, RoadNode(node_id, round(x0 + t * (x1 - x0), 3), round(y0 + t * (y1 - y0), 3)), {})
    two_way = r.get("two_way", bool, "true or false", False)
    reverse = r.get("reverse", bool, "true or false", False)  # one way, from `to` back to `from`
    for a, b in itertools.pairwise(ids):
        if two_way or not reverse:
            graph.add_edge(a, b, speed)
        if two_way or reverse:
            graph.add_edge(b, a, speed)


def _grid(graph: RoadGraph, r: _Reader) -> None:
    prefix, kind = r.text("prefix"), r.text("kind", "parking")
    cols, rows = r.integer("cols", minimum=1), r.integer("rows", minimum=1)
    x0, y0 = float(r.number("x0")), float(r.number("y0"))
    dx, dy = float(r.number("dx", 1.5, minimum=0.5)), float(r.number("dy", 1.5, minimum=0.5))
    speed = float(r.number("max_speed", 1.0, minimum=0.05))
    name = {(c, w): f"{prefix}{w + 1:02d}-{c + 1:02d}" for c in range(cols) for w in range(rows)}
    for (c, w), node_id in name.items():
        _add_node(graph, r, RoadNode(node_id, x0 + c * dx, y0 + w * dy, kind), {})
    # one way: rows and columns alternate direction (a Manhattan grid), so nobody meets head-on
    one_way = r.get("one_way", bool, "true or false", False)
    for (c, w), node_id in name.items():
        for nb, forward in (((c + 1, w), w % 2 == 1), ((c, w + 1), c % 2 == 0)):
            if nb in name:
                if not one_way or forward:
                    graph.add_edge(node_id, name[nb], speed)
                if not one_way or not forward:
                    graph.add_edge(name[nb], node_id, speed)


def _point(r: _Reader, key: str) -> tuple[float, float]:
    value = r.get(key, list, "[x, y] in metres")
    if len(value) != 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise r._err(key, "[x, y] in metres", value)
    return float(value[0]), float(value[1])


def _check_connected(r: _Reader, graph: RoadGraph) -> None:
    if not graph.nodes:
        raise ConfigError(r.file, "fleet.nodes", "at least one road node")
    first = next(iter(graph.nodes))
    cut = graph.unreachable_from(first)
    if cut:
        names = ", ".join(sorted(cut)[:5])
        raise ConfigError(r.file, "fleet.edges", f"a connected road graph (every node reachable from every other); "
                                                 f"{names} cannot be reached from {first} or cannot get back")
