"""Scanner bursts through a real pseudo-terminal: 100 codes typed back to back, < 5 ms apart, as a
keyboard-wedge scanner types them. Every one must arrive, none lost, none merged."""

from __future__ import annotations

import time

from tui_support import MUG, PICKER

from simulators.handheld_pty import PtyHandheld


def test_100_scans_back_to_back_all_arrive(node):
    term = PtyHandheld(node.router)
    try:
        term.wait_for(lambda s: "Scan your badge" in s and "online" in s, 20)
        term.write(f"{PICKER}\r".encode())
        term.wait_for(lambda s: "1  Pick" in s)
        term.write(b"1\r")
        term.wait_for(lambda s: "order S1" in s)
        for code in ("A-01-01", MUG, "T00001", "A-01-01", MUG, "3", "T00002", "A-03-01", "4600000000022", "T00002",
                     "B-01-01", "MILK", "2", "L1", "T00003"):
            term.write(f"{code}\r".encode())
            time.sleep(0.15)
        term.wait_for(lambda s: "order S4" in s and "0/100 scanned" in s)
        term.write(b"A-01-01\r")
        term.wait_for(lambda s: "Bin A-01-01 OK" in s)
        terminators = [b"\r", b"\n", b"\r\n"]
        started = time.perf_counter()
        for n in range(100):
            term.write(MUG.encode() + terminators[n % 3])
            time.sleep(0.003)
        typed = time.perf_counter() - started
        assert typed < 100 * 0.005 + 0.5, f"the burst took {typed:.2f} s: not scanner speed"
        term.wait_for(lambda s: "100/100 scanned" in s, 15)
        assert "NOT TAKEN" not in term.text()
        term.write(b"T00004\r")
        term.wait_for(lambda s: "Picked 100" in s or "No work" in s, 15)
    finally:
        term.close()
    assert node.scalar("SELECT SUM(qty) FROM movements WHERE kind = 'pick' AND shipment_ref = 'S4'") == 100
