"""What the supervisor console shows, worked out from the node's answers and events: pure.

The console polls `status`, `floor` and `exceptions` and listens to the PUB events; this module
turns those into rows, and remembers when the node last answered, so a node that stopped answering
is shown as such rather than as a floor gone quiet.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

SILENT_AFTER_S = 5.0  # no answer for this long: the node is shown as not answering
CENTRAL_SILENT_AFTER_S = 60.0  # the sync agent long-polls the feed: it hears from central at least this often
EVENT_LINES = 200


@dataclass
class FloorView:
    warehouse: str = ""
    status: dict = field(default_factory=dict)
    floor: dict = field(default_factory=dict)
    exceptions: list[dict] = field(default_factory=list)
    waves: list[dict] = field(default_factory=list)
    last_answer: float | None = None
    events: deque[str] = field(default_factory=lambda: deque(maxlen=EVENT_LINES))
    unknown_events: int = 0

    def answered(self, now: float) -> None:
        self.last_answer = now

    def link(self, now: float) -> str:
        if self.last_answer is None:
            return "connecting"
        silent = now - self.last_answer
        return "online" if silent < SILENT_AFTER_S else f"NODE NOT ANSWERING for {silent:.0f} s"

    def wave_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """Waves by cut-off: the pickup point, the state, how many shipments are at each status, and
        the delivery route of a van's wave (its vehicle and departure, cut-off of the wave)."""
        return [(str(w["wave_id"]), w["cutoff"][:16].replace("T", " "), w["pickup_point"] or "-", w["state"],
                 ", ".join(f"{n} {status}" for status, n in sorted(w["by_status"].items())), _route(w))
                for w in self.waves]

    def task_rows(self) -> list[tuple[str, str, str, str]]:
        return [(t["kind"], t["zone"], t["state"], str(t["count"])) for t in self.floor.get("tasks", [])]

    def picker_rows(self) -> list[tuple[str, str, str, str]]:
        """Everyone with a task or a pick in the last hour: name, bin of the current task, picks/h, units/h."""
        names = self.floor.get("names", {})
        current, picks = self.floor.get("current", {}), self.floor.get("picks", {})
        rows = []
        for badge in sorted(set(current) | set(picks)):
            task = current.get(badge)
            doing = task["location"] if task else "-"
            rate = picks.get(badge, {"picks": 0, "units": 0})
            rows.append((names.get(badge, badge), doing, str(rate["picks"]), str(rate["units"])))
        return rows

    def exception_rows(self) -> list[tuple[str, str, str, str]]:
        return [(str(x["task_id"]), x["location"] or "-", x["tote"] or "-", x["reason"]) for x in self.exceptions]

    def sync_lines(self, wall_now: float) -> list[str]:
        s = self.status.get("sync_view")
        if not s:
            return ["sync: unknown"]
        contact = s.get("last_contact", "never")
        try:
            ago = wall_now - datetime.fromisoformat(contact).timestamp()
        except (TypeError, ValueError):
            ago = None
        state = "online" if ago is not None and ago < CENTRAL_SILENT_AFTER_S else "OFFLINE"
        return [f"central {state}", f"queued movements {s['queued_movements']}", f"lag {s['lag_s']} s",
                f"last contact {contact[:19] if contact else 'never'}",
                f"feed cursor {s['feed_cursor']}", f"rejected feed entries {s['feed_rejections']}"]

    def device_lines(self) -> list[str]:
        doc = self.status.get("devices")
        if not doc:
            return ["no devices configured"]
        if doc.get("age_s", 0) > SILENT_AFTER_S * 2 or not doc.get("running", True):
            return [f"device status is {doc.get('age_s')} s old: is the node running?"]
        return [f"{name}: {d.get('state', '?')}" + (f" ({d['last_error']})" if d.get("last_error") else "")
                for name, d in sorted(doc.get("devices", {}).items())]

    def summary(self) -> str:
        shipments = self.status.get("shipments", {})
        orders = "  ".join(f"{k} {v}" for k, v in sorted(shipments.items())) or "no shipments"
        return f"{orders}  shorts/h {self.floor.get('shorts_since', 0)}"

    def event(self, topic: str, data: dict, known: frozenset[str], clock: str) -> None:
        if topic not in known:
            self.unknown_events += 1
        brief = " ".join(f"{k}={v}" for k, v in data.items() if v not in (None, ""))[:100]
        self.events.appendleft(f"{clock} {topic} {brief}")


def _route(wave: dict) -> str:
    route = wave.get("route_id")
    if not route:
        return "-"
    if not wave.get("departs_at"):
        return f"{route} (withdrawn)"
    return f"{wave['vehicle_id']} departs {wave['departs_at'][11:16]} · {route}"
