"""Scanner scripts: one barcode per line, or a directive.

    # comments and blank lines are skipped
    ]C10109506000134352172512311012A34\\x1d2112345   a barcode (escapes allowed)
    !sleep 0.5       pause
    !unplug          pull the cable (the pty goes away)
    !replug          plug it back (a new pty, the link re-pointed)
    !raw \\x00\\xff\\r\\n  bytes sent exactly as written, no framing (line noise)
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from .frames import FrameFormat, unescape
from .virtual_port import VirtualSerialPort


@dataclass(frozen=True)
class Step:
    action: str  # "scan", "sleep", "unplug", "replug", "raw"
    arg: str = ""


def parse_script(lines: Iterable[str]) -> list[Step]:
    steps = []
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if not text.startswith("!"):
            steps.append(Step("scan", text))
            continue
        action, _, arg = text[1:].partition(" ")
        if action not in {"sleep", "unplug", "replug", "raw"}:
            raise ValueError(f"script line {number}: unknown directive !{action}; "
                             "expected !sleep, !unplug, !replug or !raw")
        if action == "sleep":
            float(arg)
        steps.append(Step(action, arg.strip()))
    return steps


def play(port: VirtualSerialPort, steps: list[Step], fmt: FrameFormat, interval: float) -> int:
    """Type the script into the port, one scan every `interval` seconds; returns scans sent."""
    sent = 0
    for step in steps:
        if step.action == "scan":
            port.write(fmt.frame(unescape(step.arg).decode("latin-1")))
            sent += 1
            time.sleep(interval)
        elif step.action == "sleep":
            time.sleep(float(step.arg))
        elif step.action == "raw":
            port.write(unescape(step.arg))
        elif step.action == "unplug":
            port.drain()
            port.unplug()
        elif step.action == "replug":
            print(f"replugged: {port.replug()}", flush=True)
    return sent
