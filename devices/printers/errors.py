"""Label printer errors: local (our label or settings are wrong) and remote (the printer).

Remote errors say what a person at the pack station does about it:
`label printer pack-printer-1 (10.0.0.31:9100) is out of paper: load a new roll`.
"""

from __future__ import annotations


class PrinterError(Exception):
    """Base of every label printer error."""


class LabelError(PrinterError):
    """We broke it: a bad GS1 company prefix, serials used up, label data that cannot print."""


class RemotePrinterError(PrinterError):
    def __init__(self, printer: str, detail: str) -> None:
        self.printer = printer
        self.detail = detail
        super().__init__(f"label printer {printer} {detail}")


class PrinterUnreachable(RemotePrinterError):
    """No connection or no answer: switched off, unplugged, wrong address."""


class PrinterNotReady(RemotePrinterError):
    """The printer answers but cannot print now: out of paper, head open, paused, ..."""

    def __init__(self, printer: str, problems: tuple[str, ...]) -> None:
        self.problems = problems
        super().__init__(printer, "cannot print: " + "; ".join(problems))


class PrinterGarbage(RemotePrinterError):
    """The printer's answer is not a Zebra host status: wrong device on the port, or noise."""
