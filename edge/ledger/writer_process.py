"""The ledger writer's own process: it owns the ledger connection and commits batches of commands.

Why a process and not a thread: the node's event loop and the writer would share one GIL, and the
writer hands it back at every SQLite call; the loop's Python and the writer's Python then run one
after the other. In a process of its own the writer has a core to itself, and a terminal's reply
never waits for the GIL behind a batch.

A fresh interpreter (`python -m edge.ledger.writer_process`), not a fork: the node's threads and
sockets must not be copied, and nothing of the node's main module is run again.

Wire (a socket pair, length-prefixed pickles): the node sends a batch of commands per message and
an empty message to stop; the writer answers first ("ready", last seq) or ("failed", why), then,
in order, (messages taken, outcomes as tuples, last seq, seconds) per transaction. Messages that
arrived while a transaction was being committed go into the next one together: the bigger the
batch, the fewer pages each pick costs the commit. End of file means the node is gone.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import signal
import time
from multiprocessing.connection import Connection

from edge.ledger.batch import Outcome, apply_batch
from edge.ledger.connection import connect_writer
from edge.ledger.uow import UnitOfWork

STOP = b""
MAX_MERGED = 8


def connection(fd: int) -> Connection:
    """Message framing over one end of a socket pair, as multiprocessing.Pipe does it."""
    return Connection(fd)


def serve(conn: Connection, path: str, adjust_reasons: tuple[str, ...]) -> None:
    try:
        ledger = connect_writer(path)
        uow = UnitOfWork(ledger, adjust_reasons=adjust_reasons)
    except Exception as exc:  # reported to the node, which refuses to start
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", uow.movements.last_seq))
    gc.freeze()  # what start-up built lives as long as the process
    try:
        _serve_batches(conn, uow)
    finally:
        ledger.close()


def _serve_batches(conn: Connection, uow: UnitOfWork) -> None:
    while True:
        try:
            messages = [conn.recv_bytes()]
            while messages[-1] != STOP and len(messages) < MAX_MERGED and conn.poll():
                messages.append(conn.recv_bytes())
        except EOFError:  # the node is gone: nothing is waiting for an answer
            return
        batches = [pickle.loads(m) for m in messages if m != STOP]
        if batches:
            started = time.perf_counter()
            outcomes = apply_batch(uow, [cmd for batch in batches for cmd in batch])
            reply = (len(batches), [astuple(o) for o in outcomes], uow.movements.last_seq,
                     time.perf_counter() - started)
            conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        if messages[-1] == STOP:
            return


def astuple(o: Outcome) -> tuple:
    """An outcome as plain data: half the cost of pickling the dataclass, on the busier side."""
    return o.ok, o.result, o.error, o.message, o.replayed, o.events


def main() -> None:
    ap = argparse.ArgumentParser(description="the ledger writer process of a Sklad edge node (started by the node)")
    ap.add_argument("--fd", type=int, required=True, help="this end of the socket pair to the node")
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--adjust-reasons", default="[]", help="JSON list of allowed adjustment reason codes")
    args = ap.parse_args()
    # Ctrl-C reaches the whole process group; the node handles it and stops the writer cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(connection(args.fd), args.ledger, tuple(json.loads(args.adjust_reasons)))


if __name__ == "__main__":
    main()
