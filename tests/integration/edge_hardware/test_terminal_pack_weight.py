"""A handheld packing at a station with a scale gets the station's weight check: it is no way round it."""

from __future__ import annotations

import pytest
from hw_support import T00001_GRAMS, settle

from terminal_ui.client import TerminalClient, TerminalError

PACK = {"tote": "T00001", "shipment_id": "S1", "station": "PACK-01"}


@pytest.fixture
async def packer(floor):
    client = await TerminalClient(floor.node.server.router_endpoint, ctx=floor.node.ctx, timeout=5,
                                  retries=0).connect()
    await client.login("B2001")
    yield client
    await client.close()


async def test_a_handheld_pack_is_weighed_and_a_wrong_weight_packs_nothing(floor, packer):
    floor.sim.send("place scale-1 1.3")
    await settle(floor.node, 1300)
    with pytest.raises(TerminalError) as refused:
        await packer.call("pack", PACK, key="pack-a")
    assert refused.value.code == "conflict" and "expected 950 ± 30 g" in refused.value.message
    assert "exception" in refused.value.message
    with pytest.raises(TerminalError):
        await packer.call("pack", PACK, key="pack-b")  # tried again, still wrong: still one task
    assert floor.ledger("SELECT location, tote, state FROM tasks WHERE kind = 'exception'") == [
        ("PACK-01", "T00001", "open")]
    assert floor.ledger("SELECT COUNT(*) FROM movements WHERE kind = 'pack'") == [(0,)]
    floor.sim.send(f"place scale-1 {T00001_GRAMS / 1000}")  # the packer fixed the tote
    await settle(floor.node, T00001_GRAMS)
    done = await packer.call("pack", PACK, key="pack-c")
    assert done["units"] == 3 and done["weight"].endswith("expected 950 g: OK")
    again = await packer.call("pack", PACK, key="pack-c")  # a resend: the first answer, no second weighing
    assert again["replayed"] is True and again["units"] == 3
    assert floor.ledger("SELECT COUNT(*) FROM movements WHERE kind = 'pack'") == [(2,)]


async def test_a_station_without_a_scale_says_so(floor, packer):
    done = await packer.call("pack", {**PACK, "station": "PACK-02"})
    assert done["weight"] == "no scale at this station"
