"""Put wall: an item scan lights the cubby of the shipment that needs it; the button confirms."""

from __future__ import annotations

from hw_support import MUG_GTIN, wait_for


async def test_put_to_light_shows_the_quantity_and_the_button_confirms(floor):
    floor.scan("wall-1", MUG_GTIN)
    shown = await floor.wait_event("PutShown")
    assert shown == {"wall": "wall-1", "light": "ptl-1", "tote": "T00701", "shipment_id": "S2",
                     "sku": "MUG", "qty": 3}
    modbus = floor.node.devices.modbus
    await wait_for(lambda: modbus.value("ptl-1", "light") is True and modbus.value("ptl-1", "display_qty") == 3,
                   what="the light shows 3")
    floor.sim.send("press ptl-1")
    confirmed = await floor.wait_event("PutConfirmed")
    assert confirmed == {"wall": "wall-1", "light": "ptl-1", "tote": "T00701", "shipment_id": "S2",
                         "sku": "MUG", "qty": 3}
    assert modbus.value("ptl-1", "light") is False
    floor.scan("wall-1", MUG_GTIN)  # all three are in the cubby now
    refused = await floor.wait_event("PutRefused", code=MUG_GTIN)
    assert refused["reason"] == "no cubby on wall wall-1 needs MUG: set it aside for the supervisor"
    floor.scan("wall-1", "XYZ-1")
    refused = await floor.wait_event("PutRefused", code="XYZ-1")
    assert refused["reason"] == "'XYZ-1' is not in the catalog: scan the item barcode"
    assert floor.seen("DevicePointChanged", device="ptl-1", point="confirm_count", new=1)
