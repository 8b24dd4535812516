"""apply_batch (idempotency, one bad command among good ones) and the group-commit LedgerWriter."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from edge.domain import commands as c
from edge.ledger.connection import connect_writer
from edge.ledger.writer import IN_FLIGHT, LedgerUnavailable, LedgerWriter


def test_same_key_same_command_replays_the_first_answer(ledger):
    cmd = c.Receive("rcv-1", "MUG", 4, "RCV-01")
    first = ledger.run(cmd)[0]
    before = ledger.snapshot()
    again = ledger.run(cmd)[0]
    assert again.ok and again.replayed and not first.replayed
    assert again.result == first.result
    assert again.events == []
    assert ledger.snapshot() == before


def test_same_key_different_command_is_a_mismatch(ledger):
    ledger.ok(c.Receive("rcv-1", "MUG", 4, "RCV-01"))
    ledger.refused(c.Receive("rcv-1", "MUG", 5, "RCV-01"), "idempotency_mismatch",
                   "already used for a different Receive")
    ledger.refused(c.Adjust("rcv-1", "MUG", "RCV-01", 1, "found"), "idempotency_mismatch", "Receive")


def test_resend_in_the_same_batch_is_replayed(ledger):
    cmd = c.Receive("rcv-1", "TEA", 2, "RCV-01")
    first, second = ledger.run(cmd, cmd)
    assert first.ok and second.ok and second.replayed and second.result == first.result
    assert ledger.balance("TEA", "RCV-01") == (2, 0)


def test_a_refused_command_leaves_its_key_free(ledger):
    ledger.refused(c.Receive("rcv-1", "MUG", 4, "A-01-01"), "conflict")
    assert ledger.ok(c.Receive("rcv-1", "MUG", 4, "RCV-01"))["seq"] == 15


def test_one_bad_command_never_fails_its_neighbours(ledger):
    outcomes = ledger.run(
        c.Receive("b1", "MUG", 1, "RCV-01"),
        c.Move("b2", "MUG", 999, "A-01-01", "A-02-01"),          # more than there is
        c.Receive("b3", "TEA", 2, "RCV-01"),
        c.Receive("b4", "PEAR", 1, "RCV-01"),                     # unknown SKU
        c.Adjust("b5", "MUG", "A-01-01", -1, "damaged"),
    )
    assert [o.ok for o in outcomes] == [True, False, True, False, True]
    assert [o.error for o in outcomes] == [None, "conflict", None, "not_found", None]
    assert [o.result["seq"] for o in outcomes if o.ok] == [15, 16, 17]  # gap-free despite the failures
    assert [len(o.events) for o in outcomes] == [1, 0, 1, 0, 1]
    assert ledger.seqs() == list(range(1, 18))
    assert ledger.scalar("SELECT COUNT(*) FROM idempotency WHERE key IN ('b2', 'b4')") == 0
    assert ledger.balance("MUG", "A-01-01") == (19, 0)
    report = ledger.verify()
    assert report.ok, report.render()


def test_a_failure_after_partial_writes_is_undone_alone(ledger):
    # The allocation writes the shipment, its first line and a pick task before the unknown SKU stops it.
    outcomes = ledger.run(
        c.AllocateShipment("a1", "S1", "O1", (c.OrderLine("TEA", 2),)),
        c.AllocateShipment("a2", "S2", "O2", (c.OrderLine("MUG", 5), c.OrderLine("PEAR", 1))),
        c.AllocateShipment("a3", "S3", "O3", (c.OrderLine("MUG", 5),)),
    )
    assert [o.ok for o in outcomes] == [True, False, True]
    assert ledger.rows("SELECT id FROM shipments ORDER BY id") == [("S1",), ("S3",)]
    assert ledger.scalar("SELECT COUNT(*) FROM shipment_lines WHERE shipment_id = 'S2'") == 0
    assert ledger.balance("MUG", "A-01-01") == (20, 5)  # only S3's allocation
    assert [len(o.events) for o in outcomes] == [2, 0, 2]
    assert ledger.verify().ok


@pytest.fixture
def writer(cfg):
    batches: list[int] = []
    events: list = []
    w = LedgerWriter(cfg.ledger_path, adjust_reasons=cfg.adjust_reasons,
                     on_batch=lambda size, _s: batches.append(size), on_events=events.extend)
    w.batches, w.events = batches, events
    w.start()
    yield w
    w.stop()


async def test_group_commit_gives_each_caller_its_own_result(writer, ledger, cfg):
    n = 300
    cmds = [c.Receive(f"g-{i}", "MUG" if i % 2 else "TEA", i % 7 + 1, "RCV-02") for i in range(n)]
    # Hold the database's write lock while the callers queue up, so that batching does not depend
    # on how the OS schedules the writer thread on a loaded machine.
    blocker = connect_writer(cfg.ledger_path)  # the library the ledger fixture uses: one SQLite per process
    blocker.execute("BEGIN IMMEDIATE")
    pending = [asyncio.ensure_future(writer.execute(cmd)) for cmd in cmds]
    await asyncio.sleep(0.3)
    blocker.execute("ROLLBACK")
    blocker.close()
    outcomes = await asyncio.gather(*pending)
    assert all(o.ok for o in outcomes)
    seqs = [o.result["seq"] for o in outcomes]
    assert sorted(seqs) == list(range(15, 15 + n))
    by_seq = dict(ledger.rows("SELECT seq, idem_key FROM movements WHERE seq >= 15"))
    assert all(by_seq[o.result["seq"]] == cmd.key for o, cmd in zip(outcomes, cmds, strict=True))
    assert sum(writer.batches) == n and max(writer.batches) > 1  # commands really shared commits
    assert len(writer.batches) < n
    assert ledger.balance("MUG", "RCV-02")[0] == sum(i % 7 + 1 for i in range(n) if i % 2)
    assert len(writer.events) == n and writer.last_seq == 14 + n
    assert ledger.verify().ok


async def test_group_commit_mixes_good_and_bad_callers(writer, ledger):
    cmds = [c.Receive(f"g-{i}", "MUG", 1, "RCV-01" if i % 3 else "A-01-01") for i in range(60)]
    outcomes = await asyncio.gather(*(writer.execute(cmd) for cmd in cmds))
    assert [o.ok for o in outcomes] == [bool(i % 3) for i in range(60)]
    assert all(o.error == "conflict" for o in outcomes if not o.ok)
    assert ledger.seqs() == list(range(1, 15 + 40))
    assert ledger.verify().ok


def test_execute_sync_from_many_threads(writer, ledger):
    results: dict[int, int] = {}

    def worker(i: int) -> None:
        results[i] = writer.execute_sync(c.Adjust(f"t-{i}", "TEA", "A-03-01", 1, "found")).result["seq"]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == list(range(15, 55))
    assert ledger.balance("TEA", "A-03-01") == (45, 0)


def test_stopped_writer_refuses_new_work(cfg):
    w = LedgerWriter(cfg.ledger_path).start()
    assert w.execute_sync(c.Receive("k", "MUG", 1, "RCV-01")).ok
    w.stop()
    with pytest.raises(RuntimeError, match="shutting down"):
        w.execute_sync(c.Receive("k2", "MUG", 1, "RCV-01"))


def test_a_ledger_that_cannot_be_opened_refuses_to_start(tmp_path):
    with pytest.raises(LedgerUnavailable, match=r"cannot open the ledger .*nowhere.*unable to open"):
        LedgerWriter(tmp_path / "nowhere" / "ledger.db")
    (tmp_path / "blank.db").touch()
    with pytest.raises(LedgerUnavailable, match="no such table: movements"):
        LedgerWriter(tmp_path / "blank.db")


async def test_a_killed_writer_process_is_replaced_and_nothing_applies_twice(writer, ledger, cfg):
    def receipt(i: int) -> c.Receive:
        return c.Receive(f"w-{i}", "TEA", 1, "RCV-02")

    first = await asyncio.gather(*(writer.execute(receipt(i)) for i in range(300)))
    assert all(o.ok for o in first)
    # Hold the write lock so that the writer process is surely in the middle of a batch when it dies.
    blocker = connect_writer(cfg.ledger_path)  # the library the ledger fixture uses: one SQLite per process
    blocker.execute("BEGIN IMMEDIATE")
    pending = [asyncio.ensure_future(writer.execute(receipt(i))) for i in range(300, 5300)]
    await asyncio.sleep(0.3)
    victim = writer._process.pid
    os.kill(victim, signal.SIGKILL)
    blocker.execute("ROLLBACK")
    blocker.close()
    outcomes = await asyncio.gather(*pending)
    lost = [i for i, o in zip(range(300, 5300), outcomes, strict=True) if not o.ok]
    assert lost, "the killed process held no commands: the test did not test anything"
    assert all(outcomes[i - 300].error == "ledger" and "same key" in outcomes[i - 300].message for i in lost)
    assert len(lost) <= IN_FLIGHT * writer.max_batch  # the queue behind them went to the new process
    # The handhelds send the unanswered ones again: those that did commit are replayed, not re-applied.
    again = await asyncio.gather(*(writer.execute(receipt(i)) for i in lost))
    assert all(o.ok for o in again)
    assert writer._process.pid != victim and writer.restarts == 1
    assert ledger.scalar("SELECT COUNT(*) FROM movements WHERE idem_key LIKE 'w-%'") == 5300
    assert ledger.scalar("SELECT COUNT(DISTINCT idem_key) FROM movements WHERE idem_key LIKE 'w-%'") == 5300
    assert ledger.balance("TEA", "RCV-02") == (5300, 0)
    assert writer.last_seq == ledger.scalar("SELECT MAX(seq) FROM movements")
    assert ledger.verify().ok


async def test_while_the_ledger_cannot_be_opened_commands_are_refused_then_served_again(writer, cfg):
    assert (await writer.execute(c.Receive("before", "TEA", 1, "RCV-02"))).ok
    aside = cfg.ledger_path.with_suffix(".aside")
    cfg.ledger_path.rename(aside)  # e.g. the disk is being swapped: no new writer can open the ledger
    os.kill(writer._process.pid, signal.SIGKILL)
    caught = await writer.execute(c.Receive("caught", "TEA", 1, "RCV-02"))  # perhaps sent to the dying one
    assert caught.error == "ledger"
    await asyncio.sleep(0.3)
    refused = await writer.execute(c.Receive("during", "TEA", 1, "RCV-02"))
    assert refused.error == "ledger" and "cannot open the ledger" in refused.message
    aside.rename(cfg.ledger_path)
    for _ in range(50):
        outcome = await writer.execute(c.Receive("after", "TEA", 1, "RCV-02"))
        if outcome.ok:
            break
        await asyncio.sleep(0.1)
    assert outcome.ok, outcome.message
    assert writer.restarts == 1
