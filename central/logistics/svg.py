"""The plan as a picture for the dispatcher: an SVG of the warehouse, its stops and each route.

Equirectangular projection around the plan's centre (fine at city scale), each route in its own
colour with its stops numbered in driving order, a legend of vans (stops, km, load), and
pickup points with unrouted shipments ringed in red. Pure: data in, SVG text out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from central.domain.routing import Point

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
           "#31a354", "#756bb1", "#636363", "#a55194")
MAP_W, MAP_H, LEGEND_W, MARGIN, HEADER = 900, 720, 330, 40, 50


@dataclass(frozen=True)
class DrawnRoute:
    label: str  # e.g. "van-3 (departed)"
    stops: tuple[str, ...]  # pickup point ids in driving order
    km: float
    load_pct: float


@dataclass(frozen=True)
class Drawing:
    title: str
    depot_name: str
    depot: Point
    points: dict[str, Point]  # pickup point id -> where
    routes: tuple[DrawnRoute, ...]
    unrouted: dict[str, int]  # pickup point id -> shipments left unrouted there


def render(d: Drawing) -> str:
    project = _projection([d.depot, *d.points.values()])
    height = max(MAP_H, HEADER + 24 * (len(d.routes) + 3)) + MARGIN
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{MAP_W + LEGEND_W}" height="{height}" '
           f'viewBox="0 0 {MAP_W + LEGEND_W} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
           f'<rect width="{MAP_W + LEGEND_W}" height="{height}" fill="#ffffff"/>',
           f'<text x="{MARGIN}" y="30" font-size="20" font-weight="bold">{escape(d.title)}</text>']
    # Lines under labels under the numbered stop markers, so no route hides another's stop numbers.
    paths = [(PALETTE[i % len(PALETTE)], [project(d.points[p]) for p in r.stops]) for i, r in enumerate(d.routes)]
    out += [_line(colour, project(d.depot), stops) for colour, stops in paths]
    visited = {p for r in d.routes for p in r.stops}
    out += [_point(pid, project(p), d.unrouted.get(pid, 0), pid not in visited) for pid, p in sorted(d.points.items())]
    out += [marker for colour, stops in paths for marker in _markers(colour, stops)]
    dx, dy = project(d.depot)
    out.append(f'<rect x="{dx - 9:.1f}" y="{dy - 9:.1f}" width="18" height="18" fill="#000"/>'
               f'<text x="{dx + 12:.1f}" y="{dy - 10:.1f}" font-size="14" font-weight="bold">'
               f'{escape(d.depot_name)}</text>')
    out += _legend(d)
    out.append("</svg>")
    return "\n".join(out)


def _projection(points: Sequence[Point]):  # type: ignore[no-untyped-def]
    lat0 = sum(p.lat for p in points) / len(points)
    k = math.cos(math.radians(lat0))
    xs, ys = [p.lon * k for p in points], [-p.lat for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    scale = min((MAP_W - 2 * MARGIN) / span, (MAP_H - HEADER - MARGIN) / span)
    x0, y0 = min(xs), min(ys)

    def project(p: Point) -> tuple[float, float]:
        return MARGIN + (p.lon * k - x0) * scale, HEADER + (-p.lat - y0) * scale

    return project


def _line(colour: str, depot: tuple[float, float], stops: list[tuple[float, float]]) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in [depot, *stops, depot])
    return (f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-opacity="0.8" '
            'stroke-linejoin="round"/>')


def _markers(colour: str, stops: list[tuple[float, float]]) -> list[str]:
    return [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}" stroke="#fff" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{y + 3.5:.1f}" font-size="10" fill="#fff" text-anchor="middle">{n}</text>'
            for n, (x, y) in enumerate(stops, start=1)]


def _point(pid: str, xy: tuple[float, float], unrouted: int, dot: bool) -> str:
    x, y = xy
    ring = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="13" fill="none" stroke="#d00" stroke-width="2.5"/>'
            if unrouted else "")
    mark = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#333"/>' if dot else ""
    return f'{ring}{mark}<text x="{x + 10:.1f}" y="{y + 15:.1f}" font-size="9" fill="#555">{escape(pid)}</text>'


def _legend(d: Drawing) -> list[str]:
    x = MAP_W + 10
    out = [f'<text x="{x}" y="{HEADER}" font-size="14" font-weight="bold">Vans</text>']
    y = HEADER
    for i, r in enumerate(d.routes):
        y = HEADER + 24 * (i + 1)
        out.append(f'<rect x="{x}" y="{y - 11}" width="18" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{x + 26}" y="{y}" font-size="12">{escape(r.label)}: {len(r.stops)} stops, '
                   f'{r.km:.1f} km, {r.load_pct:.0f}% full</text>')
    total = sum(r.km for r in d.routes)
    out.append(f'<text x="{x}" y="{y + 30}" font-size="12" font-weight="bold">{len(d.routes)} vans, '
               f'{total:.1f} km</text>')
    if d.unrouted:
        out.append(f'<text x="{x}" y="{y + 50}" font-size="12" fill="#d00">unrouted: '
                   f'{sum(d.unrouted.values())} shipments at {len(d.unrouted)} pickup points (red rings)</text>')
    return out
