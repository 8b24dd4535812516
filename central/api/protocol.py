"""uvicorn's HTTP protocols with TCP_NODELAY on every connection.

With `--workers N`, uvicorn binds the listening socket itself with protocol 0, so asyncio
does not switch Nagle's algorithm off on accepted connections; uvicorn writes a response's
head and body separately, and the client's delayed ACK then adds ~40 ms to every request.

`sklad-central serve` uses the httptools parser (C, a fraction of h11's CPU per request) when it
is installed, else h11.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


def _no_delay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        _no_delay(transport)
        super().connection_made(transport)


if HttpToolsProtocol is not None:

    class NoDelayHttpToolsProtocol(HttpToolsProtocol):

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            _no_delay(transport)
            super().connection_made(transport)

    HTTP_PROTOCOL = "central.api.protocol:NoDelayHttpToolsProtocol"
else:
    HTTP_PROTOCOL = "central.api.protocol:NoDelayH11Protocol"
