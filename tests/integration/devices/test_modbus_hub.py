"""ModbusHub against the simulators over real TCP sockets and an RTU pty bus."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
from device_helpers import drain, wait_until

from devices.modbus import (
    DeviceConfig,
    DeviceException,
    DeviceStateChanged,
    ModbusHub,
    NotWritable,
    PointChanged,
    RtuTransport,
    State,
    TcpTransport,
    UnknownDevice,
    load_profile,
)
from simulators.modbus.faults import Faults
from simulators.modbus.models import PutToLightSim, ScaleSim, SorterSim


def tcp(name: str, profile: str, port: int, **kw) -> DeviceConfig:
    return DeviceConfig(name, load_profile(profile), TcpTransport("127.0.0.1", port), **kw)


def changes(events: list, device: str, point: str) -> list:
    return [e.new for e in events if isinstance(e, PointChanged)
            and e.device == device and e.point == point]


async def test_sorter_divert_confirmed_after_transit_and_acknowledged(sim):
    port = await sim.serve_tcp(SorterSim("sorter-1", transit=0.3))
    async with ModbusHub([tcp("sorter-1", "sorter", port)]) as hub:
        await wait_until(lambda: hub.value("sorter-1", "running") is True, what="first poll")
        await hub.write_many("sorter-1", {"divert_tote": "T0001", "divert_chute": 7})
        await hub.write_many("sorter-1", {"divert_tote": "T0002", "divert_chute": 99})
        await wait_until(lambda: hub.value("sorter-1", "confirm_seq") == 1, what="divert 1")
        assert hub.value("sorter-1", "confirm_tote") == "T0001"
        assert hub.value("sorter-1", "confirm_chute") == 7
        await hub.write("sorter-1", "confirm_ack", 1)
        await wait_until(lambda: hub.value("sorter-1", "confirm_seq") == 2, what="divert 2")
        assert hub.value("sorter-1", "confirm_chute") == 0  # no chute 99: off the end
        assert hub.value("sorter-1", "entry_count") == 2
        assert hub.value("sorter-1", "exit_count") == 1
        await hub.write("sorter-1", "speed", 0.75)  # float32 setpoint, confirmed by readback
        assert hub.value("sorter-1", "speed") == 0.75
        events = drain(hub.events)
        assert changes(events, "sorter-1", "confirm_seq")[-2:] == [1, 2]


async def test_scale_and_put_to_light_commands(sim):
    scale, ptl = ScaleSim("scale-1", settle=0.1, seed=3), PutToLightSim("ptl-1")
    scale.place(2.5)
    devices = [tcp("scale-1", "scale", await sim.serve_tcp(scale)),
               tcp("ptl-1", "put_to_light", await sim.serve_tcp(ptl))]
    async with ModbusHub(devices) as hub:
        await wait_until(lambda: hub.value("scale-1", "stable"), what="scale settles")
        assert hub.value("scale-1", "weight") == pytest.approx(2.5, abs=0.005)
        await hub.write("scale-1", "tare", True)
        await wait_until(lambda: abs(hub.value("scale-1", "weight")) < 0.005, what="tare")
        await hub.write_many("ptl-1", {"display_qty": 4, "color": 2})
        await hub.write("ptl-1", "light", True)
        ptl.press(time.monotonic())
        await wait_until(lambda: hub.value("ptl-1", "confirm_count") == 1, what="press")
        assert hub.value("ptl-1", "confirmed_qty") == 4 and hub.value("ptl-1", "light") is False
        with pytest.raises(NotWritable, match="read-only"):
            await hub.write("ptl-1", "confirm_count", 0)
        with pytest.raises(UnknownDevice, match="no Modbus device 'ptl-9'"):
            await hub.write("ptl-9", "light", True)


async def test_exception_reply_names_device_point_and_function(sim):
    ptl = PutToLightSim("ptl-1")
    async with ModbusHub([tcp("ptl-1", "put_to_light", await sim.serve_tcp(ptl))]) as hub:
        await wait_until(lambda: hub.value("ptl-1", "light") is not None, what="first poll")
        ptl.faults = Faults.parse("exception:6")
        with pytest.raises(DeviceException) as info:
            await hub.write("ptl-1", "display_qty", 3)
        message = str(info.value)
        assert "ptl-1" in message and "display_qty" in message and "fc 6" in message
        assert "device busy" in message and info.value.code == 6
        await wait_until(lambda: hub.health()["ptl-1"].state is State.DOWN, what="DOWN")


async def test_link_outage_then_reconnect_resumes_polling(sim):
    scale = ScaleSim("scale-1")
    port = await sim.serve_tcp(scale)
    async with ModbusHub([tcp("scale-1", "scale", port, timeout=0.2)]) as hub:
        await wait_until(lambda: hub.health()["scale-1"].polls_ok > 3, what="polling")
        await sim.offline("scale-1")
        await wait_until(lambda: hub.health()["scale-1"].state is State.DOWN, what="DOWN")
        await sim.online("scale-1")
        before = hub.health()["scale-1"].polls_ok
        await wait_until(lambda: hub.health()["scale-1"].polls_ok > before + 5, timeout=8,
                         what="polling after the link returned")
        assert hub.health()["scale-1"].state is State.UP
        states = [(e.old, e.new) for e in drain(hub.events) if isinstance(e, DeviceStateChanged)]
        assert states[-1] == (State.DOWN, State.UP)


async def test_garbage_and_dropped_connections_are_survived(sim):
    scale = ScaleSim("scale-1")
    async with ModbusHub([tcp("scale-1", "scale", await sim.serve_tcp(scale))]) as hub:
        await wait_until(lambda: hub.health()["scale-1"].polls_ok > 2, what="polling")
        scale.faults = Faults.parse("garbage")
        await wait_until(lambda: hub.health()["scale-1"].error_count > 0, what="an error")
        scale.faults = Faults()
        sim.disconnect("scale-1")
        before = hub.health()["scale-1"].polls_ok
        await wait_until(lambda: hub.health()["scale-1"].polls_ok > before + 5, timeout=8,
                         what="polling after garbage and a dropped connection")


async def rates(hub: ModbusHub, names: list[str], seconds: float) -> dict[str, float]:
    start = {n: hub.health()[n].polls_ok for n in names}
    await asyncio.sleep(seconds)
    return {n: (hub.health()[n].polls_ok - start[n]) / seconds for n in names}


async def healed_within(hub: ModbusHub, name: str, seconds: float) -> float:
    """Seconds from now until `name` is UP and polled again; fails past `seconds`."""
    healed = time.monotonic()
    before = hub.health()[name].polls_ok
    await wait_until(lambda: hub.health()[name].state is State.UP and hub.health()[name].polls_ok > before + 1,
                     timeout=seconds, what=f"{name} back in service")
    return time.monotonic() - healed


@pytest.mark.slow
async def test_dead_device_on_shared_rtu_bus_costs_the_others_nothing_and_is_back_within_5_s(sim):
    scales = {u: ScaleSim(f"scale-{u}") for u in (1, 2, 3, 4)}
    path = await sim.serve_rtu(scales, baudrate=38400)
    # The default probe cap (2 s, from the profile): what a site gets without tuning.
    configs = [DeviceConfig(s.name, load_profile("scale"), RtuTransport(path, 38400), unit=u,
                            timeout=0.1, poll_periods={"fast": 0.2})
               for u, s in scales.items()]
    others = ["scale-2", "scale-3", "scale-4"]
    probes: list[float] = []
    hook = lambda device, _due, done, _ok: probes.append(done) if device == "scale-1" else None  # noqa: E731
    async with ModbusHub(configs, on_poll=hook) as hub:
        await asyncio.sleep(1.0)
        healthy = await rates(hub, others, 3.0)
        scales[1].faults = Faults.parse("timeout")
        await wait_until(lambda: hub.health()["scale-1"].state is State.DOWN, what="DOWN")
        await asyncio.sleep(0.4)  # polls held up by its last retries (DEGRADED) are done
        late = {n: hub.health()[n].polls_late for n in others}  # from now on its probes fit in gaps
        mark = len(probes)
        with_dead = await rates(hub, others, 6.0)  # long enough for its backoff to reach the cap
        gaps = [b - a for a, b in itertools.pairwise(probes[mark:])]
        assert len(gaps) >= 3 and max(gaps) <= 2.0 + 0.3, gaps  # probed at least every cap
        for name in others:
            assert with_dead[name] >= 0.9 * healthy[name], (name, healthy, with_dead)
            assert hub.health()[name].state is State.UP
            assert hub.health()[name].polls_late == late[name], name
        scales[1].faults = Faults()
        assert await healed_within(hub, "scale-1", 5.0) < 5.0


async def test_powered_off_tcp_device_is_back_within_5_s_of_coming_on(sim):
    scale = ScaleSim("scale-1")
    port = await sim.serve_tcp(scale)
    async with ModbusHub([tcp("scale-1", "scale", port, timeout=0.2)]) as hub:
        await wait_until(lambda: hub.health()["scale-1"].polls_ok > 3, what="polling")
        await sim.offline("scale-1")
        await wait_until(lambda: hub.health()["scale-1"].state is State.DOWN, what="DOWN")
        await asyncio.sleep(4.0)  # every reconnect backoff at its cap
        await sim.online("scale-1")
        assert await healed_within(hub, "scale-1", 5.0) < 5.0
