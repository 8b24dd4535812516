"""Master control against what a broker can deliver: garbage, schema failures, strangers — each
logged once with the vehicle and the field, counted, and changing nothing; and a broker that goes
away and comes back."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import paho.mqtt.client as mqtt

from devices.robots.broker import EmbeddedBroker
from devices.robots.codec import Codec
from devices.robots.master import MasterControl
from devices.robots.mqtt import BrokerConfig
from devices.robots.topics import VehicleId
from devices.robots.versions import V2_1
from simulators.agv.payloads import StateView, state_body


def publisher(broker: BrokerConfig) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client


async def test_bad_messages_are_logged_once_and_change_nothing(mosquitto, floor, wait, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="devices.robots.master")
    async with floor(mosquitto, count=1, speedup=1) as f:
        master, vehicle = f.service.master, VehicleId("SkladSim", "agv-001")
        before = master.vehicles[vehicle].state
        topic = f"{f.interface}/v2/SkladSim/agv-001/state"
        stranger = Codec(f.interface).encode(VehicleId("Other", "x-1"), V2_1, "state",
                                             state_body(StateView(), V2_1), datetime.now(UTC))
        bad_schema = Codec(f.interface).encode(vehicle, V2_1, "state", state_body(StateView(), V2_1),
                                               datetime.now(UTC)).payload.replace(b'"driving":false',
                                                                                    b'"driving":"maybe"')
        client = publisher(mosquitto)
        try:
            for _ in range(2):  # the same faults twice: logged once each
                client.publish(topic, b"\x00\xffnot json", 0)
                client.publish(topic, bad_schema, 0)
                client.publish(stranger.topic, stranger.payload, 0)
            await wait(lambda: master.counts["bad"] >= 6, 5, "six bad messages counted")
        finally:
            client.loop_stop()
            client.disconnect()
        lines = [r.getMessage() for r in caplog.records if "ignored a" in r.getMessage()]
        assert len(lines) == 3, lines
        assert any("SkladSim/agv-001: payload: state is not JSON" in line for line in lines)
        assert any("SkladSim/agv-001: driving" in line for line in lines)
        assert any("Other/x-1" in line and "not in this fleet" in line for line in lines)
        assert VehicleId("Other", "x-1") not in master.vehicles
        state = master.vehicles[vehicle].state
        assert state.driving is False and state.header_id >= before.header_id  # still the vehicle's own


async def test_master_reconnects_when_the_broker_comes_back(port, wait) -> None:
    broker = EmbeddedBroker(port=port)
    await broker.start()
    master = MasterControl(Codec("t-reconnect"), BrokerConfig("127.0.0.1", port, min_backoff=1.0, max_backoff=2.0),
                           lambda v: True, lambda e: None)
    await master.start()
    try:
        await wait(master.connected.is_set, 5, "the first connection")
        await broker.stop()
        await wait(lambda: not master.connected.is_set(), 5, "the connection lost")
        await asyncio.sleep(0.5)
        broker = EmbeddedBroker(port=port)
        await broker.start()
        await wait(master.connected.is_set, 10, "the connection back")
    finally:
        await master.stop()
        await broker.stop()
