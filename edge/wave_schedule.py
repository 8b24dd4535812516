"""The node's wave schedule, from `[waves]` in the warehouse file:

    [waves]
    cutoffs = ["11:00", "15:00", "19:00"]   # local times of day the carriers leave
    timezone = "Europe/Moscow"
    release = "schedule"                     # or "supervisor" (the default): release_wave by hand
    release_before_minutes = 90              # with "schedule": how long before its cut-off a wave goes
    plan_every_s = 60

Every `plan_every_s` the node plans new allocated shipments into waves (cut-off and pickup point)
and, on schedule, releases the waves that are due; a wave whose shipments are all through closes.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from edge.config import WarehouseConfig, _Reader
from edge.domain.batch_commands import PlanWaves
from edge.domain.commands import Command
from edge.domain.waves import parse_cutoffs
from edge.errors import InvalidCommand
from edge.ledger.batch import Outcome

log = logging.getLogger(__name__)
KEYS = {"cutoffs", "timezone", "release", "release_before_minutes", "plan_every_s"}


@dataclass(frozen=True)
class WaveSchedule:
    cutoffs: tuple[str, ...]
    timezone: str
    release_before_min: int | None  # None: a supervisor releases every wave
    every_s: float

    def command(self) -> PlanWaves:
        return PlanWaves(f"waves:{uuid.uuid4().hex}", self.cutoffs, self.timezone, self.release_before_min,
                         device="wave-schedule")


def parse_waves(cfg: WarehouseConfig) -> WaveSchedule | None:
    if "waves" not in cfg.raw:
        return None
    w = _Reader(cfg.source, cfg.raw).sub("waves")
    if unknown := sorted(set(w.table) - KEYS):
        raise w._err(unknown[0], f"one of the known keys {sorted(KEYS)} (check the spelling)")
    cutoffs = w.texts("cutoffs", "times of day like \"14:30\"", ...)
    try:
        parse_cutoffs(cutoffs)
    except InvalidCommand as exc:
        raise w._err("cutoffs", f"times of day like \"14:30\" ({exc})", list(cutoffs)) from None
    timezone = w.text("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise w._err("timezone", "a time zone name like \"Europe/Moscow\"", timezone) from None
    release = w.text("release", "supervisor")
    if release not in ("supervisor", "schedule"):
        raise w._err("release", "\"supervisor\" or \"schedule\"", release)
    lead = w.integer("release_before_minutes", 60, minimum=0)
    return WaveSchedule(cutoffs, timezone, lead if release == "schedule" else None,
                        float(w.number("plan_every_s", 60.0, minimum=1)))


async def run_schedule(schedule: WaveSchedule, execute: Callable[[Command], Awaitable[Outcome]]) -> None:
    while True:
        outcome = await execute(schedule.command())
        if not outcome.ok:
            log.warning("wave planning refused: %s", outcome.message)
        await asyncio.sleep(schedule.every_s)
