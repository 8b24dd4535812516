"""CurveZMQ: a listed handheld talks to the node; one with an unknown key never gets an answer."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from edge.config import Terminal
from edge.runtime import build_node
from edge.terminal.curve import generate_keypair, public_of
from terminal_ui.client import TerminalClient


@pytest.fixture
def keys():
    node_public, node_secret = generate_keypair()
    return node_public, node_secret, generate_keypair(), generate_keypair()


async def test_only_listed_terminals_are_served(sample_config, tmp_path, keys):
    node_public, node_secret, (known_pub, known_sec), (stranger_pub, stranger_sec) = keys
    assert public_of(node_secret) == node_public
    cfg = dataclasses.replace(sample_config, ledger_path=tmp_path / "ledger.db", router_endpoint="tcp://127.0.0.1:0",
                              pub_endpoint="tcp://127.0.0.1:0", metrics_port=None, central_url=None,
                              curve_secret_key=node_secret, terminals=(Terminal("HT-01", known_pub),))
    node = await build_node(cfg)
    serving = asyncio.create_task(node.server.serve())
    endpoint = node.server.router_endpoint
    known = await TerminalClient(endpoint, timeout=3, retries=0, curve=(node_public, known_pub, known_sec)).connect()
    stranger = await TerminalClient(endpoint, timeout=1, retries=0,
                                    curve=(node_public, stranger_pub, stranger_sec)).connect()
    plain = await TerminalClient(endpoint, timeout=1, retries=0).connect()
    try:
        assert (await known.call("hello"))["warehouse"] == cfg.id
        with pytest.raises(TimeoutError):
            await stranger.call("hello")
        with pytest.raises(TimeoutError):
            await plain.call("hello")
    finally:
        for client in (known, stranger, plain):
            await client.close()
        serving.cancel()
        await node.close()
