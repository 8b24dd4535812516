"""Zebra host status (`~HS`): the printer answers three framed strings; this decodes them into
what a person at the station needs to know. Pure: bytes in, a status (or nothing yet) out.

    <STX>aaa,b,c,dddd,eee,f,g,h,iii,j,k,l<ETX><CR><LF>   b paper out, c paused, f buffer full,
                                                       j corrupt RAM, k/l under/over temperature
    <STX>mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www<ETX><CR><LF>  o head open, p ribbon out, t label waiting
    <STX>xxxx,y<ETX><CR><LF>
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PrinterGarbage

STX, ETX = b"\x02", b"\x03"
FIELDS = (12, 11, 2)  # comma-separated fields in each of the three strings
MAX_ANSWER = 512  # a host status is about 80 bytes: more is not one


@dataclass(frozen=True)
class HostStatus:
    paper_out: bool = False
    paused: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    buffer_full: bool = False
    corrupt_ram: bool = False
    too_cold: bool = False
    too_hot: bool = False
    formats_waiting: int = 0

    @property
    def problems(self) -> tuple[str, ...]:
        """Why it cannot print, each with what to do; () when it is ready."""
        checks = [
            (self.paper_out, "is out of paper: load a new roll of labels"),
            (self.head_open, "has its print head open: close the head"),
            (self.ribbon_out, "is out of ribbon: load a new ribbon"),
            (self.paused, "is paused: press PAUSE to resume"),
            (self.buffer_full, "has a full receive buffer: wait, or power-cycle it"),
            (self.corrupt_ram, "lost its settings (corrupt RAM): power-cycle it and check its setup"),
            (self.too_cold, "has a print head too cold: wait for it to warm up"),
            (self.too_hot, "has a print head too hot: let it cool down"),
        ]
        return tuple(text for flag, text in checks if flag)

    @property
    def ready(self) -> bool:
        return not self.problems


def decode_host_status(data: bytes, printer: str) -> HostStatus | None:
    """The status in `data` (everything received so far); None while it is incomplete.
    Raises PrinterGarbage when it is not a host status."""
    if len(data) > MAX_ANSWER:
        raise PrinterGarbage(printer, f"sent {len(data)} bytes where a host status is about 80: "
                             "is a label printer on that port?")
    frames = []
    rest = data.lstrip(b"\r\n")
    while rest and len(frames) < len(FIELDS):
        if not rest.startswith(STX):
            raise PrinterGarbage(printer, "answered something that is not a host status (~HS): is a Zebra "
                                 "printer on that port?")
        end = rest.find(ETX)
        if end < 0:
            return None
        frames.append(rest[1:end])
        rest = rest[end + 1:].lstrip(b"\r\n")
    if len(frames) < len(FIELDS):
        return None
    return _fields(frames, data, printer)


def _fields(frames: list[bytes], data: bytes, printer: str) -> HostStatus:
    try:
        parts = [frame.decode("ascii").split(",") for frame in frames]
        counts_ok = [len(p) for p in parts] == list(FIELDS)
        flags = [[int(v) for v in p] for p in parts] if counts_ok else None
    except (UnicodeDecodeError, ValueError):
        flags = None
    if flags is None:
        raise PrinterGarbage(printer, "answered something that is not a host status (~HS): is a Zebra "
                             "printer on that port?")
    one, two, _ = flags
    return HostStatus(paper_out=one[1] == 1, paused=one[2] == 1, buffer_full=one[5] == 1,
                      corrupt_ram=one[9] == 1, too_cold=one[10] == 1, too_hot=one[11] == 1,
                      head_open=two[2] == 1, ribbon_out=two[3] == 1, formats_waiting=one[4])


def encode_host_status(status: HostStatus) -> bytes:
    """The answer a Zebra gives for `status` (used by the simulated printer)."""
    b = lambda flag: int(bool(flag))  # noqa: E731
    one = (f"030,{b(status.paper_out)},{b(status.paused)},1218,{status.formats_waiting:03d},"
           f"{b(status.buffer_full)},0,0,000,{b(status.corrupt_ram)},{b(status.too_cold)},{b(status.too_hot)}")
    two = f"001,0,{b(status.head_open)},{b(status.ribbon_out)},0,2,6,0,00000000,1,000"
    return b"".join(STX + s.encode() + ETX + b"\r\n" for s in (one, two, "1234,0"))
