"""Acquirer callbacks and the sandbox acquirer's 3-D Secure page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool

from central.api.auth import CentralDep, CustomerDep
from central.api.metrics import Metrics
from central.api.schemas import ERROR_RESPONSES, IdPath, SandboxDecision
from central.services.payments import handle_callback, sandbox_authenticate
from central.services.views import CallbackResult


def build(metrics: Metrics) -> APIRouter:
    router = APIRouter(tags=["payments"], responses=ERROR_RESPONSES)

    @router.post("/payments/callback", response_model=CallbackResult)
    async def callback(
        request: Request, central: CentralDep,
        x_acquirer_signature: Annotated[str | None, Header(max_length=256)] = None,
    ) -> CallbackResult:
        """The acquirer's notification, signed with HMAC-SHA256 over the raw body (hex)."""
        body = await request.body()  # central.api.limits keeps it within MAX_CALLBACK_BYTES
        result = await run_in_threadpool(handle_callback, central, body, x_acquirer_signature)
        metrics.callbacks.labels(result.result).inc()
        return result

    @router.post("/sandbox/3ds/{payment_id}", response_model=CallbackResult)
    def sandbox_3ds(payment_id: IdPath, body: SandboxDecision, central: CentralDep,
                    who: CustomerDep) -> CallbackResult:
        """Sandbox only (404 with another acquirer): the order's own customer, with their token,
        approves or declines; the sandbox sends the callback. Another customer's payment: 404."""
        outcome = "succeeded" if body.outcome == "approve" else "failed"
        result = sandbox_authenticate(central, payment_id, outcome, who.customer_id or "")
        metrics.callbacks.labels(result.result).inc()
        return result

    return router

