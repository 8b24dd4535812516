"""Registers <-> typed values, and profile validation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.modbus import (
    Point,
    PointType,
    ProfileError,
    Table,
    UnknownPoint,
    ValueOutOfRange,
    decode,
    encode,
    load_profile,
    parse_profile,
    shipped_profiles,
)


def point(ptype: PointType, **kw) -> Point:
    table = Table.COIL if ptype is PointType.BOOL else Table.HOLDING
    return Point("p", table, 0, ptype, **kw)


@pytest.mark.parametrize(("ptype", "kw", "value", "registers"), [
    (PointType.UINT16, {}, 0xBEEF, [0xBEEF]),
    (PointType.INT16, {}, -2, [0xFFFE]),
    (PointType.INT32, {}, -2, [0xFFFF, 0xFFFE]),
    (PointType.INT32, {"word_order": "little"}, -2, [0xFFFE, 0xFFFF]),
    (PointType.UINT32, {}, 0x12345678, [0x1234, 0x5678]),
    (PointType.UINT32, {"byte_order": "little"}, 0x12345678, [0x3412, 0x7856]),
    (PointType.UINT32, {"byte_order": "little", "word_order": "little"}, 0x12345678,
     [0x7856, 0x3412]),
    (PointType.FLOAT32, {}, 1.5, [0x3FC0, 0x0000]),
    (PointType.FLOAT32, {"word_order": "little"}, 1.5, [0x0000, 0x3FC0]),
    (PointType.INT32, {"scale": 0.001}, 1.25, [0, 1250]),
    (PointType.STRING, {"length": 3}, "T12", [0x5431, 0x3200, 0]),
    (PointType.STRING, {"length": 2, "byte_order": "little"}, "AB", [0x4241, 0]),
])
def test_known_layouts(ptype, kw, value, registers):
    p = point(ptype, **kw)
    assert encode(p, value) == registers
    assert decode(p, registers) == value


def test_bool_and_errors():
    coil = point(PointType.BOOL)
    assert encode(coil, True) == [True] and decode(coil, [False]) is False
    with pytest.raises(ValueOutOfRange, match="true or false"):
        encode(coil, 2)
    with pytest.raises(ValueOutOfRange, match=r"0\.\.65535"):
        encode(point(PointType.UINT16), 70000)
    with pytest.raises(ValueOutOfRange, match="holds 4 characters"):
        encode(point(PointType.STRING, length=2), "TOOLONG")
    with pytest.raises(ValueOutOfRange, match="takes a number"):
        encode(point(PointType.INT16), "7")


@given(st.sampled_from([PointType.INT16, PointType.UINT16, PointType.INT32, PointType.UINT32]),
       st.sampled_from(["big", "little"]), st.sampled_from(["big", "little"]), st.data())
def test_integer_round_trip(ptype, byte_order, word_order, data):
    bits = 16 if ptype in (PointType.INT16, PointType.UINT16) else 32
    signed = ptype in (PointType.INT16, PointType.INT32)
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    value = data.draw(st.integers(low, high))
    p = point(ptype, byte_order=byte_order, word_order=word_order)
    regs = encode(p, value)
    assert all(0 <= r <= 0xFFFF for r in regs) and decode(p, regs) == value


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_float32_round_trip(value):
    p = point(PointType.FLOAT32, word_order="little")
    assert math.isclose(decode(p, encode(p, value)), value, rel_tol=1e-6, abs_tol=1e-6)


def test_shipped_profiles_load():
    assert shipped_profiles() == ["put_to_light", "scale", "sorter"]
    sorter = load_profile("sorter")
    assert sorter.point("divert_chute").writable and sorter.poll_groups["fast"] == 0.1
    with pytest.raises(UnknownPoint, match="no point 'nope'"):
        sorter.point("nope")
    with pytest.raises(ProfileError, match="no shipped profile"):
        load_profile("toaster")


@pytest.mark.parametrize(("body", "message"), [
    ({"points": {"a": {"table": "input", "address": 0, "type": "uint16"}}}, "name is required"),
    ({"name": "x", "points": {"a": {"table": "bogus", "address": 0}}}, "table 'bogus'"),
    ({"name": "x", "points": {"a": {"table": "input", "address": 0, "type": "uint16",
                                    "writable": True}}}, "only coils and holding"),
    ({"name": "x", "points": {"a": {"table": "input", "address": 0, "type": "int32"},
                              "b": {"table": "input", "address": 1, "type": "uint16"}}},
     "overlap"),
    ({"name": "x", "points": {"a": {"table": "input", "address": 0, "type": "string"}}},
     "needs length"),
    ({"name": "x", "points": {"a": {"table": "input", "address": 0, "type": "uint16",
                                    "poll": "fast"}}}, "poll group 'fast'"),
    ({"name": "x", "points": {"a": {"table": "coil", "address": 0, "colour": 1}}},
     "unknown keys"),
])
def test_profile_errors_name_the_key(body, message):
    with pytest.raises(ProfileError, match=message) as info:
        parse_profile(body, source="site.toml")
    assert "site.toml" in str(info.value)
