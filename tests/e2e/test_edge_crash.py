"""kill -9 of a busy edge node: every acknowledged pick is in the ledger exactly once, nothing
unacknowledged is half-applied, and the ledger verifies after restart."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from simulators.processes import start_node, verify_ledger
from simulators.workload import PickTask, prepare
from terminal_ui.client import TerminalClient

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CLIENTS = 32


async def confirm_forever(endpoint: str, tasks: list[PickTask], acked: dict[str, dict]) -> None:
    client = await TerminalClient(endpoint, timeout=2.0, retries=0).connect()
    try:
        await client.login("B1001")
        for task in tasks:
            for n in range(task.qty):
                key = f"crash-{task.id}-{n}"
                args = {"task_id": task.id, "location": task.location, "item": task.sku, "tote": task.tote, "qty": 1}
                result = await client.call("confirm_pick", args, key=key)
                acked[key] = {"args": args, "seq": result["seq"]}
    except (TimeoutError, OSError):
        return  # the node died under us: what was acknowledged so far is what counts
    finally:
        await client.close()


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def running(pid: int) -> bool:
    try:  # an orphan nobody reaps stays a zombie: dead all the same
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except FileNotFoundError:
        return False


async def load_until_killed(endpoint: str, proc: subprocess.Popen, tasks: list[PickTask]) -> dict[str, dict]:
    acked: dict[str, dict] = {}
    shares = [tasks[i::CLIENTS] for i in range(CLIENTS)]
    workers = [asyncio.create_task(confirm_forever(endpoint, share, acked)) for share in shares]
    await asyncio.sleep(random.uniform(0.8, 2.0))
    writers = children(proc.pid)
    assert writers, "the node runs no ledger writer process"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    await asyncio.wait(workers, timeout=10)
    # The writer process finds its pipe closed and ends: nothing of the dead node lives on.
    for _ in range(50):
        if not any(map(running, writers)):
            break
        await asyncio.sleep(0.1)
    assert not any(map(running, writers)), "the ledger writer outlived its node"
    return acked


def test_kill_9_loses_no_acknowledged_pick(tmp_path):
    config, cfg, tasks = prepare(tmp_path, shipments=400, skus=100, units=200, qty=10)
    proc, endpoint = start_node(config)
    acked = asyncio.run(load_until_killed(endpoint, proc, tasks))
    assert len(acked) > 100, "the load never got going before the kill"

    conn = sqlite3.connect(cfg.ledger_path)
    picks = dict(conn.execute("SELECT idem_key, COUNT(*) FROM movements WHERE kind = 'pick' GROUP BY idem_key"))
    answers = {k for (k,) in conn.execute("SELECT key FROM idempotency WHERE command = 'ConfirmPick'")}
    conn.close()
    missing = [k for k in acked if picks.get(k) != 1]
    assert not missing, f"{len(missing)} acknowledged picks are not in the ledger exactly once: {missing[:5]}"
    # A pick movement without its idempotency answer (or the reverse) would be a half-applied command.
    assert set(picks) == answers
    assert all(n == 1 for n in picks.values())

    verify = verify_ledger(cfg.ledger_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # After restart, a handheld resending an acknowledged pick gets the first answer again.
    proc, endpoint = start_node(config)
    try:
        sample = random.sample(sorted(acked), min(20, len(acked)))

        async def resend() -> list[dict]:
            client = await TerminalClient(endpoint).connect()
            await client.login("B1001")
            out = [await client.call("confirm_pick", acked[k]["args"], key=k) for k in sample]
            await client.close()
            return out

        replies = asyncio.run(resend())
        assert all(r["replayed"] for r in replies)
        assert [r["seq"] for r in replies] == [acked[k]["seq"] for k in sample]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
