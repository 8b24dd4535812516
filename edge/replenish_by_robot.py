"""Replenishment by vehicle: on a node that runs a robot fleet with vehicles in service, every new
replenish task is handed to the fleet (a transport task takes its pallet from reserve to the face)
instead of waiting for a person. A task the fleet cannot take (no vehicle online, no route to the
bin) stays open for the handheld."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from edge.domain.events import Event
from edge.domain.replenish_commands import HandToFleet, ReplenishmentRequested

log = logging.getLogger(__name__)
OUT_OF_SERVICE = ("OFFLINE", "FAULT")


class RobotReplenisher:
    def __init__(self, fleet, execute: Callable[[HandToFleet], Awaitable]) -> None:  # fleet: NodeFleet
        self.fleet, self.execute = fleet, execute
        self._jobs: set[asyncio.Task] = set()

    def on_events(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, ReplenishmentRequested):
                job = asyncio.ensure_future(self._hand_over(event))
                self._jobs.add(job)
                job.add_done_callback(self._jobs.discard)

    def _in_service(self) -> bool:
        states = self.fleet.service.status()["states"]
        return any(n for state, n in states.items() if state not in OUT_OF_SERVICE)

    async def _hand_over(self, event: ReplenishmentRequested) -> None:
        service = self.fleet.service
        if not self._in_service():
            log.info("replenish task %d stays on the handhelds: no vehicle in service", event.task_id)
            return
        try:  # a bin the road graph does not reach stays with the people
            service.controller.pickup_node(event.from_location)
            service.controller.pickup_node(event.to_location)
        except Exception as exc:
            log.info("replenish task %d stays on the handhelds: %s", event.task_id, exc)
            return
        outcome = await self.execute(HandToFleet(f"robot-replenish-{event.task_id}", event.task_id, device="fleet"))
        if not outcome.ok:
            log.info("replenish task %d stays on the handhelds: %s", event.task_id, outcome.message)
            return
        r = outcome.result
        service.create_transport("replenish", r["load"], r["from_location"], r["to_location"], "pallet",
                                 r["transport_id"])
