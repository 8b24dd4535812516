"""Asynchronous client of the edge terminal API, used by handhelds, scripted pickers and tests.

A request that times out is sent again with the same id and idempotency key, so a handheld on
flaky Wi-Fi gets the first answer again rather than doing the thing twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import zmq
import zmq.asyncio
from uuid_utils import uuid7

from edge.terminal import protocol
from edge.terminal.protocol import ProtocolError


class TerminalError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class TerminalClient:
    def __init__(self, endpoint: str, ctx: zmq.asyncio.Context | None = None,
                 timeout: float = 5.0, retries: int | None = 3, curve: tuple[str, str, str] | None = None):
        """`curve`: (node public key, this terminal's public key, its secret key) when the node uses CurveZMQ."""
        self.endpoint, self.timeout, self.retries, self.curve = endpoint, timeout, retries, curve
        self.ctx = ctx or zmq.asyncio.Context.instance()
        self.session: str | None = None
        self._sock: zmq.asyncio.Socket | None = None
        self._waiting: dict[str, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None

    async def connect(self) -> TerminalClient:
        self._sock = self.ctx.socket(zmq.DEALER)
        self._sock.setsockopt(zmq.LINGER, 0)
        if self.curve:
            server, public, secret = self.curve
            self._sock.curve_serverkey, self._sock.curve_publickey = server.encode(), public.encode()
            self._sock.curve_secretkey = secret.encode()
        self._sock.connect(self.endpoint)
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        while True:
            frames = await self._sock.recv_multipart()
            try:
                reply = protocol.decode_reply(frames[-1])
            except (ProtocolError, ValueError):
                continue  # not an answer to anything we asked: nothing waits for it

            future = self._waiting.pop(reply.get("id"), None)
            if future is not None and not future.done():
                future.set_result(reply)

    async def call(self, op: str, args: dict | None = None, *, key: str | None = None,
                   on_retry: Callable[[int], None] | None = None) -> dict:
        """Send a request and return its result; raises TerminalError on a refusal. With `retries`
        None it is resent until it is answered (a handheld: never give up on a confirm), and
        `on_retry(attempt)` hears of each resend."""
        req_id = uuid.uuid4().hex
        if key is None and protocol.OPS[op].effect:
            # Time-ordered keys land at the right edge of the node's key index, not all over it.
            key = uuid7().hex
        frame = protocol.encode_request(req_id, op, args, key, self.session)
        attempt = 0
        while True:
            future = asyncio.get_running_loop().create_future()
            self._waiting[req_id] = future
            try:
                await self._send(frame)
                reply = await asyncio.wait_for(future, self.timeout)
                break
            except TimeoutError:
                self._waiting.pop(req_id, None)
                attempt += 1
                if self.retries is not None and attempt > self.retries:
                    raise
                if on_retry is not None:
                    on_retry(attempt)
        if not reply["ok"]:
            raise TerminalError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]

    async def _send(self, frame: bytes) -> None:
        try:
            await self._sock.send_multipart([frame], flags=zmq.NOBLOCK)
        except zmq.Again:
            # No connected peer (node down, or a CurveZMQ handshake refused): a DEALER's send
            # would wait forever rather than fail, so it waits at most the request timeout.
            await asyncio.wait_for(self._sock.send_multipart([frame]), self.timeout)

    async def login(self, badge: str) -> dict:
        result = await self.call("login", {"badge": badge})
        self.session = result["session"]
        return result

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self._sock:
            self._sock.close(0)
