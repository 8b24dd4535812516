"""SSCC, the ZPL shipment label, the Zebra host status and the printer's ZPL stream: pure."""

from __future__ import annotations

import pytest
from biip import parse
from biip.sscc import Sscc
from hypothesis import given
from hypothesis import strategies as st

from devices.printers import (
    HostStatus,
    LabelError,
    PrinterGarbage,
    ShipmentLabel,
    build_sscc,
    decode_host_status,
    encode_host_status,
    max_serial,
    render,
    sscc_from_scan,
)
from simulators.printer.stream import LabelFormat, StatusQuery, ZplStream, scanned_barcodes


def test_sscc_of_the_gs1_example_and_its_check_digit():
    assert build_sscc(1, "0614141", 123456789) == "106141411234567897"
    assert max_serial("4601234") == 999_999_999 and max_serial("460123456789") == 9999


@given(st.integers(0, 9), st.sampled_from(["4601234", "46012345", "460123456789"]), st.data())
def test_every_sscc_is_valid_for_biip_and_unique_per_serial(extension, prefix, data):
    serials = data.draw(st.sets(st.integers(0, max_serial(prefix)), min_size=2, max_size=5))
    codes = {build_sscc(extension, prefix, s) for s in serials}
    assert len(codes) == len(serials)
    for code in codes:
        parsed = Sscc.parse(code)  # raises on a wrong check digit
        assert parsed.extension_digit == extension and parsed.value.startswith(f"{extension}{prefix}")


@pytest.mark.parametrize(("args", "message"), [
    ((1, "12345", 1), "must be 6 to 12 digits"),
    ((1, "46O1234", 1), "must be 6 to 12 digits"),
    ((10, "4601234", 1), "extension digit must be 0..9"),
    ((1, "4601234", 10**9), "every serial of extension digit 1 is used"),
    ((1, "4601234", -1), "outside 0..999999999"),
])
def test_sscc_refuses_what_cannot_be_an_sscc(args, message):
    with pytest.raises(LabelError, match=message):
        build_sscc(*args)


@pytest.mark.parametrize(("scan", "sscc"), [
    ("106141411234567897", "106141411234567897"),
    ("]C100106141411234567897", "106141411234567897"),
    ("00106141411234567897", "106141411234567897"),
    ("(00) 106141411234567897", "106141411234567897"),
    ("106141411234567898", None),  # wrong check digit
    ("SHP-1", None),
    ("]C101046012345678917", None),  # a GTIN, not an SSCC
    ("", None),
])
def test_sscc_from_a_scan(scan, sscc):
    assert sscc_from_scan(scan) == sscc


def label(**changes) -> ShipmentLabel:
    base = dict(sscc=build_sscc(1, "4601234", 42), shipment_id="SHP-9", order_id="ORD-7",
                warehouse="WH-MSK-1 Moscow", pickup_point="PVZ-MSK-0012", route="R-3", stop=5)
    return ShipmentLabel(**(base | changes))


def test_label_barcode_reads_back_as_the_sscc():
    zpl = render(label())
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    [barcode] = scanned_barcodes(zpl)
    assert parse(barcode).gs1_message.element_strings[0].sscc.value == label().sscc
    for text in ("PVZ-MSK-0012", "ROUTE R-3  STOP 5", "ORDER ORD-7", "SHIPMENT SHP-9", f"(00) {label().sscc}"):
        assert text in zpl


def test_a_long_route_id_fits_the_label_and_the_van_is_printed_large():
    route = "rt-" + "f" * 61  # the longest id central sends
    zpl = render(label(route=route, vehicle="van-12"))
    [small] = [line for line in zpl.splitlines() if "ROUTE" in line]
    height = int(small.split("^A0N,")[1].split(",")[0])
    # ^A0 glyphs are at most about 0.75 of their height wide: the line stays inside 4 inches.
    assert 40 + 0.75 * height * len(f"ROUTE {route}  STOP 5") <= 812 - 40 and height >= 12
    assert "^A0N,50,50^FH_^FDvan-12  STOP 5^FS" in zpl


def test_label_text_cannot_inject_zpl_and_keeps_unicode():
    zpl = render(label(order_id="^XZ~JR", pickup_point="ПВЗ Тверская", route=None))
    assert zpl.count("^XZ") == 1 and "~JR" not in zpl and "ROUTE" not in zpl
    assert "_5EXZ_7EJR" in zpl and "_D0_9F" in zpl  # ^ ~ and UTF-8 as ^FH hex escapes
    with pytest.raises(LabelError, match="18 digits"):
        label(sscc="12345")


def test_host_status_whole_split_and_garbage():
    status = HostStatus(paper_out=True, head_open=True, formats_waiting=2)
    raw = encode_host_status(status)
    assert decode_host_status(raw, "p") == status
    assert status.problems == ("is out of paper: load a new roll of labels", "has its print head open: close the head")
    for i in range(len(raw) - 2):  # byte by byte: nothing until the last string's ETX
        assert decode_host_status(raw[:i], "p") is None
    assert decode_host_status(encode_host_status(HostStatus()), "p").ready
    for noise in (b"\x00garbage\x03", b"\x02a,b,c\x03\r\n\x02x\x03\r\n\x02y\x03\r\n", b"\x02" + b"1" * 600):
        with pytest.raises(PrinterGarbage, match="label printer p"):
            decode_host_status(noise, "p")


def test_printer_stream_whole_byte_by_byte_and_with_noise():
    data = b"junk~HS\r\n^XA^FDone^FS^XZ\x00\xff^XA^FDtwo^FS^XZ~HS"
    expected = [StatusQuery(), LabelFormat("^XA^FDone^FS^XZ"), LabelFormat("^XA^FDtwo^FS^XZ"), StatusQuery()]
    assert ZplStream().feed(data) == expected
    stream = ZplStream()
    assert [item for b in data for item in stream.feed(bytes([b]))] == expected
