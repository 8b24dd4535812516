"""Behaviour of the three device kinds that ship: sorter PLC, weigh scale, put-to-light."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from devices.modbus.profile import Table, load_profile

from .device import SimulatedDevice


@dataclass
class _Tote:
    tote: str
    chute: int
    due: float


class SorterSim(SimulatedDevice):
    """Totes latched by a divert request travel for `transit` seconds (at 1.5 m/s), then
    divert to their chute (chute 0 or past the last chute: off the end of the line). Every
    tote leaves a confirmation in a queue the host pops by writing `confirm_ack`."""

    kind = "sorter"

    def __init__(self, name: str, *, transit: float = 0.5, chutes: int = 40) -> None:
        super().__init__(name, load_profile("sorter"))
        self.transit, self.chutes = transit, chutes
        self.in_transit: list[_Tote] = []
        self.confirmations: deque[tuple[int, str, int]] = deque()
        self._seq = 0
        self._last = None
        self.set("run", True)
        self.set("speed", 1.5)
        self._publish()

    def advance(self, now: float) -> None:
        elapsed = 0.0 if self._last is None else now - self._last
        self._last = now
        running = self.get("run") and not self.get("estop")
        self.set("running", running)
        if not running:  # a stopped belt holds every tote where it is
            for tote in self.in_transit:
                tote.due += elapsed
            return
        for tote in [t for t in self.in_transit if t.due <= now]:
            self.in_transit.remove(tote)
            self._arrive(tote)
        self._publish()

    def _arrive(self, tote: _Tote) -> None:
        chute = tote.chute if 1 <= tote.chute <= self.chutes else 0
        if chute == 0:
            self.set("exit_count", (self.get("exit_count") + 1) & 0xFFFFFFFF)
        self._seq = self._seq % 0xFFFF + 1
        self.confirmations.append((self._seq, tote.tote, chute))

    def on_write(self, table: Table, address: int, count: int, now: float) -> None:
        if self.written("divert_chute", table, address, count):
            speed = max(0.1, float(self.get("speed")))
            due = now + self.transit * 1.5 / speed
            self.in_transit.append(_Tote(self.get("divert_tote"), self.get("divert_chute"), due))
            self.set("entry_count", (self.get("entry_count") + 1) & 0xFFFFFFFF)
        if self.written("confirm_ack", table, address, count):
            ack = self.get("confirm_ack")
            if self.confirmations and self.confirmations[0][0] == ack:
                self.confirmations.popleft()
        self._publish()

    def _publish(self) -> None:
        seq, tote, chute = self.confirmations[0] if self.confirmations else (0, "", 0)
        self.set("confirm_seq", seq)
        self.set("confirm_tote", tote)
        self.set("confirm_chute", chute)
        self.set("diverts_pending", len(self.in_transit))

    def estop(self, pressed: bool) -> None:
        self.set("estop", pressed)


class ScaleSim(SimulatedDevice):
    """A load settles exponentially towards the placed weight, with reading noise; the
    stable flag rises when the reading stays within 2 g. Tare and zero are momentary coils."""

    kind = "scale"

    def __init__(self, name: str, *, settle: float = 0.3, noise_kg: float = 0.0005,
                 seed: int | None = None) -> None:
        super().__init__(name, load_profile("scale"))
        self.settle, self.noise = settle, noise_kg
        self.load = 0.0  # kg on the platter
        self._shown = 0.0
        self._zero = 0.0
        self._last = None
        self._rng = random.Random(seed)
        self.set("model", "SKLAD-WS1")

    def place(self, kg: float) -> None:
        self.load = kg

    def advance(self, now: float) -> None:
        elapsed = 0.0 if self._last is None else now - self._last
        self._last = now
        if self.settle > 0:
            self._shown += (self.load - self._shown) * min(1.0, elapsed / self.settle)
        else:
            self._shown = self.load
        gross = self._shown - self._zero + self._rng.gauss(0, self.noise)
        self.set("gross", round(gross, 4))
        self.set("weight", round(gross - self.get("tare_weight"), 3))
        self.set("stable", abs(self.load - self._shown) < 0.002)

    def on_write(self, table: Table, address: int, count: int, now: float) -> None:
        if self.written("tare", table, address, count) and self.get("tare"):
            self.set("tare_weight", round(self._shown - self._zero, 3))
            self.set("tare", False)
        if self.written("zero", table, address, count) and self.get("zero"):
            self._zero = self._shown  # an indicator would refuse when far from zero
            self.set("tare_weight", 0.0)
            self.set("zero", False)
        self.advance(now)


class PutToLightSim(SimulatedDevice):
    """Pressing the button (by `press()`, or by itself `auto_press` seconds after the light
    came on) confirms the displayed quantity, counts a confirmation and turns the light off."""

    kind = "put_to_light"

    def __init__(self, name: str, *, auto_press: float | None = None,
                 press_time: float = 0.2) -> None:
        super().__init__(name, load_profile("put_to_light"))
        self.auto_press, self.press_time = auto_press, press_time
        self._lit_at: float | None = None
        self._released_at = 0.0

    def press(self, now: float) -> bool:
        """One press; returns whether it confirmed anything (a dark light ignores presses)."""
        self.set("button", True)
        self._released_at = now + self.press_time
        if not self.get("light"):
            return False
        self.set("confirm_count", (self.get("confirm_count") + 1) & 0xFFFF)
        self.set("confirmed_qty", self.get("display_qty"))
        self.set("light", False)
        self.set("display_qty", 0)
        self._lit_at = None
        return True

    def advance(self, now: float) -> None:
        if self.get("button") and now >= self._released_at:
            self.set("button", False)
        lit = self._lit_at
        if self.auto_press is not None and lit is not None and now - lit >= self.auto_press:
            self.press(now)

    def on_write(self, table: Table, address: int, count: int, now: float) -> None:
        if self.written("light", table, address, count):
            self._lit_at = now if self.get("light") else None


KINDS = {"sorter": SorterSim, "scale": ScaleSim, "put_to_light": PutToLightSim}
