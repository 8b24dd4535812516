"""`sklad-sim KIND ...`: one entry point for every simulator; each kind lives in its own module."""

from __future__ import annotations

import importlib
import sys

# kind -> (module with a `main(argv)` function, one-line help)
KINDS: dict[str, tuple[str, str]] = {
    "demo": ("simulators.demo", "a warehouse shift on embedded defaults, ending with a report"),
    "scanner": ("simulators.scanner.cli", "virtual serial scanner on a pty that types barcodes"),
    "modbus": ("simulators.modbus.cli", "sorter PLC, scale, put-to-light on Modbus TCP and RTU"),
    "printer": ("simulators.printer.cli", "network label printer taking ZPL on TCP, fails on demand"),
    "agv": ("simulators.agv.cli", "VDA 5050 vehicles (2.1 or 2.0) over MQTT, counting collisions and deadlocks"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in KINDS:
        print("usage: sklad-sim KIND [options]\n\nkinds:")
        for kind, (_, text) in sorted(KINDS.items()):
            print(f"  {kind:<10} {text}")
        if argv and argv[0] not in {"-h", "--help"}:
            print(f"\nsklad-sim: unknown kind {argv[0]!r}", file=sys.stderr)
            return 2
        return 0
    module = importlib.import_module(KINDS[argv[0]][0])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
