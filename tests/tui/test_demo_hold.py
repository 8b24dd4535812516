"""`sklad-sim demo --hold`: after the report, the endpoints, badges and commands, fresh orders, and a
wait that SIGTERM (or Ctrl-C) ends."""

from __future__ import annotations

import io
import os
import signal
import threading

import pytest
from rich.console import Console
from tui_support import SAMPLE

from edge.config import load_config
from simulators.demo import main as demo_main
from simulators.hold import hold


def test_hold_prints_how_to_connect_and_waits_for_a_signal():
    cfg = load_config(SAMPLE)
    out = io.StringIO()
    placed = []
    threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()
    previous = signal.getsignal(signal.SIGINT)
    try:
        hold(Console(file=out, width=200), cfg, "tcp://127.0.0.1:5999", lambda n, rng: placed.append(n))
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    text = out.getvalue()
    assert placed == [10]
    assert "sklad-terminal handheld --node tcp://127.0.0.1:5999" in text
    assert f"--pub {cfg.pub_endpoint}" in text and "serve --app handheld" in text
    assert "B1002" in text and "Ivan Sokolov" in text and "Ctrl-C ends the demo" in text


def test_demo_takes_hold(capsys):
    with pytest.raises(SystemExit) as done:
        demo_main(["--help"])
    assert done.value.code == 0 and "--hold" in capsys.readouterr().out
