"""A network label printer over raw TCP (port 9100, "JetDirect"): ask its host status, and
send a label only when it can print it. Every step has a timeout, so an off printer costs the
caller `timeout` seconds and a clear error, never a hang.

    printer = LabelPrinter("pack-printer-1", "10.0.0.31")
    await printer.print(zpl)       # raises PrinterUnreachable / PrinterNotReady / PrinterGarbage
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from .errors import PrinterGarbage, PrinterNotReady, PrinterUnreachable
from .status import HostStatus, decode_host_status

HOST_STATUS = b"~HS\r\n"


@dataclass(frozen=True)
class LabelPrinter:
    name: str
    host: str
    port: int = 9100
    timeout: float = 3.0

    @property
    def where(self) -> str:
        return self.name  # short: the message must fit an exception task; the address is in the config

    async def status(self) -> HostStatus:
        reader, writer = await self._connect()
        try:
            return await self._ask_status(reader, writer)
        finally:
            await _close(writer)

    async def print(self, zpl: str) -> HostStatus:
        """Send one label if the printer is ready; returns the status it reported before."""
        reader, writer = await self._connect()
        try:
            status = await self._ask_status(reader, writer)
            if not status.ready:
                raise PrinterNotReady(self.where, status.problems)
            writer.write(zpl.encode("utf-8"))
            try:
                async with asyncio.timeout(self.timeout):
                    await writer.drain()
            except (TimeoutError, OSError) as exc:
                raise PrinterUnreachable(self.where, "stopped taking data: check it is on, then "
                                         "reprint") from exc
            return status
        finally:
            await _close(writer)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            async with asyncio.timeout(self.timeout):
                return await asyncio.open_connection(self.host, self.port)
        except (TimeoutError, OSError) as exc:
            raise PrinterUnreachable(self.where, "does not answer: check it is switched on and plugged into "
                                     "the network") from exc

    async def _ask_status(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> HostStatus:
        data = b""
        try:
            writer.write(HOST_STATUS)
            async with asyncio.timeout(self.timeout):
                await writer.drain()
                while (status := decode_host_status(data, self.where)) is None:
                    chunk = await reader.read(256)
                    if not chunk:
                        raise PrinterGarbage(self.where, f"closed the connection after {data[:40]!r}, "
                                             "before a whole host status")
                    data += chunk
        except TimeoutError:
            detail = f"sent {data[:40]!r} and then nothing" if data else "gave no status"
            raise PrinterUnreachable(self.where, f"{detail} within {self.timeout:g} s: check it is on") from None
        except OSError as exc:
            raise PrinterUnreachable(self.where, "dropped the connection: check it is on") from exc
        return status


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(1.0):
            await writer.wait_closed()
