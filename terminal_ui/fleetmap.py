"""The supervisor's floor map of the robot fleet, drawn as characters: pure.

The road graph's x/y metres are stretched onto a character grid of whatever size the screen has
(y grows up the floor plan, rows grow down the screen); roads are box-drawing lines joined where
they meet, special nodes are letters, and each vehicle is one glyph whose shape says its state and
whose filled form says it carries a load. Fed by the node's `fleet_map` and `fleet` answers.
"""

from __future__ import annotations

from dataclasses import dataclass

N, E, S, W = 1, 2, 4, 8
BOX = {0: " ", N: "╵", S: "╷", E: "╶", W: "╴", N | S: "│", E | W: "─", S | E: "┌", S | W: "┐", N | E: "└",
       N | W: "┘", N | S | E: "├", N | S | W: "┤", E | W | S: "┬", E | W | N: "┴", N | E | S | W: "┼"}
DIAGONAL = "·"
# parking places come in grids of dozens: a dot each keeps the area readable; the legend names it
NODE_LETTERS = {"charger": "C", "parking": "∙", "station": "S", "dock": "D", "drop": "•"}

# state class -> (glyph empty, glyph carrying a load)
GLYPHS = {"driving": ("▷", "▶"), "waiting": ("◇", "◆"), "idle": ("○", "●"), "charging": ("+", "✚"),
          "paused": ("□", "■"), "error": ("✕", "✖"), "offline": ("?", "?")}
LEGEND = "▷ driving ◇ waiting ○ idle + charging □ paused ✕ error ? offline ▶ loaded  C charger S station D dock"


@dataclass(frozen=True)
class RoadMap:
    nodes: dict[str, tuple[float, float, str]]  # id -> (x, y, kind)
    roads: tuple[tuple[str, str], ...]

    @classmethod
    def from_answer(cls, answer: dict) -> RoadMap:
        """The node's `fleet_map` answer; a road naming a node the map lacks is left out."""
        nodes = {n["id"]: (float(n["x"]), float(n["y"]), n.get("kind") or "lane") for n in answer.get("nodes", [])}
        roads = tuple((r["from"], r["to"]) for r in answer.get("edges", []) if r["from"] in nodes and r["to"] in nodes)
        return cls(nodes, roads)


@dataclass(frozen=True)
class Frame:
    """Metres to cells: the map's bounding box stretched over `width` x `height` cells."""
    min_x: float
    min_y: float
    span_x: float
    span_y: float
    width: int
    height: int

    @classmethod
    def fit(cls, road: RoadMap, width: int, height: int) -> Frame:
        xs = [x for x, _, _ in road.nodes.values()] or [0.0]
        ys = [y for _, y, _ in road.nodes.values()] or [0.0]
        return cls(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys), max(width, 1), max(height, 1))

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """(column, row) of a point; points off the map are held at its edge."""
        col = round((x - self.min_x) / self.span_x * (self.width - 1)) if self.span_x else 0
        row = self.height - 1 - (round((y - self.min_y) / self.span_y * (self.height - 1)) if self.span_y else 0)
        return min(max(col, 0), self.width - 1), min(max(row, 0), self.height - 1)


@dataclass(frozen=True)
class Mark:
    """A cell that is not road: a node letter or a vehicle, with what the widget colours it by."""
    col: int
    row: int
    kind: str  # a node kind, or a vehicle's state class
    vehicle: int | None = None  # index in the vehicle list
    loaded: bool = False


@dataclass(frozen=True)
class Drawing:
    rows: list[str]
    marks: list[Mark]


def state_class(v: dict) -> str:
    """Which of the map's glyphs a vehicle from the `fleet` answer gets."""
    state = v.get("state")
    if state == "OFFLINE":
        return "offline"
    if state == "FAULT" or v.get("fault"):
        return "error"
    if state == "PAUSED":
        return "paused"
    if state == "CHARGING" or v.get("charging"):
        return "charging"
    if state == "IDLE":
        return "idle"
    if v.get("driving") and not v.get("waiting_on"):
        return "driving"
    return "waiting"  # on a trip and standing: held back by traffic control, or handling its load


