"""`sklad-terminal` as a command: bad options refused with a reason, `serve` on loopback by default."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests
from tui_support import free_ports

CLI = [sys.executable, "-m", "terminal_ui.cli"]


@pytest.mark.parametrize(("args", "words"), [
    (["handheld", "--node", "localhost:5555"], "expected an endpoint like tcp://10.0.0.5:5555"),
    (["handheld", "--node", "tcp://127.0.0.1:5555", "--node-key", "short"], "40-character Z85 CurveZMQ key"),
    (["supervisor", "--node", "tcp://127.0.0.1:5555"], "--pub"),
    (["serve", "--app", "forklift", "--port", "1"], "invalid choice: 'forklift'"),
    (["serve", "--app", "handheld", "--port", "1", "--", "--node", "nope"], "expected an endpoint"),
])
def test_bad_options_are_refused_with_the_reason(args, words):
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_curve_needs_all_three_keys():
    key = "x" * 40
    done = subprocess.run([*CLI, "handheld", "--node", "tcp://127.0.0.1:5555", "--node-key", key],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "needs all three keys" in done.stderr


def test_serve_answers_browsers_on_loopback_only():
    (port,) = free_ports(1)
    proc = subprocess.Popen([*CLI, "serve", "--app", "handheld", "--port", str(port), "--", "--node",
                             "tcp://127.0.0.1:9"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                page = requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None, "serve never answered"
                time.sleep(0.2)
        assert page.status_code == 200 and "textual" in page.text.lower()
        outside = socket.gethostbyname(socket.gethostname())
        if not outside.startswith("127."):
            with pytest.raises(OSError):
                socket.create_connection((outside, port), timeout=1).close()
    finally:
        proc.terminate()
        proc.wait(10)
