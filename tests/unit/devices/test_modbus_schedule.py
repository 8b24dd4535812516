"""Which poll a link runs next: live grids first, DOWN probes only in gaps, a starving probe goes
anyway; and the device limits a profile or device declaration sets."""

from __future__ import annotations

import pytest

from devices.modbus import ConfigError, DeviceConfig, ProfileError, State, TcpTransport, load_profile, parse_profile
from devices.modbus.device import DeviceRuntime
from devices.modbus.schedule import next_poll


def device(name: str, start: float = 0.0, **kw) -> DeviceRuntime:
    cfg = DeviceConfig(name, load_profile("scale"), TcpTransport("10.0.0.9", 502), timeout=0.2,
                       poll_periods={"fast": 0.1, "slow": 1.0}, **kw)
    return DeviceRuntime(cfg, start)


def kill(d: DeviceRuntime, now: float) -> None:
    for _ in range(d.config.down_after):
        d.health.failure(now, "no answer")
    assert d.health.state is State.DOWN


def test_live_grids_earliest_first():
    a, b = device("a", 0.05), device("b", 0.02)
    chosen = next_poll([a, b], now=0.0)
    assert (chosen.device.name, chosen.due, chosen.probe) == ("b", 0.02, False)


def test_a_probe_waits_for_a_gap_long_enough_to_time_out_in():
    live, dead = device("live", 10.0), device("dead")
    kill(dead, 9.0)  # probe at 9.5
    # The live poll is due in 0.1 s, the probe may take 0.2 s: the live poll comes first.
    assert next_poll([live, dead], now=9.9).device.name == "live"
    live.groups[0].next_due = live.groups[1].next_due = 10.5
    chosen = next_poll([live, dead], now=10.1)  # now a 0.4 s gap
    assert (chosen.device.name, chosen.probe, chosen.due) == ("dead", True, 9.5)
    assert next_poll([live, dead], now=10.1, guard=0.3).device.name == "live"  # RTU guard counts


def test_a_probe_that_never_finds_a_gap_goes_after_waiting_its_cap():
    live, dead = device("live", 0.0), device("dead", backoff_max=1.5)
    kill(dead, 0.0)  # probe at 0.5
    live.groups[0].next_due = 1.9  # the link runs late: the live poll is always due
    assert next_poll([live, dead], now=1.9).device.name == "live"
    assert next_poll([live, dead], now=2.0).device.name == "dead"  # waited 1.5 s past 0.5


def test_an_upcoming_probe_is_waited_for_when_it_comes_first():
    live, dead = device("live", 5.0), device("dead")
    kill(dead, 0.0)
    chosen = next_poll([live, dead], now=0.1)
    assert (chosen.device.name, chosen.due) == ("dead", 0.5)


def test_probe_cap_from_profile_device_or_default():
    scale = load_profile("scale")
    assert scale.backoff_max == 2.0 and scale.max_read_registers == 125
    assert DeviceRuntime(DeviceConfig("s", scale, TcpTransport("h")), 0).health.backoff_max == 2.0
    raw = {"name": "slow-plc", "backoff_max": 4, "max_read_registers": 32,
           "points": {"a": {"table": "holding", "address": 0, "type": "uint16", "poll": "p"}},
           "poll_groups": {"p": 1.0}}
    profile = parse_profile(raw)
    assert DeviceConfig("p", profile, TcpTransport("h")).probe_cap == 4
    assert DeviceConfig("p", profile, TcpTransport("h"), backoff_max=0.5).probe_cap == 0.5
    with pytest.raises(ConfigError, match="backoff_max"):
        DeviceConfig("p", profile, TcpTransport("h"), backoff_max=0)


@pytest.mark.parametrize(("change", "message"), [
    ({"max_read_registers": 0}, "max_read_registers must be a whole number 1..125"),
    ({"max_read_registers": 126}, "max_read_registers must be a whole number 1..125"),
    ({"backoff_max": "soon"}, "backoff_max must be seconds > 0"),
    ({"max_read_registers": 4,
      "points": {"s": {"table": "input", "address": 0, "type": "string", "length": 5}}},
     "points.s takes 5 registers, more than one request may read"),
])
def test_bad_device_limits_are_refused_with_the_key(change, message):
    raw = {"name": "x", "points": {"a": {"table": "holding", "address": 0, "type": "uint16"}}} | change
    with pytest.raises(ProfileError, match=message):
        parse_profile(raw, source="x.toml")
