"""`sklad-edge run` as a real process on a temporary warehouse file: READY line, a hello, clean SIGTERM."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import pytest
import zmq.asyncio

from terminal_ui.client import TerminalClient


@pytest.fixture
def config_file(tmp_path, sample_config) -> Path:
    """The sample warehouse with its ledger in tmp_path, ephemeral ports, no metrics port, no central."""
    text = Path(sample_config.source).read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = .*$', 'path = "ledger/edge.db"', text)
    text = re.sub(r'(?m)^router = .*$', 'router = "tcp://127.0.0.1:0"', text)
    text = re.sub(r'(?m)^pub = .*$', 'pub = "tcp://127.0.0.1:0"', text)
    text = re.sub(r'(?m)^(metrics_port|url) = .*$', "", text)
    path = tmp_path / "warehouse.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_run_serves_until_sigterm(config_file, tmp_path):
    log = (tmp_path / "node.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "edge.cli", "run", "--config", str(config_file),
        stdout=asyncio.subprocess.PIPE, stderr=log)
    ctx = zmq.asyncio.Context()
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        match = re.match(r"READY router=(tcp://127\.0\.0\.1:\d+) pub=(tcp://127\.0\.0\.1:\d+)$", line.strip())
        assert match, f"no READY line: {line!r}; log: {(tmp_path / 'node.log').read_text()}"
        assert match.group(1) != match.group(2)
        client = await TerminalClient(match.group(1), ctx=ctx, timeout=5.0, retries=0).connect()
        assert await client.call("hello") == {"warehouse": "MSK-1", "protocol": 1}
        await client.close()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 15) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        ctx.destroy(linger=0)
        log.close()
    assert (tmp_path / "ledger" / "edge.db").exists()


async def test_run_with_a_broken_config_exits_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[warehouse]\nid = 5\n", encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "edge.cli", "run", "--config", str(bad),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    assert f"configuration error: {bad}: zones: expected at least one [[zones]] table" in err.decode()
    assert b"Traceback" not in err
