"""The real edge pieces against a real `sklad-central serve`: a seeded edge ledger uploads
through LedgerOutbox + SyncAgent + CentralClient, and reads its feed over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from support_central import levels
from support_serve import serving

from central.bootstrap import Central
from central.services.catalog import Site, SkuRecord, set_warehouse_token, upsert_skus, upsert_warehouse
from edge.config import load_config
from edge.ledger.database import connect
from edge.seeding import seed
from edge.sync_bridge import LedgerOutbox, node_identity
from sync.agent import SyncAgent
from sync.client import AuthRefused, CentralClient

pytestmark = pytest.mark.e2e
SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"
TOKEN = "edge-sync-token-0123456789abcdef-0123456789"


@pytest.fixture
def edge_cfg(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = replace(load_config(SAMPLE), ledger_path=tmp_path / "ledger.db")
    assert not seed(cfg, skus=3, units=5)["failed"]  # receive + put away, through the real commands
    return cfg


@pytest.fixture
def central_url(central: Central, db_url: str, edge_cfg, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    upsert_skus(central, [SkuRecord(f"SKU-{n:06d}", "seller-1", f"Sample product {n}", (), 150, 100, 100, 100,
                                    False, 100_00) for n in range(1, 4)])
    upsert_warehouse(central, Site(edge_cfg.id, "Moscow FC 1", 55.7, 37.6))
    set_warehouse_token(central, edge_cfg.id, TOKEN)
    with serving(db_url, tmp_path / "serve.log") as base:
        yield base


def agent_for(cfg, base: str, token: str = TOKEN) -> tuple[SyncAgent, LedgerOutbox]:  # type: ignore[no-untyped-def]
    node_id, epoch = node_identity(cfg.ledger_path)
    outbox = LedgerOutbox(connect(cfg.ledger_path))
    client = CentralClient(base, cfg.id, token, read_timeout=10)
    return SyncAgent(client, outbox, None, cfg.id, node_id, epoch, batch_max=4), outbox  # type: ignore[arg-type]


def test_edge_ledger_catches_up_and_replays_are_harmless(central_url: str, central: Central, edge_cfg) -> None:  # type: ignore[no-untyped-def]
    agent, outbox = agent_for(edge_cfg, central_url)
    last = outbox.last_seq()
    assert last == 6  # three SKUs received and put away
    while agent.upload_once():
        if outbox.acked_seq() == last:
            break
    assert outbox.acked_seq() == last
    assert agent.status.uploaded == last
    for n in range(1, 4):
        assert levels(central, f"SKU-{n:06d}") == {edge_cfg.id: (5, 0)}
    outbox.record_ack(0)  # a lost ack: the whole history is sent again and acknowledged as replays
    while outbox.acked_seq() < last:
        agent.upload_once()
    assert agent.status.uploaded == last
    assert agent.client.cursor() == {"node_id": agent.node_id, "epoch": agent.epoch, "last_seq": last}


def test_feed_and_a_wrong_token_over_http(central_url: str, edge_cfg) -> None:  # type: ignore[no-untyped-def]
    agent, _ = agent_for(edge_cfg, central_url)
    entries, last = agent.client.feed(0, limit=10, wait=5)
    assert [e.command.type for e in entries] == ["catalog_upsert"] * 3 and last == 3
    assert agent.client.feed(3, wait=0.3) == ([], 3)
    stranger, _ = agent_for(edge_cfg, central_url, token="not-this-warehouses-token-0123456789")
    with pytest.raises(AuthRefused):
        stranger.upload_once()
