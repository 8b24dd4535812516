"""Waves: plan allocated shipments into waves by cut-off and pickup point (or by the delivery
route central put them on), release them (a
supervisor, or the node's schedule), and close the ones whose shipments are all through."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from edge.domain.batch_commands import PlanWaves, ReleaseWave
from edge.domain.batch_events import WavePlanned, WaveStateChanged
from edge.domain.waves import Arrival, due, group, next_state, parse_cutoffs
from edge.errors import InvalidCommand
from edge.ledger.batch_store import BatchStore
from edge.ledger.uow import UnitOfWork


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidCommand(f"time zone {name!r} is not known: use a name like Europe/Moscow") from None


def _release(uow: UnitOfWork, store: BatchStore, wave: dict, operator: str | None) -> None:
    state = next_state(wave["id"], wave["state"], "release")
    store.set_wave(wave["id"], state, operator)
    uow.emit(WaveStateChanged(wave["id"], state, operator))


def plan_waves(cmd: PlanWaves, uow: UnitOfWork) -> dict:
    store, tz = BatchStore(uow), _zone(cmd.timezone)
    arrivals = [Arrival(sid, datetime.fromisoformat(at), pp, route, departs and datetime.fromisoformat(departs))
                for sid, at, pp, route, departs in store.unwaved()]
    planned: dict[str, int] = {}
    for (cutoff, pickup_point, route), shipments in group(arrivals, parse_cutoffs(cmd.cutoffs), tz).items():
        wave_id = store.planned_wave(cutoff, pickup_point, route)
        for shipment_id in shipments:
            store.add_to_wave(wave_id, shipment_id)
        planned[str(wave_id)] = planned.get(str(wave_id), 0) + len(shipments)  # JSON keys are text
        uow.emit(WavePlanned(wave_id, cutoff, pickup_point, len(shipments), route))
    released = []
    if cmd.release_within_min is not None:
        now, lead = datetime.fromisoformat(uow.now), timedelta(minutes=cmd.release_within_min)
        for wave_id, cutoff in store.waves_in("planned"):
            if due(datetime.fromisoformat(cutoff), now, lead):
                _release(uow, store, {"id": wave_id, "state": "planned"}, cmd.operator)
                released.append(wave_id)
    finished = [wave_id for wave_id, _ in store.waves_in("released") if not store.wave_busy(wave_id)]
    for wave_id in finished:
        store.set_wave(wave_id, next_state(wave_id, "released", "finish"))
        uow.emit(WaveStateChanged(wave_id, "done", None))
    return {"planned": planned, "released": released, "done": finished}


def release_wave(cmd: ReleaseWave, uow: UnitOfWork) -> dict:
    store = BatchStore(uow)
    wave = store.wave(cmd.wave_id)
    _release(uow, store, wave, cmd.operator)
    return {"wave_id": wave["id"], "state": "released"}
