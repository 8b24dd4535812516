"""Rows a batch holds back until the flush: later commands of the batch must still see them, and a
constraint that fails only at the flush must fail the command that caused it, not its neighbours."""

from __future__ import annotations

from edge.domain import commands as c


def pick(task: dict, key: str, qty: int, tote: str = "T00001") -> c.ConfirmPick:
    return c.ConfirmPick(key, task["id"], task["location"], "MUG", tote, qty, operator="B1001")


def test_picks_of_one_task_in_one_batch_see_each_other(allocated):
    ledger, tasks = allocated
    first = tasks[0]  # 20 MUG at A-01-01
    outcomes = ledger.run(pick(first, "p1", 8), pick(first, "p2", 8), pick(first, "p3", 8))
    assert [o.ok for o in outcomes] == [True, True, False]
    assert [o.result["remaining"] for o in outcomes[:2]] == [12, 4]
    assert "over-pick" in outcomes[2].message and "needs 4 more" in outcomes[2].message
    assert ledger.tasks("S1")[0]["done_qty"] == 16
    assert ledger.balance("MUG", "A-01-01") == (4, 4)
    assert ledger.balance("MUG", "T00001") == (16, 0)
    assert ledger.verify().ok


def test_stock_received_and_moved_on_in_one_batch(ledger):
    outcomes = ledger.run(
        c.Receive("r1", "TEA", 3, "RCV-02"),
        c.Move("m1", "TEA", 3, "RCV-02", "A-03-01"),      # takes what r1 just received
        c.Move("m2", "TEA", 9, "A-03-01", "A-01-03"),     # 5 + 3 there: one too many
        c.Move("m3", "TEA", 8, "A-03-01", "A-01-03"),
    )
    assert [o.ok for o in outcomes] == [True, True, False, True]
    assert ledger.balance("TEA", "RCV-02") == (0, 0)
    assert ledger.balance("TEA", "A-03-01") == (0, 0)
    assert ledger.balance("TEA", "A-01-03") == (8, 0)
    assert ledger.verify().ok


def test_a_check_that_fails_only_at_the_flush_fails_its_own_command(allocated):
    ledger, tasks = allocated
    # Somebody broke the ledger behind the node's back: A-01-01 shows 3 allocated where the open
    # task holds 20. Taking 4 there can only fail when the batch's summed takes are written.
    ledger.conn.execute("UPDATE balances SET allocated = 3 WHERE sku = 'MUG' AND location = 'A-01-01'")
    before = ledger.scalar("SELECT COUNT(*) FROM movements")
    outcomes = ledger.run(
        pick(tasks[1], "p1", 2),
        pick(tasks[0], "p2", 4),
        c.Receive("r1", "TEA", 1, "RCV-01"),
    )
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error == "conflict" and "allocated_within_on_hand" in outcomes[1].message
    assert ledger.scalar("SELECT COUNT(*) FROM movements") == before + 2
    assert ledger.scalar("SELECT COUNT(*) FROM idempotency WHERE key = 'p2'") == 0
    assert [t["done_qty"] for t in ledger.tasks("S1")] == [0, 2]
    assert ledger.balance("MUG", "A-01-01") == (20, 3)
    assert ledger.balance("MUG", "T00001") == (2, 0)


def test_a_resend_in_a_replayed_batch_is_still_a_replay(ledger):
    # The bad command sends the batch round again, one savepoint per command; the resend of r1
    # must find r1's answer although r1's row was flushed inside its own savepoint.
    r1 = c.Receive("r1", "TEA", 2, "RCV-01")
    first, bad, again = ledger.run(r1, c.Receive("r2", "PEAR", 1, "RCV-01"), r1)
    assert first.ok and not first.replayed
    assert bad.error == "not_found"
    assert again.ok and again.replayed and again.result == first.result
    assert ledger.balance("TEA", "RCV-01") == (2, 0)
    assert ledger.scalar("SELECT COUNT(*) FROM idempotency WHERE key IN ('r1', 'r2')") == 1
    assert ledger.verify().ok


def test_a_key_from_an_earlier_batch_is_found_by_the_batch_lookup(ledger):
    ledger.ok(c.Receive("r1", "TEA", 2, "RCV-01"))
    outcomes = ledger.run(c.Receive("r2", "TEA", 1, "RCV-01"), c.Receive("r1", "TEA", 2, "RCV-01"),
                          c.Receive("r1", "TEA", 3, "RCV-01"))
    assert [(o.ok, o.replayed) for o in outcomes] == [(True, False), (True, True), (False, False)]
    assert outcomes[2].error == "idempotency_mismatch"
    assert ledger.balance("TEA", "RCV-01") == (3, 0)


def test_a_command_refused_after_its_movements_were_flushed_leaves_no_gap_in_seq(allocated):
    ledger, tasks = allocated
    # Somebody broke the ledger behind the node's back: S1's line shows 24 short. A short pick
    # records its pick movement, flushes it to look for other stock (reallocation), and only
    # then fails on the line's CHECK (picked + short <= qty) when the line counters are written.
    ledger.conn.execute("UPDATE shipment_lines SET short = 24 WHERE shipment_id = 'S1'")
    last = ledger.scalar("SELECT MAX(seq) FROM movements")
    outcomes = ledger.run(
        c.ShortPick("s1", tasks[1]["id"], tasks[1]["location"], 2, "T00001", operator="B1001"),
        c.Receive("r1", "TEA", 1, "RCV-01"),
        c.Receive("r2", "TEA", 1, "RCV-01"),
    )
    assert [o.ok for o in outcomes] == [False, True, True]
    assert outcomes[0].error == "conflict"
    assert [o.result["seq"] for o in outcomes[1:]] == [last + 1, last + 2]
    assert ledger.seqs() == list(range(1, last + 3))
    assert ledger.verify().ok


def test_the_flush_refuses_movements_that_would_not_follow_the_last_committed_seq(ledger, monkeypatch):
    last = ledger.scalar("SELECT MAX(seq) FROM movements")
    prefetch, passes = ledger.uow.prefetch, []

    def miscounting_prefetch(commands):
        prefetch(commands)
        passes.append(len(commands))
        if len(passes) == 1:  # as if a rolled-back row had been counted and its seq not given back
            ledger.uow.movements.append(("lost",) * (len(ledger.uow.movements.COLUMNS) - 1))
            ledger.uow.movements.pending.clear()

    monkeypatch.setattr(ledger.uow, "prefetch", miscounting_prefetch)
    (first, second) = ledger.run(c.Receive("r1", "TEA", 1, "RCV-01"), c.Receive("r2", "TEA", 1, "RCV-01"))
    # The gap is caught at the flush; the batch is replayed from the ledger's real last seq.
    assert first.ok and second.ok
    assert passes == [2, 2]
    assert [first.result["seq"], second.result["seq"]] == [last + 1, last + 2]
    assert ledger.seqs() == list(range(1, last + 3))
