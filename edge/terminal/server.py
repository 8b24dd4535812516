"""The terminal API's sockets: ROUTER for request/reply, PUB for events.

Each request is served in its own task, so a slow command never holds up other terminals; a
malformed one gets an error reply and nothing else happens.

The ROUTER is read a burst at a time and answered without waiting, frame by frame: pyzmq's asyncio
wrapper costs a future and a poller round for every message, and its multipart calls ask the socket
for RCVMORE and build flag enums for every frame; together that was a third of the event loop's time
under load. ZMQ_FD only signals an edge, and a send may take in the very request whose edge it was,
so once per turn of the loop that sent replies the socket is asked (ZMQ_EVENTS) whether one waits.
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
BURST = 256  # requests read in one go; then the loop runs what they started before reading more
NOBLOCK = int(zmq.NOBLOCK)
MORE = int(zmq.NOBLOCK | zmq.SNDMORE)


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


def _send(sock: zmq.Socket, frames: list[bytes]) -> None:
    """A message without waiting, frame by frame: a quarter of what send_multipart costs."""
    for frame in frames[:-1]:
        sock.send(frame, MORE)
    sock.send(frames[-1], NOBLOCK)


class TerminalServer:
    def __init__(self, ctx: zmq.asyncio.Context, router_endpoint: str, pub_endpoint: str,
                 operations: Operations, on_request=None, curve: tuple[str, dict[str, str]] | None = None):
        self.ops = operations
        self.on_request = on_request or (lambda op, outcome: None)
        # Plain sockets, not asyncio ones: both are only ever used without blocking (see above).
        self.router = ctx.socket(zmq.ROUTER, socket_class=zmq.Socket)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.setsockopt(zmq.ROUTER_HANDOVER, 1)   # a handheld reconnecting keeps its identity
        self.router.setsockopt(zmq.MAXMSGSIZE, protocol.MAX_MESSAGE_BYTES * 4)
        self.pub = ctx.socket(zmq.PUB, socket_class=zmq.Socket)  # a PUB drops what nobody reads
        self.pub.setsockopt(zmq.LINGER, 0)
        # Security options must be set before bind: they apply to connections made afterwards.
        self.auth = secure_server(ctx, [self.router, self.pub], *curve) if curve else None
        self.router_endpoint = self._bind(self.router, router_endpoint)
        self.pub_endpoint = self._bind(self.pub, pub_endpoint)
        self._tasks: set[asyncio.Task] = set()
        self._readable = asyncio.Event()
        self._look_due = False  # a look at ZMQ_EVENTS is scheduled for the end of this turn

    @staticmethod
    def _bind(sock: zmq.Socket, endpoint: str) -> str:
        if endpoint.endswith(":0"):
            port = sock.bind_to_random_port(endpoint.rsplit(":", 1)[0])
            return f"{endpoint.rsplit(':', 1)[0]}:{port}"
        sock.bind(endpoint)
        return endpoint

    def publish(self, topic: str, data: dict) -> None:
        _send(self.pub, protocol.encode_event(topic, data))

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(self.router.FD, self._readable.set)
        try:
            while True:
                self._readable.clear()
                if self._read_burst():
                    await asyncio.sleep(0)  # more are waiting: first run what this burst started
                else:
                    await self._readable.wait()
        finally:
            loop.remove_reader(self.router.FD)

    def _read_burst(self) -> bool:
        """Start serving the requests waiting, up to BURST; True if that many were read."""
        for _ in range(BURST):
            try:
                frames = [self.router.recv(NOBLOCK, copy=False)]
            except zmq.Again:
                return False
            while frames[-1].more:  # the rest of a message is there once its first frame is
                frames.append(self.router.recv(NOBLOCK, copy=False))
            if len(frames) < 2:
                continue
            # Frames: identity, [empty delimiter from REQ sockets], body.
            envelope = [f.bytes for f in frames[:-1]]
            task = asyncio.create_task(self._serve_one(envelope, frames[-1]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return True

    async def _serve_one(self, envelope: list[bytes], frame: zmq.Frame) -> None:
        body = frame.bytes
        req_id, op, outcome = None, "invalid", "ok"
        try:
            req = protocol.parse_request(body)
            req_id, op = req.id, req.op
            # Only a login needs to know the terminal (its failures are limited per terminal).
            terminal = terminal_of(frame) if op == "login" else ""
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
        self._reply([*envelope, reply])

    def _reply(self, frames: list[bytes]) -> None:
        if self.router.closed:  # the node stopped while this request was being served
            return
        # A ROUTER never blocks a send: a terminal that is gone, or not reading, loses the reply
        # (it sends the request again with the same key).
        _send(self.router, frames)
        if not self._look_due:
            self._look_due = True
            asyncio.get_running_loop().call_soon(self._look)

    def _look(self) -> None:
        """After this turn's sends: a request they took in would give ZMQ_FD no edge of its own."""
        self._look_due = False
        if not self.router.closed and self.router.get(zmq.EVENTS) & zmq.POLLIN:
            self._readable.set()

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    def close(self) -> None:
        if self.auth:
            self.auth.stop()
        self.router.close(0)
        self.pub.close(0)
