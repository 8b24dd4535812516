"""The simulator's request decoder: pymodbus' own, with a PLC's answers to malformed requests.

Stock pymodbus answers any request it cannot decode (quantity 0 or over the limit, a function
it does not know) with function code 0x80 and exception 1, and on an RTU bus it skips a frame
with an unknown function code as line noise. A PLC answers function code + 0x80 with exception
1 (illegal function) or 3 (illegal data value), so the edge's handling of those answers is
tested against what the floor really sends. The rules live in `requests.py`.
"""

from __future__ import annotations

from pymodbus.constants import ExcCodes
from pymodbus.framer.rtu import FramerRTU
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.decoders import DecodePDU

from .requests import ILLEGAL_VALUE, refusal

MAX_RTU_FRAME = 256


def silence_framed_size(data: bytes) -> int:
    """Length of the RTU frame at the start of `data` (unit id first), found by its CRC.

    On the wire a frame ends with 3.5 characters of silence, which a byte stream does not
    carry; a frame whose function code gives no length is the shortest prefix ending in its
    own CRC (0: none yet)."""
    for size in range(4, min(len(data), MAX_RTU_FRAME) + 1):
        if FramerRTU.check_CRC(data[:size - 2], int.from_bytes(data[size - 2:size], "big")):
            return size
    return 0


class RefusedRequest(ModbusPDU):
    """A request the PLC refuses; answering it still takes a unit that answers at all."""

    def __init__(self, function: int, code: int) -> None:
        super().__init__()
        self.function_code = function
        self.code = code

    @classmethod
    def calculateRtuFrameSize(cls, data: bytes) -> int:
        return silence_framed_size(data)

    async def datastore_update(self, context, device_id: int) -> ModbusPDU:
        gate = await context.gate(device_id)  # a silent unit stays silent; a faulty one says so
        code = gate if isinstance(gate, ExcCodes) else self.code
        return ExceptionResponse(self.function_code & 0x7F, code)


class PlcDecoder(DecodePDU):
    def __init__(self) -> None:
        super().__init__(is_server=True)

    def lookupPduClass(self, data: bytes) -> type[ModbusPDU] | None:
        known = super().lookupPduClass(data)
        if known is not None:
            return known
        return RefusedRequest if silence_framed_size(data) else None

    def decode(self, frame: bytes) -> ModbusPDU | None:
        if (code := refusal(frame)) is not None:
            return RefusedRequest(frame[0], code)
        # The checks above are the protocol's; pymodbus may still find fault with the data.
        return super().decode(frame) or RefusedRequest(frame[0], ILLEGAL_VALUE)
