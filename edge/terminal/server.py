"""The terminal API's sockets: ROUTER for request/reply, PUB for events.

Each request is served in its own task, so a slow command never holds up other terminals; a
malformed one gets an error reply and nothing else happens.
"""

from __future__ import annotations

import asyncio
import logging

import zmq
import zmq.asyncio

from edge.errors import EdgeError, ProtocolError
from edge.terminal import protocol
from edge.terminal.curve import secure_server
from edge.terminal.operations import Operations

log = logging.getLogger(__name__)


def terminal_of(frame: zmq.Frame) -> str:
    """Who sent this frame, for per-terminal limits: its CurveZMQ key when the node checks keys,
    else its network address (a reconnect gets a new ZeroMQ identity, but not a new address)."""
    for prop in ("User-Id", "Peer-Address"):
        try:
            value = frame.get(prop)
        except zmq.ZMQError:
            continue
        if value:
            return value
    return ""


class TerminalServer:
    def __init__(self, ctx: zmq.asyncio.Context, router_endpoint: str, pub_endpoint: str,
                 operations: Operations, on_request=None, curve: tuple[str, dict[str, str]] | None = None):
        self.ops = operations
        self.on_request = on_request or (lambda op, outcome: None)
        self.router = ctx.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.setsockopt(zmq.ROUTER_HANDOVER, 1)   # a handheld reconnecting keeps its identity
        self.router.setsockopt(zmq.MAXMSGSIZE, protocol.MAX_MESSAGE_BYTES * 4)
        self.pub = ctx.socket(zmq.PUB)
        self.pub.setsockopt(zmq.LINGER, 0)
        # Security options must be set before bind: they apply to connections made afterwards.
        self.auth = secure_server(ctx, [self.router, self.pub], *curve) if curve else None
        self.router_endpoint = self._bind(self.router, router_endpoint)
        self.pub_endpoint = self._bind(self.pub, pub_endpoint)
        self._tasks: set[asyncio.Task] = set()

    @staticmethod
    def _bind(sock: zmq.Socket, endpoint: str) -> str:
        if endpoint.endswith(":0"):
            port = sock.bind_to_random_port(endpoint.rsplit(":", 1)[0])
            return f"{endpoint.rsplit(':', 1)[0]}:{port}"
        sock.bind(endpoint)
        return endpoint

    def publish(self, topic: str, data: dict) -> None:
        self.pub.send_multipart(protocol.encode_event(topic, data), flags=zmq.NOBLOCK)

    async def serve(self) -> None:
        while True:
            frames = await self.router.recv_multipart(copy=False)
            if len(frames) < 2:
                continue
            # Frames: identity, [empty delimiter from REQ sockets], body.
            envelope = [f.bytes for f in frames[:-1]]
            task = asyncio.create_task(self._serve_one(envelope, frames[-1].bytes, terminal_of(frames[-1])))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _serve_one(self, envelope: list[bytes], body: bytes, terminal: str) -> None:
        req_id, op, outcome = None, "invalid", "ok"
        try:
            req = protocol.parse_request(body)
            req_id, op = req.id, req.op
            reply = protocol.ok_reply(req_id, await self.ops.handle(req, terminal))
        except ProtocolError as exc:
            outcome = exc.code
            reply = protocol.error_reply(protocol.request_id_of(body), exc.code, str(exc))
        except EdgeError as exc:
            outcome = exc.code
            reply = protocol.error_reply(req_id, exc.code, str(exc))
        except Exception:  # no stack trace ever reaches a handheld
            log.exception("terminal request %s (%s) failed", req_id, op)
            outcome = "internal"
            reply = protocol.error_reply(req_id, "internal", "the node could not serve this request; try again")
        self.on_request(op, outcome)
        await self.router.send_multipart([*envelope, reply])

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    def close(self) -> None:
        if self.auth:
            self.auth.stop()
        self.router.close(0)
        self.pub.close(0)
