"""Request body limits, enforced before anything parses a body: a declared Content-Length over
the limit is answered 413 at once, and a body sent without one (chunked) is counted as it
streams in and cut off with 413 the moment it passes the limit.

Limits by path: a movement batch may be as large as the sync wire format allows, an acquirer
callback is small, everything else (the largest being an admin batch of 1,000 SKUs or 10,000
stock rows) fits in DEFAULT_LIMIT.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.api.errors import error_response
from sync.movements import MAX_BATCH_BYTES

DEFAULT_LIMIT = 2 * 1024 * 1024
MAX_CALLBACK_BYTES = 16 * 1024
TOO_LARGE = "body_too_large"
# (path, limit, error code): the edge's sync client knows an oversized batch as `bad_batch`.
LIMITS: list[tuple[re.Pattern[str], int, str]] = [
    (re.compile(r"/sync/v1/warehouses/[^/]+/movements"), MAX_BATCH_BYTES, "bad_batch"),
    (re.compile(r"/payments/callback"), MAX_CALLBACK_BYTES, TOO_LARGE),
]


def limit_for(path: str) -> tuple[int, str]:
    return next(((limit, code) for pattern, limit, code in LIMITS if pattern.fullmatch(path)),
                (DEFAULT_LIMIT, TOO_LARGE))


def _too_large(limit: int) -> str:
    return f"the request body is over the {limit} byte limit for this endpoint; send less"


class BodyTooLarge(HTTPException):
    """Raised from `receive` while the app reads; an HTTPException so that FastAPI's body
    reading passes it on (it turns other errors into a 400) to the 413 handler."""

    def __init__(self, limit: int, code: str) -> None:
        super().__init__(413, _too_large(limit))
        self.code = code


class BodyLimit:
    """Pure ASGI middleware counting the Content-Length and the stream against limit_for(path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, code = limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            status, code = (413, code) if declared.isdigit() else (400, "bad_content_length")
            message = _too_large(limit) if status == 413 else f"Content-Length {declared!r} is not a byte count"
            await error_response(status, code, message)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit, code)
            return message

        await self.app(scope, counted, send)
