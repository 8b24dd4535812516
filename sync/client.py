"""HTTP client of central's sync endpoints (requests), used by the edge's sync agent.

Routes (all with `Authorization: Bearer <warehouse token>`):
  POST /sync/v1/warehouses/{id}/movements   body: an encoded MovementBatch -> ack JSON
  GET  /sync/v1/warehouses/{id}/feed?after=N&limit=M&wait=S   -> {"entries": [...], "last_seq": N}
  GET  /sync/v1/warehouses/{id}/cursor                        -> {"node_id", "epoch", "last_seq"}
  POST /sync/v1/warehouses/{id}/feed/outcomes  body: FeedOutcomeReport JSON -> FeedOutcomeAck JSON
  POST /sync/v1/warehouses/{id}/rejoin         body: RejoinRequest JSON -> RejoinAck JSON
"""

from __future__ import annotations

import requests

from sync.errors import BadBatch, Fence, Gap, SyncError, Unreachable
from sync.feed import MalformedPage, ReceivedEntry, read_page
from sync.movements import CONTENT_ENCODING, CONTENT_TYPE
from sync.outcomes import OUTCOMES_PATH, FeedOutcome, FeedOutcomeAck, FeedOutcomeReport
from sync.rejoin import REJOIN_PATH, RejoinAck, RejoinRequest

API = "/sync/v1/warehouses"


class AuthRefused(SyncError):
    code = "auth"


class CentralClient:
    def __init__(self, base_url: str, warehouse_id: str, token: str, connect_timeout: float = 3.0,
                 read_timeout: float = 30.0, session: requests.Session | None = None):
        self.base = f"{base_url.rstrip('/')}{API}/{warehouse_id}"
        self.timeouts = (connect_timeout, read_timeout)
        self.http = session or requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, timeout_extra: float = 0.0, **kwargs) -> dict:
        try:
            reply = self.http.request(method, self.base + path,
                                      timeout=(self.timeouts[0], self.timeouts[1] + timeout_extra), **kwargs)
        except requests.RequestException as exc:
            raise Unreachable(f"central did not answer {method} {path}: {exc}") from None
        if reply.status_code >= 500:
            raise Unreachable(f"central answered {reply.status_code} to {method} {path}")
        try:
            body = reply.json()
        except ValueError:
            raise Unreachable(f"central answered {reply.status_code} with a body that is not JSON") from None
        if reply.status_code == 200:
            return body
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code, message = error.get("code", "error"), error.get("message", reply.text[:200])
        if reply.status_code in (401, 403):
            raise AuthRefused(f"central refused this warehouse's token: {message}")
        if code == "gap":
            raise Gap(int(error["details"]["expected_seq"]), -1)
        if code in ("fence", "stale_epoch"):
            raise Fence(message)
        if code == "bad_batch":
            raise BadBatch(message)
        raise SyncError(f"central answered {reply.status_code} {code}: {message}")

    def upload(self, batch: bytes) -> dict:
        headers = {"Content-Type": CONTENT_TYPE, "Content-Encoding": CONTENT_ENCODING}
        return self._call("POST", "/movements", data=batch, headers=headers)

    def feed(self, after: int, limit: int = 500, wait: float = 20.0) -> tuple[list[ReceivedEntry], int]:
        """Entries after `after` (each read on its own: see sync.feed.read_page) and the feed's last seq."""
        body = self._call("GET", "/feed", timeout_extra=wait, params={"after": after, "limit": limit, "wait": wait})
        try:
            return read_page(body.get("entries"), after), int(body["last_seq"])
        except (MalformedPage, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise SyncError(f"central's feed page after entry {after} is malformed: {exc}") from None

    def cursor(self) -> dict:
        return self._call("GET", "/cursor")

    def report_outcomes(self, outcomes: list[FeedOutcome]) -> FeedOutcomeAck:
        """Tell central what the floor made of these feed entries; a resend is harmless."""
        body = FeedOutcomeReport(outcomes=outcomes).model_dump_json()
        answer = self._call("POST", OUTCOMES_PATH, data=body, headers={"Content-Type": "application/json"})
        try:
            return FeedOutcomeAck.model_validate(answer)
        except ValueError:
            raise SyncError(f"central acknowledged feed outcomes with {str(answer)[:200]}") from None

    def rejoin(self, request: RejoinRequest) -> RejoinAck:
        """Start a new epoch for a fenced node (see sync/rejoin.py); a resend is acknowledged as a replay."""
        answer = self._call("POST", REJOIN_PATH, data=request.model_dump_json(),
                            headers={"Content-Type": "application/json"})
        return RejoinAck.model_validate(answer)
