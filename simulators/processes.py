"""Starting Sklad processes for demos, benchmarks and end-to-end tests."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests


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


def central_keys() -> dict[str, str]:
    """Fresh secrets for a central; pass the same ones to restart it as the same service."""
    return {f"SKLAD_CENTRAL_{name}": secrets.token_urlsafe(24) for name in ("ADMIN_TOKEN", "SECRET", "ACQUIRER_SECRET")}


def start_central(db_url: str, port: int, *, workers: int = 1, hold_minutes: float = 15.0,
                  timeout: float = 60.0, keys: dict[str, str] | None = None) -> tuple[subprocess.Popen, str, str]:
    """Run `sklad-central serve` and wait until /healthz answers; returns process, base URL, admin token."""
    keys = keys or central_keys()
    admin = keys["SKLAD_CENTRAL_ADMIN_TOKEN"]
    env = {**os.environ, **keys}
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "central.cli", "serve", "--db", db_url, "--port", str(port), "--workers", str(workers),
         "--hold-minutes", str(hold_minutes), "--public-url", base, "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sklad-central exited with {proc.returncode}: {proc.stderr.read()[-2000:]}")
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base, admin
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"sklad-central did not answer on {base} within {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> int:
    """SIGTERM, then SIGKILL if it does not go in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def kill9(proc: subprocess.Popen | None) -> None:
    """Power-cut a process: SIGKILL, no chance to clean up."""
    if proc is not None and proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
