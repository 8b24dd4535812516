"""Which poll a link runs next. Pure: the devices' schedules and health and the time come in.

Live devices (UP or DEGRADED) are polled on their grids, earliest due first. A DOWN device is
probed (its first poll group, one attempt) once its probe time has come, but only in a gap of the
live schedule long enough for the probe to time out in, so a dead device costs the devices that
still answer none of their rate. On a link so busy it has no such gap, a probe that has waited its
backoff cap past its time goes anyway: one timeout per two caps at most, and the device is back
within about two caps of answering again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .device import DeviceRuntime, PollGroup
from .health import State


@dataclass(frozen=True)
class NextPoll:
    device: DeviceRuntime
    group: PollGroup
    due: float  # monotonic time it should start; may be in the past when the link runs late
    probe: bool = False


def next_poll(devices: Iterable[DeviceRuntime], now: float, guard: float = 0.0) -> NextPoll:
    """The poll to run at `due`. `guard` is the pause a link needs after a timeout."""
    live: NextPoll | None = None
    probes: list[NextPoll] = []
    for device in devices:
        if device.health.state is State.DOWN:
            group = device.groups[0]
            probes.append(NextPoll(device, group, max(group.next_due, device.health.next_probe_at),
                                   probe=True))
            continue
        for group in device.groups:
            if live is None or group.next_due < live.due:
                live = NextPoll(device, group, group.next_due)
    probes.sort(key=lambda p: p.due)
    for probe in probes:
        if probe.due > now:
            break
        cost = probe.device.config.timeout + guard
        waited = now - probe.due
        if live is None or live.due - now >= cost or waited >= probe.device.health.backoff_max:
            return probe
    upcoming = next((p for p in probes if p.due > now), None)
    best = min((c for c in (live, upcoming) if c is not None), key=lambda c: c.due, default=None)
    assert best is not None, "a runner is only built for devices that poll"
    return best
