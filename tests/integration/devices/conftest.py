"""Fixtures for device integration tests: a Modbus simulator server per test."""

from __future__ import annotations

import pytest

from simulators.modbus.server import SimServer


@pytest.fixture
async def sim():
    server = SimServer("127.0.0.1")
    yield server
    await server.stop()
