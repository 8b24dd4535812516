"""Named points where a crash-recovery test may have the process die as a power cut would.

`SKLAD_CENTRAL_CRASH_AT=<name>` in the environment makes the process SIGKILL itself when it
reaches that point: no cleanup, no commit, exactly what `kill -9` at that instruction does.
Unset (always, outside such tests), a crash point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "SKLAD_CENTRAL_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
