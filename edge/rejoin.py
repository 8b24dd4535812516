"""`sklad-edge rejoin`: the way back for a fenced node (its ledger was restored from a backup or
cloned, and central refuses its history).

The node starts a new epoch: it sends central its stock as the ledger holds it now (on hand per
SKU over every location) and the last movement seq it was read at, in one read transaction.
Central takes that stock, records each difference from its own view as a `rejoin`
discrepancy (GET /admin/discrepancies) and applies the new epoch's movements after that seq.
Only once central has answered does the ledger take the new epoch; run again after a crash,
central recognises the same rejoin and answers it as a replay. Restart the node afterwards.
"""

from __future__ import annotations

from edge.config import WarehouseConfig
from edge.errors import ConfigError
from edge.ledger.database import connect
from edge.ledger.stock_split import stock_split
from edge.sync_bridge import ACKED, node_identity
from edge.sync_monitor import PROBLEM, STATE
from sync.client import CentralClient
from sync.rejoin import RejoinAck, RejoinRequest


def stock_as_it_stands(path) -> tuple[int, dict[str, tuple[int, int]]]:
    """(last movement seq, (on hand, unsellable) per SKU), read in one transaction."""
    conn = connect(path)
    try:
        conn.execute("BEGIN")
        last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM movements").fetchone()[0]
        split = stock_split(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return last, split


def rejoin(cfg: WarehouseConfig, reason: str) -> RejoinAck:
    if not cfg.central_url or not cfg.sync_token:
        raise ConfigError(str(cfg.source), "[central] url and token", "a central to rejoin")
    node_id, epoch = node_identity(cfg.ledger_path)
    from_seq, split = stock_as_it_stands(cfg.ledger_path)
    client = CentralClient(cfg.central_url, cfg.id, cfg.sync_token, read_timeout=cfg.sync_timeout_s)
    ack = client.rejoin(RejoinRequest(
        node_id=node_id, epoch=epoch + 1, from_seq=from_seq, on_hand={sku: q for sku, (q, _) in split.items()},
        unsellable={sku: u for sku, (_, u) in split.items() if u}, reason=reason))
    conn = connect(cfg.ledger_path)
    try:
        conn.executemany("INSERT INTO sync_state(name, value) VALUES (?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                         [("node_epoch", str(ack.epoch)), (ACKED, str(ack.last_seq)), (STATE, "rejoined"),
                          (PROBLEM, "")])
    finally:
        conn.close()
    return ack
