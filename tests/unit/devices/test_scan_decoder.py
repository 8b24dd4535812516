"""The scanner decoder: whole, split in halves, byte by byte, with noise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.scanner import (
    AimMode,
    BadGs1Data,
    FrameCutOff,
    FrameTooLong,
    GarbledFrame,
    MissingAffix,
    ScanDecoder,
    ScanError,
    ScanEvent,
    ScannerConfig,
    ScannerConfigError,
)

GS = "\x1d"
GS1_128 = f"]C10109506000134352172512311012A34{GS}2112345{GS}3103001250"
SSCC = "]C100106141411234567897"
EAN = "]E05901234123457"
BARCODES = [GS1_128, SSCC, EAN, "]Q1https://example.test/x?y=1", "LOC-A-12-03-2", "]d2" + GS1_128[3:]]

printable = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)
noise = st.binary(min_size=1, max_size=30).map(
    lambda b: bytes(x for x in b if x not in b"\r\n" and (x < 0x20 or x > 0x7E)) or b"\x00"
)


def stream(barcodes: list[str], term: bytes = b"\r\n") -> bytes:
    return b"".join(b.encode() + term for b in barcodes)


def decode(data: bytes, chunks: list[int] | None = None, config: ScannerConfig | None = None):
    decoder = ScanDecoder(config, scan_point="pack-1")
    out = []
    if chunks is None:
        return decoder.feed(data)
    pos = 0
    for size in chunks:
        out += decoder.feed(data[pos:pos + size])
        pos += size
    return out + decoder.feed(data[pos:])


def scans(items) -> list[str]:
    return [i.aim + i.data for i in items if isinstance(i, ScanEvent)]


def test_gs1_128_fields():
    [event] = decode(stream([GS1_128]))
    assert event.symbology == "GS1_128" and event.aim == "]C1"
    assert event.scan_point == "pack-1"
    gs1 = event.gs1
    assert gs1.gtin == "09506000134352" and gs1.lot == "12A34" and gs1.serial == "12345"
    assert gs1.expiry == dt.date(2025, 12, 31) and gs1.net_weight_kg == Decimal("1.250")


def test_sscc_ean_datamatrix_and_plain():
    items = decode(stream(BARCODES))
    assert scans(items) == BARCODES
    assert items[1].gs1.sscc == "106141411234567897"
    assert items[2].symbology == "EAN_13" and items[2].gs1.gtin == "5901234123457"
    assert items[3].symbology == "QR_CODE" and items[3].gs1 is None
    assert items[4].symbology == "" and items[4].gs1 is None
    assert items[5].symbology == "GS1_DATAMATRIX" and items[5].gs1.lot == "12A34"


def test_leading_fnc1_without_aim_is_gs1():
    [event] = decode(stream([GS + "0109506000134352" + "10LOT7"]))
    assert event.gs1.gtin == "09506000134352" and event.gs1.lot == "LOT7"


@pytest.mark.parametrize("bad", ["]E05901234123458", "]C10109506000134353", "]C1hello"])
def test_bad_gs1_is_reported_not_raised(bad):
    [error] = decode(stream([bad]))
    assert isinstance(error, BadGs1Data) and "pack-1" in str(error)


def test_partial_input_gives_nothing():
    decoder = ScanDecoder()
    assert decoder.feed(EAN.encode()) == []
    assert decoder.pending == len(EAN)
    assert scans(decoder.feed(b"\r\n")) == [EAN]


def test_crlf_split_between_reads_gives_one_scan():
    decoder = ScanDecoder()
    assert scans(decoder.feed(b"ABC\r")) == ["ABC"]
    assert decoder.feed(b"\nDEF") == []


def test_frame_bound_then_resync():
    config = ScannerConfig(max_frame=32)
    data = b"x" * 100 + b"\r\n" + stream(["OK"])
    for chunks in (None, [1] * 102, [40, 40]):
        items = decode(data, chunks, config)
        assert [type(i) for i in items] == [FrameTooLong, ScanEvent], chunks
        assert "terminator" in str(items[0])


def test_prefix_suffix_stx_etx():
    config = ScannerConfig(prefix=b"\x02", suffix=b"#", terminators=(b"\x03",))
    data = b"\x02ABC#\x03junk\x02DEF#\x03\x02GHI\x03"
    items = decode(data, None, config)
    assert scans(items) == ["ABC", "DEF"]
    assert [type(i) for i in items] == [ScanEvent, GarbledFrame, ScanEvent, MissingAffix]


def test_lost_terminator_keeps_newest_frame():
    config = ScannerConfig(prefix=b"\x02", terminators=(b"\x03",))
    items = decode(b"\x02AB\x02CD\x03", None, config)
    assert [type(i) for i in items] == [GarbledFrame, ScanEvent] and items[1].data == "CD"


def test_aim_required_and_off():
    required = ScannerConfig(aim=AimMode.REQUIRED)
    assert isinstance(decode(stream(["ABC"]), None, required)[0], MissingAffix)
    off = ScannerConfig(aim=AimMode.OFF)
    [event] = decode(stream(["]C1ABC"]), None, off)
    assert event.data == "]C1ABC" and event.aim == ""


def test_flush_reports_cut_frame():
    decoder = ScanDecoder(scan_point="p")
    decoder.feed(b"59012")
    [cut] = decoder.flush(at=5.0)
    assert isinstance(cut, FrameCutOff) and cut.at == 5.0
    assert decoder.flush() == [] and scans(decoder.feed(stream([EAN]))) == [EAN]


def test_config_errors_are_actionable():
    with pytest.raises(ScannerConfigError, match="terminator"):
        ScannerConfig(terminators=())
    with pytest.raises(ScannerConfigError, match="aim must be one of"):
        ScannerConfig.from_mapping({"aim": "sometimes"})
    cfg = ScannerConfig.from_mapping({"prefix": "\\x02", "terminators": ["\\x03"]})
    assert cfg.prefix == b"\x02" and cfg.terminators == (b"\x03",)


@given(st.lists(st.sampled_from(BARCODES) | printable, min_size=1, max_size=8), st.data())
def test_any_split_gives_the_same_events(barcodes, data):
    raw = stream(barcodes)
    whole = decode(raw)
    half = decode(raw, [len(raw) // 2])
    bytewise = decode(raw, [1] * len(raw))
    cuts = data.draw(st.lists(st.integers(1, 20), max_size=30))
    assert whole == half == bytewise == decode(raw, cuts)
    assert len(whole) == len(barcodes)


@given(st.lists(st.sampled_from(BARCODES), min_size=1, max_size=6), st.lists(noise, max_size=6),
       st.sampled_from([b"\r\n", b"\r", b"\n"]))
def test_noise_bursts_never_hide_or_invent_scans(barcodes, bursts, term):
    parts = []
    for i, code in enumerate(barcodes):
        if i < len(bursts):
            parts.append(bursts[i] + term)
        parts.append(code.encode() + term)
    raw = b"".join(parts)
    for items in (decode(raw), decode(raw, [1] * len(raw))):
        assert scans(items) == barcodes
        errors = [i for i in items if isinstance(i, ScanError)]
        assert len(errors) == min(len(bursts), len(barcodes))
        assert all(isinstance(e, GarbledFrame) for e in errors)


@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise_and_stay_bounded(raw):
    decoder = ScanDecoder(ScannerConfig(max_frame=64))
    for i in range(0, len(raw), 7):
        decoder.feed(raw[i:i + 7])
        assert decoder.pending <= 64 + 2
