"""The scheduler of one link: a single asyncio task that owns the link and runs, in order,
queued writes first, then whichever poll is due soonest.

Because one task does everything, one request is in flight per link by construction.
Poll times are kept on a fixed grid (`due += period`) so they do not drift; a poll that
could not run on time is skipped forward rather than bursting to catch up. A DOWN device
appears in the schedule only at its probe time, in a gap of the live schedule, with no retries
(`schedule.py`). A block the device refuses (exception 1, 2 or 3) is reported once and the other
blocks are read on: the device answers, so it stays in service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .codec import Value
from .config import RtuTransport
from .device import DeviceRuntime, PollGroup, WritePlan
from .errors import DeviceException, LinkDown, RemoteModbusError, WriteNotConfirmed
from .events import DeviceStateChanged, ModbusEvent, PointChanged, PointsRefused
from .health import State
from .link import Link
from .planner import ReadBlock
from .schedule import next_poll

log = logging.getLogger(__name__)

PollHook = Callable[[str, float, float, bool], None]  # device, due, done (monotonic), ok


@dataclass
class WriteJob:
    device: DeviceRuntime
    plan: WritePlan
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class LinkRunner:
    def __init__(self, link: Link, devices: list[DeviceRuntime],
                 emit: Callable[[ModbusEvent], None], on_poll: PollHook | None = None) -> None:
        self.link = link
        self.devices = devices
        self._emit = emit
        self._on_poll = on_poll
        self._writes: deque[WriteJob] = deque()
        self._wake = asyncio.Event()
        # A device that was off comes back within its probe cap, be it unanswered or unreachable.
        self._backoff_max = min(d.health.backoff_max for d in devices)
        self._stopping = False
        rtu = link.transport if isinstance(link.transport, RtuTransport) else None
        # After a timeout on a serial bus, wait out a late answer before talking again.
        self._guard = 0.0 if rtu is None else max(0.01, 40 * rtu.char_time)

    def stop(self) -> None:
        """Ask the loop to end. Cancelling the task alone is not enough on Python 3.11: a
        cancel that lands as a reply arrives is swallowed by `asyncio.wait_for` in pymodbus."""
        self._stopping = True
        self._wake.set()

    def submit(self, job: WriteJob) -> None:
        self._writes.append(job)
        self._wake.set()

    async def run(self) -> None:
        delay = 0.1
        try:
            while not self._stopping:
                if not self.link.connected:
                    delay = await self._reconnect(delay)
                    continue
                delay = 0.1
                if self._writes:
                    await self._write(self._writes.popleft())
                    continue
                chosen = next_poll(self.devices, time.monotonic(), self._guard)
                wait = chosen.due - time.monotonic()
                if wait > 0:
                    await self._sleep(wait)
                    continue
                await self._poll(chosen.device, chosen.group, chosen.due)
        finally:
            self.link.close()
            for job in self._writes:
                job.done.cancel()

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _reconnect(self, delay: float) -> float:
        timeout = max(d.config.timeout for d in self.devices) * 4
        if await self.link.connect(timeout):
            log.info("link %s connected", self.link.transport.key)
            now = time.monotonic()
            for device in self.devices:  # the link is back: probe everyone now, not at backoff
                device.health.next_probe_at = now
            return delay
        now = time.monotonic()
        for device in self.devices:
            self._failed(device, LinkDown(device.name, 0, (), f"cannot connect to "
                                          f"{self.link.transport.key}"), now)
        await self._sleep(delay)
        return min(delay * 2, self._backoff_max)

    async def _poll(self, device: DeviceRuntime, group: PollGroup, due: float) -> None:
        values: dict[str, Value] = {}
        ok = False
        try:
            for block in group.blocks:
                if (raw := await self._read_or_refused(device, block)) is not None:
                    values.update(device.decode_block(block, raw))
            ok = True
        except RemoteModbusError as exc:
            self._failed(device, exc, time.monotonic())
        now = time.monotonic()
        if ok:
            self._succeeded(device, values, now)
        if now - due > group.period:
            device.health.polls_late += 1
        group.next_due = max(due + group.period, now)
        if self._on_poll:
            self._on_poll(device.name, due, now, ok)

    async def _read_or_refused(self, device: DeviceRuntime, block: ReadBlock) -> list | None:
        """The block's raw values, or None when the device refuses to read it (reported once)."""
        try:
            raw = await self._read(device, block)
        except DeviceException as exc:
            if not exc.refused:
                raise
            if device.health.refusal(block.names, str(exc)):
                log.warning("device %s refuses %s: %s", device.name, block.where, exc)
                self._emit(PointsRefused(device.name, block.names, str(exc), time.time()))
            return None
        if device.health.readable(block.names):
            log.info("device %s reads %s again", device.name, block.where)
            self._emit(PointsRefused(device.name, block.names, "", time.time()))
        return raw

    async def _read(self, device: DeviceRuntime, block: ReadBlock, retries: bool = True) -> list:
        return await self._attempts(device, block.function, block.address, block.count,
                                    block.names, block.where, retries)

    async def _attempts(self, device: DeviceRuntime, function: int, address: int, arg,
                        names: tuple[str, ...], where: str, retries: bool) -> list:
        cfg = device.config
        tries = 1 + (cfg.retries if retries and device.health.retries_allowed else 0)
        for attempt in range(tries):
            try:
                return await self.link.request(cfg.name, cfg.unit, function, address, arg,
                                               cfg.timeout, names, where)
            except RemoteModbusError as exc:
                # An exception reply is an answer: the same request would get the same one.
                if isinstance(exc, LinkDown | DeviceException) or attempt + 1 == tries:
                    raise
                if self._guard:
                    await asyncio.sleep(self._guard)
        raise AssertionError("unreachable: the last attempt raises")

    async def _write(self, job: WriteJob) -> None:
        device, plan = job.device, job.plan
        try:
            # A setpoint (confirmed by readback) is idempotent and may be retried; a command
            # (divert request, tare) may not: a lost reply does not mean it was not applied.
            await self._attempts(device, plan.function, plan.address, plan.raw, plan.names,
                                 plan.where, retries=plan.needs_readback)
            if plan.needs_readback:
                await self._confirm(device, plan)
        except RemoteModbusError as exc:
            # A refused write is an answer: the caller hears why; the device stays in service.
            if not (isinstance(exc, DeviceException) and exc.refused):
                self._failed(device, exc, time.monotonic())
            if not job.done.done():
                job.done.set_exception(exc)
            return
        self._succeeded(device, dict(zip(plan.names, plan.values, strict=True)), time.monotonic())
        if not job.done.done():
            job.done.set_result(None)

    async def _confirm(self, device: DeviceRuntime, plan: WritePlan) -> None:
        block = plan.readback
        raw = await self._read(device, block)
        if [int(v) for v in raw] != [int(v) for v in plan.raw]:
            got = device.decode_block(block, raw)
            raise WriteNotConfirmed(device.name, block.function, plan.names,
                                    f"wrote {dict(zip(plan.names, plan.values, strict=True))}, "
                                    f"read back {got}", where=block.where)

    def _succeeded(self, device: DeviceRuntime, values: dict[str, Value], now: float) -> None:
        previous = device.health.success(now)
        at = time.time()
        if previous is not None:
            log.info("device %s is UP again", device.name)
            self._emit(DeviceStateChanged(device.name, previous, State.UP, at))
        for name, old, new in device.apply(values):
            self._emit(PointChanged(device.name, name, old, new, at))

    def _failed(self, device: DeviceRuntime, exc: Exception, now: float) -> None:
        previous = device.health.failure(now, str(exc))
        if previous is not None:
            new = device.health.state
            # Log on transitions only: a dead device must not flood the log once per probe.
            log.warning("device %s %s -> %s: %s", device.name, previous.name, new.name, exc)
            self._emit(DeviceStateChanged(device.name, previous, new, time.time(), str(exc)))
