"""A real `sklad-central serve` process on a free port (imported by file name)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ADMIN = "serve-admin-token-0123456789"
SECRET = "serve-secret-0123456789"
ACQUIRER_SECRET = "serve-acquirer-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(**extra: str) -> dict[str, str]:
    return dict(os.environ, SKLAD_CENTRAL_ADMIN_TOKEN=ADMIN, SKLAD_CENTRAL_SECRET=SECRET,
                SKLAD_CENTRAL_ACQUIRER_SECRET=ACQUIRER_SECRET, **extra)


def central_cli() -> str:
    return str(Path(sys.executable).parent / "sklad-central")


@contextmanager
def serving(db_url: str, log_path: Path, *args: str, workers: int = 2, env: dict[str, str] | None = None
            ) -> Iterator[str]:
    """Run `sklad-central serve` on `db_url` until the block ends; yields its base URL."""
    with serve_process(db_url, log_path, *args, workers=workers, env=env) as (base, _):
        yield base


@contextmanager
def serve_process(db_url: str, log_path: Path, *args: str, workers: int = 2, env: dict[str, str] | None = None
                  ) -> Iterator[tuple[str, subprocess.Popen]]:
    """As serving(), yielding the process too (for tests that watch it die)."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen([central_cli(), "serve", "--db", db_url, "--port", str(port),
                                 "--workers", str(workers), "--no-access-log", *args],
                                env=serve_env() if env is None else env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc, log_path)
            yield base, proc
        finally:
            proc.terminate()
            proc.wait(timeout=15)


def _wait_healthy(base: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"sklad-central serve exited early: {log_path.read_text()}"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("sklad-central serve did not become healthy within 30 s")
