"""Who may call what, decided from the path and the Authorization header alone, before anything
reads the request body: no or an unknown token is a 401 and a token without the right a 403,
whatever the body holds (malformed, oversized or valid).

Rules by path: `/admin/...` the admin token; `/orders...` the admin or a customer; the sandbox's
3-D Secure page a customer; `/sync/v1/warehouses/{id}/...` that warehouse's sync token;
`/metrics` the admin or the metrics token. Everything else (health, the OpenAPI document, the
acquirer's signed callback) is open. Who was recognised is left in the request state, so the
route dependencies that document and re-check each rule do not look the token up again.
"""

from __future__ import annotations

import hmac
import re
from enum import Enum

from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from central.api.auth import Caller, identify
from central.api.errors import central_error_response
from central.api.warehouse_auth import require_owner, warehouse_owners
from central.bootstrap import Central
from central.errors import CentralError, Forbidden, Unauthorized


class Need(Enum):
    ADMIN = "the admin token"
    PERSON = "the admin token or a customer token"
    CUSTOMER = "a customer token"
    WAREHOUSE = "this warehouse's sync token"
    METRICS = "the admin token or the metrics token"


RULES: list[tuple[re.Pattern[str], Need]] = [
    (re.compile(r"/admin(/.*)?"), Need.ADMIN),
    (re.compile(r"/orders(/.*)?"), Need.PERSON),
    (re.compile(r"/sandbox/3ds/.*"), Need.CUSTOMER),
    (re.compile(r"/sync(/.*)?"), Need.WAREHOUSE),
    (re.compile(r"/metrics/?"), Need.METRICS),
]
WAREHOUSE_PATH = re.compile(r"/sync/v1/warehouses/([^/]+)/.*")


def need_for(path: str) -> Need | None:
    return next((need for pattern, need in RULES if pattern.fullmatch(path)), None)


class Access:
    """Pure ASGI middleware enforcing RULES before the app sees the request."""

    def __init__(self, app: ASGIApp, central: Central) -> None:
        self.app = app
        self.central = central

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        need = need_for(scope["path"]) if scope["type"] == "http" else None
        if need is not None:
            try:
                scope.setdefault("state", {}).update(await self._check(need, scope))
            except CentralError as exc:
                await central_error_response(exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _check(self, need: Need, scope: Scope) -> dict:
        scheme, token = get_authorization_scheme_param(Headers(scope=scope).get("authorization"))
        if not token or scheme.lower() != "bearer":
            raise Unauthorized(f"send 'Authorization: Bearer <token>' with {need.value}")
        if need is Need.WAREHOUSE:
            return {"warehouse_owners": await self._warehouse(token, scope["path"])}
        if need is Need.METRICS and self.central.settings.metrics_token and hmac.compare_digest(
                token.encode(), self.central.settings.metrics_token.encode()):
            return {}
        who = identify(self.central, token)
        _allowed(need, who)
        return {"caller": who}

    async def _warehouse(self, token: str, path: str) -> frozenset[str]:
        owners = await run_in_threadpool(warehouse_owners, self.central, token)
        named = WAREHOUSE_PATH.fullmatch(path)
        require_owner(owners, named.group(1) if named else None)
        return owners


def _allowed(need: Need, who: Caller) -> None:
    if need in (Need.ADMIN, Need.METRICS) and not who.is_admin:
        raise Forbidden(f"this endpoint needs {need.value}")
    if need is Need.CUSTOMER and who.is_admin:
        raise Forbidden("this page is the customer's own: use their customer token")
