"""The handheld app: keys in at app level, one request at a time to the node, screens for each job.

Every key is read here, before any widget: characters go into one buffer until CR, LF or CR LF
(`scanning.KeyBuffer`), so a scanner typing codes back to back loses and merges none. What the
buffer makes goes to the current screen, unless a refusal is on screen (only Enter or Esc clears
it) or a request is still out (the screen says so and the scan is not taken).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import App
from textual.reactive import reactive

from terminal_ui.client import TerminalClient, TerminalError
from terminal_ui.scanning import Command, Entry, KeyBuffer, Unreadable
from terminal_ui.screens.login import LoginScreen
from terminal_ui.screens.refused import RefusedScreen

QUIT_KEYS = frozenset({"ctrl+c", "ctrl+q"})


class HandheldApp(App):
    CSS_PATH = "handheld.tcss"
    TITLE = "Sklad handheld"
    ENABLE_COMMAND_PALETTE = False

    link_state: reactive[str] = reactive("connecting")

    def __init__(self, client: TerminalClient, sound: bool = True):
        super().__init__()
        self.client, self.sound = client, sound
        self.keys = KeyBuffer()
        self.operator: dict | None = None
        self.busy = False
        self.sent = 0  # requests made (tests and the benchmark read it)

    async def on_mount(self) -> None:
        await self.client.connect()
        await self.push_screen(LoginScreen())
        self.send("hello", {}, lambda result: None)

    async def on_unmount(self) -> None:
        await self.client.close()

    # --- input --------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if event.key in QUIT_KEYS:
                self.exit()
                return
            for item in self.keys.key(event.key, event.character):
                self.take(item)
            return
        await super().on_event(event)

    def take(self, item: Entry | Unreadable | Command) -> None:
        if isinstance(self.screen, RefusedScreen):
            if isinstance(item, Command) and item.key in ("enter", "escape"):
                self.pop_screen()
            else:
                self.ring()  # nothing is taken until the refusal is acknowledged
            return
        if isinstance(item, Command) and item.key == "f4":
            self.sound = not self.sound
            self.screen.say(f"Sound {'on' if self.sound else 'off'}")
            return
        if self.busy:
            self.ring()
            self.screen.say("Wait: still sending. Scan again after." if self.link_state == "online"
                            else "Reconnecting: scan again when connected.", error=True)
            return
        if isinstance(item, Unreadable):
            self.refuse(item.message)
        elif isinstance(item, Command):
            self.screen.on_command(item.key)
        else:
            self.screen.on_entry(item)

    # --- output -------------------------------------------------------------------------------

    def ring(self) -> None:
        if self.sound:
            self.bell()

    def refuse(self, message: str) -> None:
        """A refused scan: bell, the whole screen in the error colour, the message in plain words."""
        self.ring()
        self.push_screen(RefusedScreen(message))

    # --- the node -----------------------------------------------------------------------------

    def send(self, op: str, args: dict, done: Callable[[dict], None],
             refused: Callable[[TerminalError], None] | None = None) -> None:
        """One request, resent with the same id and key until the node answers; then `done(result)`
        or `refused(error)` (by default, the refusal screen)."""
        self.busy = True
        self.sent += 1
        self.run_worker(self._call(op, args, done, refused), group="link")

    async def _call(self, op, args, done, refused) -> None:
        try:
            result = await self.client.call(op, args, on_retry=self._retrying)
        except TerminalError as exc:
            self._answered()
            if exc.code == "unauthenticated" and op != "login":
                self.back_to_login(exc.message)
            elif refused is not None:
                refused(exc)
            else:
                self.refuse(exc.message)
            return
        self._answered()
        done(result)

    def _retrying(self, attempt: int) -> None:
        self.link_state = f"reconnecting ({attempt})"

    def _answered(self) -> None:
        self.busy = False
        self.link_state = "online"

    def back_to_login(self, message: str | None = None) -> None:
        self.operator = None
        self.client.session = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if message:
            self.refuse(message)
