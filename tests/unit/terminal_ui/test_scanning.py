"""The handheld's key buffer and scan decoding: pure, no terminal."""

from __future__ import annotations

import datetime as dt

import pytest

from terminal_ui.scanning import Command, Entry, KeyBuffer, Unreadable, matches

MUG = "4600000000015"


def type_(buf: KeyBuffer, text: str) -> list:
    out = []
    for ch in text:
        key = {"\r": "enter", "\n": "ctrl+j", "\x1b": "escape", "\x7f": "backspace"}.get(ch, ch)
        out += buf.key(key, ch if key == ch else None)
    return out


@pytest.mark.parametrize("terminator", ["\r", "\n", "\r\n"])
def test_each_terminator_ends_one_scan_and_nothing_else(terminator):
    buf = KeyBuffer()
    assert type_(buf, f"{MUG}{terminator}A-01-01{terminator}") == [Entry(MUG), Entry("A-01-01")]


def test_a_person_pressing_enter_twice_gets_two_enters():
    buf = KeyBuffer()
    assert type_(buf, "\r\r") == [Command("enter"), Command("enter")]
    assert type_(buf, "12\r\n\n") == [Entry("12"), Command("enter")]  # CR LF, then a real LF-Enter


def test_keyed_numbers_backspace_and_commands():
    buf = KeyBuffer()
    assert type_(buf, "15\x7f2\r") == [Entry("12")]
    assert Entry("12").number == 12 and Entry(MUG).number is None and Entry("A1").number is None
    assert type_(buf, "99\x1b") == [Command("escape")]  # Esc drops what was typed
    assert buf.pending == "" and buf.key("f2", None) == [Command("f2")]


def test_garbage_and_a_burst_without_terminator():
    buf = KeyBuffer(max_frame=64)
    (garbled,) = type_(buf, "AB\x01C\r")
    assert isinstance(garbled, Unreadable) and "control byte 0x01" in garbled.message
    (long,) = type_(buf, "x" * 4096 + "\r")
    assert isinstance(long, Unreadable) and "longer than 64" in long.message
    assert type_(buf, f"{MUG}\r") == [Entry(MUG)]  # and the next scan reads clean


def test_gs1_element_strings():
    buf = KeyBuffer()
    (entry,) = type_(buf, f"]C1010{MUG}17270331\x1d10LOT-7\r")
    assert entry == Entry(f"010{MUG}17270331\x1d10LOT-7", f"0{MUG}", "LOT-7", dt.date(2027, 3, 31))
    (bad,) = type_(buf, "]C10104600000000011\r")
    assert isinstance(bad, Unreadable) and "check digit" in bad.message


@pytest.mark.parametrize(("entry", "ok"), [
    (Entry("MUG"), True), (Entry(MUG), True), (Entry("0" + MUG), True), (Entry("x", gtin="0" + MUG), True),
    (Entry("4600000000022"), False), (Entry("TEA"), False), (Entry("A-01-01"), False),
])
def test_what_counts_as_the_product(entry, ok):
    assert matches(entry, "MUG", [MUG]) is ok
