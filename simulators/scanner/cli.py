"""`sklad-sim scanner`: a virtual serial scanner on a pty that types barcodes into it."""

from __future__ import annotations

import argparse
import sys
import time

from .frames import FrameFormat, unescape
from .script import Step, parse_script, play
from .virtual_port import VirtualSerialPort


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sklad-sim scanner", description=__doc__)
    p.add_argument("barcodes", nargs="*", help="barcodes to type (escapes like \\x1d allowed)")
    p.add_argument("--file", help="script file: one barcode per line, or !sleep/!unplug/...")
    p.add_argument("--link", help="stable symlink to the pty, like /dev/serial/by-id/...")
    p.add_argument("--rate", type=float, default=2.0, help="scans per second (default 2)")
    p.add_argument("--terminator", default="\\r\\n", help="frame terminator (default \\r\\n)")
    p.add_argument("--prefix", default="", help="bytes before each frame, e.g. \\x02")
    p.add_argument("--suffix", default="", help="bytes after the data, before the terminator")
    p.add_argument("--aim", default="", help="AIM id for barcodes that carry none, e.g. ]C1")
    p.add_argument("--repeat", type=int, default=1, help="play the script this many times")
    p.add_argument("--start-delay", type=float, default=0.5, help="seconds before typing")
    p.add_argument("--linger", type=float, default=-1,
                   help="seconds to keep the port after the script (default: until Ctrl-C)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        steps = [Step("scan", b) for b in args.barcodes]
        if args.file:
            with open(args.file, encoding="utf-8") as fh:
                steps += parse_script(fh)
    except (OSError, ValueError) as exc:
        print(f"sklad-sim scanner: {exc}", file=sys.stderr)
        return 2
    fmt = FrameFormat(unescape(args.terminator), unescape(args.prefix),
                      unescape(args.suffix), args.aim)
    port = VirtualSerialPort(args.link)
    path = port.plug()
    print(f"virtual scanner port: {path}" + (f" -> {port.path}" if args.link else ""), flush=True)
    try:
        time.sleep(args.start_delay)
        sent = sum(play(port, steps, fmt, 1 / args.rate) for _ in range(args.repeat))
        print(f"typed {sent} barcodes", flush=True)
        if args.linger < 0:
            while True:
                time.sleep(3600)
        time.sleep(args.linger)
    except KeyboardInterrupt:
        pass
    finally:
        port.close()
    return 0
