"""Travel between the plan's places: distance (metres) and duration (seconds), both integers.

Either estimated — great-circle distance times a detour factor (roads are not straight), driven
at an average speed — or read from an operator's matrix in CSV, one row per ordered pair of
places as a routing engine's table service gives it (`from_id,to_id,distance_m,duration_s`;
OSRM's /table answer flattened). Pure: the CSV comes in as text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from central.domain.routing import Point, distance_km
from central.logistics.errors import BadMatrix

CSV_HEADER = ("from_id", "to_id", "distance_m", "duration_s")
MAX_LEG_M = 5_000_000  # 5,000 km: longer than any van drives in a day, so a typo, not a road
MAX_LEG_S = 7 * 86_400


@dataclass(frozen=True)
class Place:
    place_id: str
    point: Point


@dataclass(frozen=True)
class Estimate:
    speed_kmh: float = 30.0
    detour_factor: float = 1.3


@dataclass(frozen=True)
class Matrix:
    """Square matrices over `ids` (same order): metres and seconds, zero on the diagonal."""

    ids: tuple[str, ...]
    distance_m: tuple[tuple[int, ...], ...]
    duration_s: tuple[tuple[int, ...], ...]

    def index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}


def estimate(places: Sequence[Place], how: Estimate) -> Matrix:
    metres = [[0 if a is b else round(distance_km(a.point, b.point) * how.detour_factor * 1000)
               for b in places] for a in places]
    mps = how.speed_kmh / 3.6
    seconds = [[round(m / mps) for m in row] for row in metres]
    return Matrix(tuple(p.place_id for p in places), _freeze(metres), _freeze(seconds))


def from_csv(text: str, places: Sequence[Place], source: str = "matrix") -> Matrix:
    """The matrix over `places` from CSV rows; every ordered pair of distinct places is needed."""
    wanted = {p.place_id for p in places}
    legs: dict[tuple[str, str], tuple[int, int]] = {}
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != CSV_HEADER:
        raise BadMatrix(f"{source}: the first line must be the header {','.join(CSV_HEADER)}, got {header!r}")
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        frm, to, metres, seconds = _parse_row(row, f"{source}:{line_no}")
        if frm in wanted and to in wanted:
            legs[(frm, to)] = (metres, seconds)
    missing = [(a.place_id, b.place_id) for a in places for b in places
               if a is not b and (a.place_id, b.place_id) not in legs]
    if missing:
        shown = ", ".join(f"{a}->{b}" for a, b in missing[:5])
        raise BadMatrix(f"{source}: no row for {len(missing)} pair(s) of this plan's places, e.g. {shown}",
                        missing=len(missing))
    ids = [p.place_id for p in places]
    metres_m = [[0 if a == b else legs[(a, b)][0] for b in ids] for a in ids]
    seconds_m = [[0 if a == b else legs[(a, b)][1] for b in ids] for a in ids]
    return Matrix(tuple(ids), _freeze(metres_m), _freeze(seconds_m))


def _parse_row(row: list[str], where: str) -> tuple[str, str, int, int]:
    if len(row) != len(CSV_HEADER):
        raise BadMatrix(f"{where}: expected {len(CSV_HEADER)} fields ({','.join(CSV_HEADER)}), got {len(row)}")
    frm, to = row[0].strip(), row[1].strip()
    try:
        metres, seconds = float(row[2]), float(row[3])
    except ValueError as exc:
        raise BadMatrix(f"{where}: distance_m and duration_s must be numbers, got {row[2]!r}, {row[3]!r}") from exc
    if not (math.isfinite(metres) and math.isfinite(seconds)) or not 0 <= metres <= MAX_LEG_M \
            or not 0 <= seconds <= MAX_LEG_S:
        raise BadMatrix(f"{where}: distance_m must be 0..{MAX_LEG_M} and duration_s 0..{MAX_LEG_S}, "
                        f"got {row[2]}, {row[3]}")
    if not frm or not to:
        raise BadMatrix(f"{where}: from_id and to_id must not be empty")
    return frm, to, round(metres), round(seconds)


def _freeze(rows: list[list[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(r) for r in rows)
