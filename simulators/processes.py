"""Starting Sklad processes for demos, benchmarks and end-to-end tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def start_node(config: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Run `sklad-edge run` and wait for its READY line; returns the process and its ROUTER endpoint."""
    proc = subprocess.Popen([sys.executable, "-m", "edge.cli", "run", "--config", str(config), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("READY"):
            return proc, line.split("router=")[1].split()[0]
    raise RuntimeError(f"the edge node exited with {proc.wait()} before it was ready")


def verify_ledger(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edge.cli", "verify", "--db", str(path)],
                          capture_output=True, text=True)
