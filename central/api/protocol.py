"""uvicorn's HTTP protocol with TCP_NODELAY on every connection.

With `--workers N`, uvicorn binds the listening socket itself with protocol 0, so asyncio
does not switch Nagle's algorithm off on accepted connections; uvicorn writes a response's
head and body separately, and the client's delayed ACK then adds ~40 ms to every request.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
