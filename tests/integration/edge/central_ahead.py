"""A small real HTTP server that speaks central's sync routes, scripted by a test.

It stands in for a central one version ahead of this node (feed entries with fields and command
types this node does not know), for one that has lost data (restored from a backup), and for
one that refuses what the edge sends. Uploads are decided by the real pure applier
(sync.applier.decide), so acks, replays, gaps and fences are central's own answers.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from sync.applier import Cursor, decide
from sync.errors import BadBatch, Fence, Gap
from sync.movements import decode_batch, digest

TOKEN = "ahead-sync-token-0123456789abcdef-0123456789"


@dataclass
class CentralAhead:
    warehouse_id: str
    feed: list[dict] = field(default_factory=list)       # raw entries, as JSON objects
    cursor: Cursor = field(default_factory=lambda: Cursor(None, 0, 0))
    digests: dict[int, str] = field(default_factory=dict)
    applied: list[int] = field(default_factory=list)      # movement seqs applied, in order
    outcomes: dict[int, dict] = field(default_factory=dict)
    outcome_posts: int = 0
    outcome_duplicates: int = 0                           # outcomes sent again after central had them
    fail_outcomes: int = 0                                # answer 503 to this many outcome reports
    refuse_uploads: str | None = None                     # answer every upload with this bad_batch message
    feed_polls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_command(self, command: dict, **extra) -> int:
        seq = len(self.feed) + 1
        self.feed.append({"feed_seq": seq, "command": command, **extra})
        return seq

    # -- the routes --------------------------------------------------------------------------------

    def get_feed(self, query: dict) -> tuple[int, dict]:
        after, limit = int(query["after"][0]), int(query.get("limit", ["500"])[0])
        with self.lock:
            self.feed_polls += 1
            return 200, {"entries": self.feed[after:after + limit], "last_seq": len(self.feed),
                         "api_version": "sync/v2"}

    def post_movements(self, body: bytes) -> tuple[int, dict]:
        if self.refuse_uploads:
            return 400, _error("bad_batch", self.refuse_uploads)
        try:
            batch = decode_batch(body)
        except BadBatch as exc:
            return 400, _error("bad_batch", str(exc))
        with self.lock:
            try:
                decision = decide(self.cursor, batch, self.digests)
            except Gap as gap:
                return 409, _error("gap", str(gap), expected_seq=gap.expected_seq)
            except Fence as exc:
                return 409, _error("fence", str(exc))
            for i, m in enumerate(decision.new, start=decision.duplicates):
                self.applied.append(m.seq)
                self.digests[m.seq] = batch.digest_at(i) if batch.digests is not None else digest(m)
            self.cursor = Cursor(batch.node_id, batch.epoch, decision.through)
            return 200, decision.ack

    def post_outcomes(self, body: bytes) -> tuple[int, dict]:
        with self.lock:
            self.outcome_posts += 1
            if self.fail_outcomes:
                self.fail_outcomes -= 1
                return 503, _error("unavailable", "central is restarting")
            report = json.loads(body)
            new = [o for o in report["outcomes"] if o["feed_seq"] not in self.outcomes]
            self.outcomes.update((o["feed_seq"], o) for o in new)
            self.outcome_duplicates += len(report["outcomes"]) - len(new)
            return 200, {"recorded": len(new), "duplicates": len(report["outcomes"]) - len(new)}

    def get_cursor(self) -> tuple[int, dict]:
        with self.lock:
            c = self.cursor
            return 200, {"node_id": c.node_id, "epoch": c.epoch, "last_seq": c.last_seq}

    def restore(self, cursor: Cursor, feed_length: int | None = None) -> None:
        """Go back to an older state, as central restored from a backup would."""
        with self.lock:
            self.applied = [s for s in self.applied if s <= cursor.last_seq]
            self.digests = {s: d for s, d in self.digests.items() if s <= cursor.last_seq}
            self.cursor = cursor
            if feed_length is not None:
                del self.feed[feed_length:]


def _error(code: str, message: str, **details) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def serve(central: CentralAhead) -> ThreadingHTTPServer:
    """Serve on a port the OS picks (server.server_address)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            url = urlparse(self.path)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._answer(401, _error("unauthorized", "wrong token"))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            routes = {("GET", "/feed"): lambda: central.get_feed(parse_qs(url.query)),
                      ("GET", "/cursor"): central.get_cursor,
                      ("POST", "/movements"): lambda: central.post_movements(body),
                      ("POST", "/feed/outcomes"): lambda: central.post_outcomes(body)}
            route = routes.get((method, url.path.removeprefix(f"/sync/v1/warehouses/{central.warehouse_id}")))
            self._answer(*route()) if route else self._answer(404, _error("not_found", url.path))

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, name="central-ahead", daemon=True).start()
    return server