def glyph(v: dict) -> str:
    return GLYPHS[state_class(v)][1 if v.get("loaded") else 0]


def draw(road: RoadMap, vehicles: list[dict], width: int, height: int) -> Drawing:
    frame = Frame.fit(road, width, height)
    bits = [[0] * frame.width for _ in range(frame.height)]
    diagonal: set[tuple[int, int]] = set()
    for a, b in road.roads:
        (xa, ya, _), (xb, yb, _) = road.nodes[a], road.nodes[b]
        _line(bits, diagonal, frame.cell(xa, ya), frame.cell(xb, yb))
    grid = [[BOX[b] for b in row] for row in bits]
    for col, row in diagonal:
        if bits[row][col] == 0:
            grid[row][col] = DIAGONAL
    marks = []
    for x, y, kind in road.nodes.values():
        if kind in NODE_LETTERS:
            col, row = frame.cell(x, y)
            grid[row][col] = NODE_LETTERS[kind]
            marks.append(Mark(col, row, kind))
    for i, v in enumerate(vehicles):
        if v.get("node") is None or v.get("x") is None or v.get("y") is None:
            continue  # never reported where it is: listed, but not drawn at the map's corner
        col, row = frame.cell(float(v["x"]), float(v["y"]))
        grid[row][col] = glyph(v)
        marks.append(Mark(col, row, state_class(v), i, bool(v.get("loaded"))))
    return Drawing(["".join(r) for r in grid], marks)


def _line(bits: list[list[int]], diagonal: set[tuple[int, int]], a: tuple[int, int], b: tuple[int, int]) -> None:
    (ca, ra), (cb, rb) = a, b
    if ra == rb:
        lo, hi = sorted((ca, cb))
        for c in range(lo, hi):
            bits[ra][c] |= E
            bits[ra][c + 1] |= W
    elif ca == cb:
        lo, hi = sorted((ra, rb))
        for r in range(lo, hi):
            bits[r][ca] |= S
            bits[r + 1][ca] |= N
    else:
        steps = max(abs(cb - ca), abs(rb - ra))
        diagonal.update((round(ca + (cb - ca) * i / steps), round(ra + (rb - ra) * i / steps))
                        for i in range(steps + 1))


def vehicle_rows(vehicles: list[dict]) -> list[tuple[str, str, str, str, str]]:
    """The side list: glyph and short name, state, battery, load (✓ once on board), task."""
    rows = []
    for v in vehicles:
        name = str(v.get("vehicle", "?")).rsplit("/", 1)[-1]
        load = v.get("load") or "-"
        rows.append((f"{glyph(v)} {name}", str(v.get("state", "?")), f"{v.get('battery', 0):.0f}%",
                     f"{load}{' ✓' if v.get('loaded') else ''}", str(v["task"]) if v.get("task") else "-"))
    return rows


def summary(answer: dict) -> str:
    """The line above the map: paused or not, open transport tasks, vehicles by state (the part a
    narrow screen may cut, and the list shows anyway)."""
    s = answer.get("summary", {})
    states = " ".join(f"{k.lower()} {n}" for k, n in sorted(s.get("states", {}).items()))
    paused = "FLEET PAUSED · " if s.get("paused") else ""
    return f"{paused}open transports {s.get('open_tasks', 0)} · {s.get('vehicles', 0)} vehicles: {states or 'none'}"


def answer_text(op: str, vehicle: str | None, result: dict) -> str:
    """The node's answer to a fleet operation, in words."""
    match op:
        case "fleet_pause":
            return f"Paused: startPause sent to {result.get('paused', 0)} vehicles"
        case "fleet_resume":
            return f"Resumed: stopPause sent to {result.get('resumed', 0)} vehicles"
        case "fleet_cancel":
            return f"Cancelling {vehicle}'s order (cancelOrder sent)"
        case "fleet_charge":
            return f"{vehicle} is going to charger {result.get('charger')}"
    return f"{op}: {result}"
