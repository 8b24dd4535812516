"""Put wall through the real Modbus simulator: the batch tote scanned at the wall takes the free
cubbies, an item scan lights the cubby of the shipment that needs it, and the button confirms the
put as a ledger movement tote -> cubby; a cubby is then packed like a tote."""

from __future__ import annotations

from hw_support import MUG_GTIN, wait_for

from edge.domain import batch_commands as b
from edge.domain import commands as c
from edge.ledger.database import connect
from edge.ledger.verify import verify
from sync import feed as f


async def run(floor, cmd) -> dict:
    outcome = await floor.node.writer.execute(cmd)
    assert outcome.ok, outcome.message
    return outcome.result


async def picked_batch(floor) -> None:
    """S3 (MUG x2) and S4 (TEA + MUG) picked by B1001 into the one batch tote T00050."""
    await run(floor, c.AllocateShipment("alloc-S3", "S3", "O3", (c.OrderLine("MUG", 2),)))
    await run(floor, c.AllocateShipment("alloc-S4", "S4", "O4", (c.OrderLine("TEA", 1), c.OrderLine("MUG", 1))))
    started = await run(floor, b.StartBatch("batch", "put_wall", operator="B1001", tote="T00050", size=2))
    assert set(started["totes"]) == {"S3", "S4"}
    for tid, loc, sku, qty in floor.ledger("SELECT id, location, sku, qty FROM tasks WHERE shipment_id IN "
                                           "('S3', 'S4') ORDER BY path_seq, id"):
        await run(floor, b.BatchPick(f"bp-{tid}", tid, loc, sku, "T00050", qty, operator="B1001"))


async def put_with_light(floor, code: str, light: str, qty: int, nth: int) -> dict:
    floor.scan("wall-1", code)
    await wait_for(lambda: len(floor.seen("PutShown", light=light)) >= nth, what=f"{light} lit")
    modbus = floor.node.devices.modbus
    await wait_for(lambda: modbus.value(light, "light") is True and modbus.value(light, "display_qty") == qty,
                   what=f"{light} shows {qty}")
    floor.sim.send(f"press {light}")
    await wait_for(lambda: len(floor.seen("PutConfirmed", light=light)) >= nth, what=f"{light} confirmed")
    return floor.seen("PutConfirmed", light=light)[nth - 1]["data"]


async def test_the_button_confirms_the_put_into_the_ledger(floor):
    floor.scan("wall-1", MUG_GTIN)  # no batch tote yet
    refused = await floor.wait_event("PutRefused", code=MUG_GTIN)
    assert refused["reason"] == "scan the batch tote at wall wall-1 first, then its items"
    await picked_batch(floor)
    floor.scan("wall-1", "T00001")  # a single order's tote: not a batch
    refused = await floor.wait_event("PutRefused", code="T00001")
    assert refused["reason"] == "tote T00001 is not the tote of a put-wall batch: scan the batch tote"
    floor.scan("wall-1", "T00050")
    assigned = await floor.wait_event("CubbiesAssigned")
    assert assigned["cubbies"] == {"S3": "PW1-01", "S4": "PW1-02"}
    confirmed = await put_with_light(floor, MUG_GTIN, "ptl-1", 2, 1)
    assert confirmed == {"wall": "wall-1", "light": "ptl-1", "tote": "T00050", "cubby": "PW1-01",
                         "shipment_id": "S3", "sku": "MUG", "qty": 2}
    assert floor.ledger("SELECT kind, from_location, to_location, shipment_ref, qty FROM movements "
                        "WHERE to_location = 'PW1-01'") == [("move", "T00050", "PW1-01", "S3", 2)]
    assert floor.ledger("SELECT on_hand FROM balances WHERE sku = 'MUG' AND location = 'PW1-01'") == [(2,)]

    # A put into the wrong cubby (a handheld at the wall) is refused by name and changes nothing.
    before = floor.ledger("SELECT COUNT(*) FROM movements")
    wrong = await floor.node.writer.execute(b.ConfirmPut("put-wrong", "T00050", "PW1-01", "TEA", 1))
    assert wrong.message == "this unit goes to cubby PW1-02 (shipment S4), not PW1-01"
    assert floor.ledger("SELECT COUNT(*) FROM movements") == before

    await put_with_light(floor, "TEA", "ptl-2", 1, 1)
    await put_with_light(floor, MUG_GTIN, "ptl-2", 1, 2)
    assert floor.ledger("SELECT state FROM batches") == [("done",)]
    floor.scan("wall-1", MUG_GTIN)  # the tote is empty: the wall waits for the next one
    await wait_for(lambda: len(floor.seen("PutRefused", code=MUG_GTIN)) == 2, what="a second refusal")
    assert floor.node.devices.modbus.value("ptl-1", "light") is False

    packed = await run(floor, c.Pack("pack-S4", "PW1-02", "S4", "PACK-01", operator="B1001"))
    assert packed["units"] == 2
    held = floor.ledger("SELECT location, on_hand FROM balances WHERE location LIKE 'PW1-%' AND on_hand > 0")
    assert held == [("PW1-01", 2)]  # S3's cubby holds its mugs until it is packed
    conn = connect(floor.node.cfg.ledger_path)
    try:
        report = verify(conn)
    finally:
        conn.close()
    assert report.ok, report.render()


async def test_a_cubby_whose_shipment_was_cancelled_refuses_the_put_and_its_light_shows_it(floor):
    """S4 is cancelled through the feed while its cubby is lit: the press is refused by name, the
    module turns red with 0 until acknowledged; a unit only S4 wanted lights nothing."""
    await picked_batch(floor)
    floor.scan("wall-1", "T00050")
    await floor.wait_event("CubbiesAssigned")
    floor.scan("wall-1", "TEA")  # S4's: ptl-2 lights
    await wait_for(lambda: len(floor.seen("PutShown", light="ptl-2")) == 1, what="ptl-2 lit")
    await run(floor, c.ApplyFeedEntry("feed:1", 1, f.CancelShipment(shipment_id="S4", order_id="O4",
                                                                    reason="customer")))
    modbus = floor.node.devices.modbus
    await wait_for(lambda: modbus.value("ptl-2", "light") is True, what="ptl-2 still lit")
    floor.sim.send("press ptl-2")
    refused = await floor.wait_event("PutRefused", code="TEA")
    assert refused["reason"] == "shipment S4 was cancelled — cubby PW1-02 is closed: put the item in the put-back tote"
    await wait_for(lambda: modbus.value("ptl-2", "light") is True and modbus.value("ptl-2", "color") == 1
                   and modbus.value("ptl-2", "display_qty") == 0, what="ptl-2 red with 0")
    floor.sim.send("press ptl-2")  # acknowledged: dark, and no second refusal
    await wait_for(lambda: modbus.value("ptl-2", "light") is False, what="ptl-2 dark")

    floor.scan("wall-1", "TEA")  # nobody left wants tea: the put-back tote
    await wait_for(lambda: len(floor.seen("PutRefused", code="TEA")) == 2, what="a refusal for the tea")
    assert floor.seen("PutRefused", code="TEA")[1]["data"]["reason"] == (
        "shipment S4 was cancelled — put the item in the put-back tote")
    await put_with_light(floor, MUG_GTIN, "ptl-1", 2, 1)  # S3 goes on: the tote empties, the batch is done
    assert floor.ledger("SELECT state FROM batches") == [("done",)]
    assert len(floor.seen("PutRefused", code="PW1-02")) == 0  # the acknowledgement was no refusal
    conn = connect(floor.node.cfg.ledger_path)
    try:
        report = verify(conn)
    finally:
        conn.close()
    assert report.ok, report.render()
