"""Per-device health: UP / DEGRADED / DOWN with exponential backoff. Pure: time comes in.

    UP        --failure-->            DEGRADED   (polls go on at their rate, with retries)
    DEGRADED  --success-->            UP
    DEGRADED  --`down_after` failed polls in a row-->  DOWN
    DOWN      only probed, at backoff intervals doubling up to `backoff_max`, one attempt each
    DOWN      --success-->            UP

`backoff_max` (2 s unless the profile or the device says otherwise) bounds how long a device
that answers again stays DOWN; the link fits its probes into gaps of the live devices' schedule
(`schedule.py`), so a short cap costs the devices that still answer none of their rate.

A device that answers but refuses to read some of its points (exception 1, 2 or 3: the profile
does not fit its firmware) is not failing: it stays UP, the refused points are listed with the
reason in `refused`, and the rest are read as usual.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum


class State(Enum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclass
class DeviceHealth:
    device: str
    down_after: int = 2
    backoff_initial: float = 0.5
    backoff_max: float = 2.0
    state: State = State.UP
    consecutive_failures: int = 0
    error_count: int = 0
    polls_ok: int = 0
    polls_late: int = 0
    last_ok: float | None = None
    last_error: str = ""
    last_error_at: float | None = None
    down_since: float | None = None
    next_probe_at: float = 0.0
    refused: dict[str, str] = field(default_factory=dict)  # point -> why the device refuses it
    _backoff: float = 0.0
    _recent: deque = field(default_factory=lambda: deque(maxlen=64), repr=False)

    def success(self, now: float) -> State | None:
        """Record a completed poll or write; returns the previous state if it changed."""
        previous = self.state
        self.consecutive_failures = 0
        self.polls_ok += 1
        self.last_ok = now
        self._recent.append(now)
        self.state, self.down_since, self._backoff = State.UP, None, 0.0
        return previous if previous is not State.UP else None

    def failure(self, now: float, error: str) -> State | None:
        previous = self.state
        self.consecutive_failures += 1
        self.error_count += 1
        self.last_error, self.last_error_at = error, now
        if self.state is State.DOWN or self.consecutive_failures >= self.down_after:
            if self.state is not State.DOWN:
                self.down_since = now
            self._backoff = min(max(self._backoff * 2, self.backoff_initial), self.backoff_max)
            self.next_probe_at = now + self._backoff
            self.state = State.DOWN
        else:
            self.state = State.DEGRADED
        return previous if previous is not self.state else None

    def refusal(self, points: tuple[str, ...], error: str) -> bool:
        """The device refused to read `points`; True when that is news (log and tell once)."""
        news = any(self.refused.get(p) != error for p in points)
        self.refused.update(dict.fromkeys(points, error))
        return news

    def readable(self, points: tuple[str, ...]) -> bool:
        """`points` were read; True when some of them had been refused until now."""
        return bool([p for p in points if self.refused.pop(p, None) is not None])

    @property
    def retries_allowed(self) -> bool:
        """A DOWN device gets one attempt per probe: retrying a dead device only wastes the bus."""
        return self.state is not State.DOWN

    def poll_rate(self, now: float) -> float:
        """Completed polls per second over the recent window (0 when stalled for 5 s)."""
        if len(self._recent) < 2 or now - self._recent[-1] > 5.0:
            return 0.0
        span = self._recent[-1] - self._recent[0]
        return (len(self._recent) - 1) / span if span > 0 else 0.0

    def snapshot(self, now: float, wall_offset: float = 0.0) -> HealthSnapshot:
        """`wall_offset` turns the monotonic times kept here into wall-clock times."""

        def wall(t: float | None) -> float | None:
            return None if t is None else t + wall_offset

        return HealthSnapshot(self.device, self.state, wall(self.last_ok), self.error_count,
                              self.consecutive_failures, round(self.poll_rate(now), 2),
                              self.last_error, wall(self.down_since), self.polls_ok,
                              self.polls_late, dict(self.refused))


@dataclass(frozen=True)
class HealthSnapshot:
    """What a supervisor screen shows for one device."""

    device: str
    state: State
    last_ok: float | None
    error_count: int
    consecutive_failures: int
    poll_rate_hz: float
    last_error: str
    down_since: float | None
    polls_ok: int
    polls_late: int
    refused: dict[str, str] = field(default_factory=dict)  # point -> why the device refuses it
