"""The plan picture: well-formed SVG, every route in its own colour with numbered stops, a legend,
unrouted pickup points ringed, names escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from central.domain.routing import Point
from central.logistics.svg import PALETTE, Drawing, DrawnRoute, render

NS = "{http://www.w3.org/2000/svg}"


def drawing() -> Drawing:
    points = {f"pp{i}": Point(55.7 + i / 100, 37.5 + i / 50) for i in range(5)}
    routes = (DrawnRoute("van-1", ("pp0", "pp1", "pp2"), 21.5, 64.0),
              DrawnRoute("van-2 (departed)", ("pp3",), 8.25, 12.0))
    return Drawing("Moscow <north> & co: plan", "Moscow <north>", Point(55.69, 37.45), points, routes, {"pp4": 2})


def test_the_picture_draws_each_route_its_stops_and_a_legend() -> None:
    svg = render(drawing())
    root = ET.fromstring(svg)  # well-formed, names escaped
    lines = root.findall(f"{NS}polyline")
    assert [ln.get("stroke") for ln in lines] == list(PALETTE[:2])
    assert len(lines[0].get("points").split()) == 5  # depot, three stops, depot
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Moscow <north> & co: plan" in texts
    assert "van-1: 3 stops, 21.5 km, 64% full" in texts and "van-2 (departed): 1 stops, 8.2 km, 12% full" in texts
    assert [t for t in texts if t in {"1", "2", "3"}] == ["1", "2", "3", "1"]  # stop numbers in driving order
    rings = [c for c in root.iter(f"{NS}circle") if c.get("stroke") == "#d00"]
    assert len(rings) == 1 and "unrouted: 2 shipments at 1 pickup points (red rings)" in texts


def test_every_point_lies_inside_the_picture() -> None:
    root = ET.fromstring(render(drawing()))
    width, height = float(root.get("width")), float(root.get("height"))
    for c in root.iter(f"{NS}circle"):
        assert 0 <= float(c.get("cx")) <= width and 0 <= float(c.get("cy")) <= height
