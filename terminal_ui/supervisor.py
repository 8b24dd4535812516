"""The supervisor console: live from the node's PUB events and its status queries.

Two workers feed one `FloorView`: the poller asks `status`, `floor`, `exceptions` and `waves` every couple
of seconds (sooner after an event), and the listener reads the PUB socket. A node that stops
answering shows as such within seconds; ZeroMQ reconnects by itself, and a node that restarted
(sessions lost) is logged in again with the same badge.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime

import zmq
import zmq.asyncio
from textual import events
from textual.app import App

from edge.terminal import protocol
from terminal_ui.client import TerminalClient, TerminalError
from terminal_ui.floorview import FloorView
from terminal_ui.scanning import Entry, KeyBuffer
from terminal_ui.screens.console import RELEASE_KEY, TABS, ConsoleScreen
from terminal_ui.screens.exceptions import RESOLUTIONS
from terminal_ui.widgets.floor_map import FLEET_EVENTS, FleetPanel

KNOWN_EVENTS = frozenset({
    "TaskCreated", "TaskAssigned", "PickConfirmed", "ShortageRecorded", "ShipmentAllocated", "ShipmentStatusChanged",
    "StockReceived", "StockMoved", "StockAdjusted", "CountRecorded", "ExceptionReported", "ExceptionResolved",
    "BarcodeScanned", "ScanUnreadable", "DevicePointChanged", "DeviceHealthChanged", "ToteDiverted", "DivertFailed",
    "DivertConfirmed", "WeightChecked", "PackBlocked", "PutShown", "PutConfirmed", "PutRefused",
    "WavePlanned", "WaveStateChanged", "BatchStarted", "BatchStateChanged", "CubbiesAssigned", "UnitsPut",
}) | FLEET_EVENTS


class SupervisorApp(App):
    CSS_PATH = "supervisor.tcss"
    TITLE = "Sklad supervisor"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, client: TerminalClient, pub: str, badge: str | None = None, poll_s: float = 2.0):
        super().__init__()
        self.client, self.pub, self.badge, self.poll_s = client, pub, badge, poll_s
        self.view = FloorView()
        self.keys = KeyBuffer()
        self.wake = asyncio.Event()
        self.board = ConsoleScreen()

    async def on_mount(self) -> None:
        await self.client.connect()
        await self.push_screen(self.board)
        self.set_interval(1.0, self.redraw)
        self.run_worker(self.listen(), group="events")
        # The panel's own worker: cancelled with the panel, so a poll's answer never lands on a
        # panel being torn down (the console quitting mid-poll).
        fleet = self.board.query_one(FleetPanel)
        fleet.run_worker(fleet.follow(self.client), group="fleet")
        if self.badge:
            self.run_worker(self.poll(), group="poll")
        else:
            self.board.say("Scan your supervisor badge")

    async def on_unmount(self) -> None:
        await self.client.close()

    def redraw(self) -> None:
        self.board.show(self.view, time.monotonic(), time.time())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._key(event):
            return
        await super().on_event(event)

    def _key(self, event: events.Key) -> bool:
        """Keys the console takes itself; the rest (arrows) go to the tables."""
        if event.key in ("ctrl+c", "ctrl+q"):
            self.exit()
        elif self.badge is None:
            for item in self.keys.key(event.key, event.character):
                if isinstance(item, Entry):
                    self.badge = item.text
                    self.run_worker(self.poll(), group="poll", exclusive=True)
        elif event.key in TABS:
            self.board.switch(event.key)
        elif event.character and event.character.isdigit():
            self.resolve(int(event.character))
        elif event.key == RELEASE_KEY and (wave_id := self.board.selected_wave()) is not None:
            self.run_worker(self._ask("release_wave", {"wave_id": wave_id}, f"Wave {wave_id} released",
                                      f"Wave {wave_id} not released"), group="ask")
        else:
            return False
        return True

    def resolve(self, n: int) -> None:
        task_id = self.board.selected_exception()
        if task_id is None or not 1 <= n <= len(RESOLUTIONS):
            return
        resolution = RESOLUTIONS[n - 1]
        self.run_worker(self._ask("resolve_exception", {"task_id": task_id, "resolution": resolution},
                                  f"Exception {task_id} resolved: {resolution}", f"Exception {task_id} not resolved"),
                        group="ask")

    async def _ask(self, op: str, args: dict, done: str, failed: str) -> None:
        """One supervisor action; the node's answer (or its refusal, in its words) on the message line."""
        try:
            await self.client.call(op, args)
            self.board.say(done)
        except (TerminalError, TimeoutError) as exc:
            self.board.say(f"{failed}: {getattr(exc, 'message', 'no answer')}", error=True)
        self.wake.set()

    async def poll(self) -> None:
        while True:
            try:
                await self._poll_once()
            except TimeoutError:
                pass  # shown by the link state: no answer since view.last_answer
            except TerminalError as exc:
                if exc.code != "unauthenticated":
                    self.board.say(exc.message, error=True)
                    if exc.code in ("forbidden",):
                        self.badge = None
                        return
                self.client.session = None  # the node restarted: log in again on the next round
            self.redraw()
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_s)

    async def _poll_once(self) -> None:
        if self.client.session is None:
            me = await self.client.login(self.badge)
            if "supervisor" not in me["roles"]:
                raise TerminalError("forbidden", f"{me['name']} is not a supervisor: scan a supervisor badge")
            self.view.warehouse = (await self.client.call("hello"))["warehouse"]
            self.board.say(f"Logged in: {me['name']}")
        self.view.status = await self.client.call("status")
        self.view.floor = await self.client.call("floor")
        self.view.exceptions = (await self.client.call("exceptions"))["exceptions"]
        self.view.waves = (await self.client.call("waves"))["waves"]
        self.view.answered(time.monotonic())

    async def listen(self) -> None:
        ctx = self.client.ctx
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, protocol.EVENT_PREFIX)
        if self.client.curve:
            server, public, secret = (k.encode() for k in self.client.curve)
            sub.curve_serverkey, sub.curve_publickey, sub.curve_secretkey = server, public, secret
        sub.connect(self.pub)
        try:
            while True:
                frames = await sub.recv_multipart()
                try:
                    topic, data = protocol.decode_event(frames)
                except (ValueError, KeyError, TypeError, IndexError):
                    self.view.unknown_events += 1
                    continue
                if not isinstance(data, dict):
                    data = {"data": data}
                self.view.event(str(topic), data, KNOWN_EVENTS, datetime.now().strftime("%H:%M:%S"))
                self.wake.set()
        finally:
            sub.close(0)
