"""Fixtures for the TUI tests: a real node process per test on a copy of a seeded ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
import zmq.asyncio
from tui_support import NodeProcess, build_template, start_node

from terminal_ui.client import TerminalClient
from terminal_ui.handheld import HandheldApp


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("tui-template"))


@pytest.fixture
def node(template, tmp_path) -> NodeProcess:
    node = start_node(template, tmp_path)
    yield node
    node.stop()


@pytest.fixture
def handheld(node):
    """A handheld app on the node, its context closed afterwards."""
    contexts = []

    def make(endpoint: str | None = None, timeout: float = 1.5, sound: bool = True) -> HandheldApp:
        ctx = zmq.asyncio.Context()
        contexts.append(ctx)
        client = TerminalClient(endpoint or node.router, ctx=ctx, timeout=timeout, retries=None)
        return HandheldApp(client, sound=sound)

    yield make
    for ctx in contexts:
        ctx.destroy(linger=0)
